import type { BotState } from './bot-state';
import { botIdOf, unixNow } from './ids';
import { chatMember, userOf } from './members';
import type { StandInState } from './state';
import type { BotRef } from './types';

/**
 * A user blocks (or unblocks) one bot, or every bot when none is given. Like Telegram, each bot whose private chat
 * with the user changed gets a my_chat_member update: the bot's own status goes member → kicked, or back.
 * `blockUser(userId, botToken?)` and `blockUser(botTokenOrId, userId)` are both accepted.
 */
export function setBlocked(state: StandInState, first: BotRef, second: BotRef | undefined, blocked: boolean): void {
  const { key, userId } = blockKey(first, second);
  // A bot named by token is known from now on, so it hears of the change even before its first call.
  for (const ref of [first, second]) if (typeof ref === 'string') state.bot(ref);
  const before = new Map<BotState, boolean>(
    [...state.bots.values()].map((bot) => [bot, state.isBlocked(bot.id, userId)]),
  );
  if (blocked) state.blocked.add(key);
  else state.blocked.delete(key);
  for (const [bot, was] of before) {
    const now = state.isBlocked(bot.id, userId);
    if (now === was) continue;
    state.enqueue(bot, {
      my_chat_member: {
        chat: state.chat(userId),
        from: userOf(state, userId),
        date: unixNow(),
        old_chat_member: chatMember(was ? 'kicked' : 'member', bot.user),
        new_chat_member: chatMember(now ? 'kicked' : 'member', bot.user),
      },
    });
  }
}

function blockKey(first: BotRef, second: BotRef | undefined): { key: string; userId: number } {
  if (typeof second === 'number') return { key: `${botIdOf(first)}:${second}`, userId: second };
  const userId = Number(first);
  return { key: `${second === undefined ? '*' : botIdOf(second)}:${userId}`, userId };
}
