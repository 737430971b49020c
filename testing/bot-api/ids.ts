import { ApiError } from './errors';
import type { BotRef } from './types';

// How the stand-in names bots, chats and messages.

/** A bot's id from its token (the digits before the colon), or the id itself. */
export function botIdOf(ref: BotRef): number {
  if (typeof ref === 'number') return ref;
  const match = /^(\d+):[\w-]+$/.exec(ref);
  if (!match) throw new ApiError(401, 'Unauthorized');
  return Number(match[1]);
}

/** Private chats are per bot (the same user id is a different chat with each bot); groups are shared. */
export const chatKey = (botId: number, chatId: number) => (chatId < 0 ? `${chatId}` : `${botId}:${chatId}`);

export const messageKey = (botId: number, chatId: number, messageId: number) =>
  `${chatKey(botId, chatId)}#${messageId}`;

export const unixNow = () => Math.floor(Date.now() / 1000);
