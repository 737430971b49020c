import type { Context, MiddlewareFn } from 'grammy';
import { retryWhileDisconnected } from '../db';
import type { Sql } from '../db';
import { signalStudentReturned } from '../journey/student-returns';
import type { ReturnSignaller } from '../journey/student-returns';

/** How long a return is retried while Postgres is unreachable (a restart takes seconds), before it is logged lost. */
export const RETURN_RETRY_MS = 30_000;

/**
 * A student whose journey is blocked (a send was refused with 403) is back when they unblock this bot
 * (my_chat_member: the bot is a member again, no longer kicked) or write to it in any way: their blocked journeys
 * are told and send the missed message at once. An unblock tells every unfinished journey of theirs, not only those
 * Postgres already shows as blocked (see signalStudentReturned). Either bot counts. The journey retries its step with
 * whichever bot it belongs to (lessons: the course bot, welcome and invites: the sales bot); if that one is still
 * blocked it meets one more 403 and waits again, so a return costs at most one refused call. A student ops hold
 * (/block) comes back through /unblock, not by writing.
 *
 * Mounted before the session, which reads Postgres: a return seen while Postgres restarts waits for it (up to
 * RETURN_RETRY_MS) instead of failing with the update and being lost. The update is then handled as usual; a return
 * that still could not be told is logged and does not stop it.
 */
export function noticeReturns<C extends Context>(
  name: string,
  deps: { sql: Sql; enrollments: ReturnSignaller; log?: (line: string) => void },
): MiddlewareFn<C> {
  return async (ctx, next) => {
    const student = ctx.chat?.type === 'private' ? ctx.from : undefined;
    const change = ctx.myChatMember;
    const left = change && change.new_chat_member.status !== 'member';
    const unblocked = change?.old_chat_member.status === 'kicked' && !left;
    if (student && !student.is_bot && !left) {
      try {
        const told = await tellReturn(deps, student.id, unblocked ? 'unfinished' : 'blocked');
        if (told > 0) deps.log?.(`${name}: a returning student resumed ${told} blocked journey(s)`);
      } catch (err) {
        deps.log?.(`${name}: could not resume a returning student's journeys: ${String(err)}`);
      }
    }
    await next();
  };
}

/** signalStudentReturned, retried while Postgres is unreachable for up to RETURN_RETRY_MS. */
export function tellReturn(
  deps: { sql: Sql; enrollments: ReturnSignaller },
  telegramId: number,
  which: 'blocked' | 'unfinished',
  withinMs = RETURN_RETRY_MS,
): Promise<number> {
  return retryWhileDisconnected(() => signalStudentReturned(deps, telegramId, which), withinMs);
}
