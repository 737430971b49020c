import type { BotCommand, Update } from 'grammy/types';
import { botIdOf } from './ids';
import type { BotUser, TgObject } from './types';

export interface WebhookState {
  url: string;
  secretToken?: string;
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

export interface BotState {
  id: number;
  token: string;
  user: BotUser;
  /** Updates not yet confirmed (getUpdates) or not yet accepted by the webhook. */
  updates: Update[];
  nextUpdateId: number;
  /** Undefined: Telegram's default, every type but chat_member, message_reaction and message_reaction_count. */
  allowedUpdates?: string[];
  webhook?: WebhookState;
  /** Ends the bot's pending long poll (there is at most one, as in Telegram). */
  endPoll?: (reason: 'conflict' | 'webhook' | 'closed') => void;
  commands: Map<string, BotCommand[]>;
  menuButtons: Map<number | 'default', TgObject>;
}

/** A bot as Telegram would know it from BotFather: id from the token, username `bot<id>_bot`. */
export function createBotState(token: string): BotState {
  const id = botIdOf(token);
  return {
    id,
    token,
    user: { id, is_bot: true, first_name: `Bot ${id}`, username: `bot${id}_bot` },
    updates: [],
    nextUpdateId: 1,
    commands: new Map(),
    menuButtons: new Map(),
  };
}
