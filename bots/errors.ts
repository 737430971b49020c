import { GrammyError, HttpError } from 'grammy';
import type { BotError, Context } from 'grammy';

/**
 * A bot's error boundary: a student who blocked the bot mid-flow, Telegram refusing one call, or a handler that threw
 * is logged (without message contents) and that one update is dropped; the bot keeps serving everyone else.
 */
export function logBotError(name: string, log?: (line: string) => void) {
  return (err: BotError<Context>): void => {
    const e = err.error;
    if (e instanceof GrammyError) log?.(`${name}: Telegram refused ${e.method} (${e.error_code}: ${e.description})`);
    else if (e instanceof HttpError) log?.(`${name}: Telegram unreachable: ${e.message}`);
    else log?.(`${name}: update ${err.ctx.update.update_id} failed: ${e instanceof Error ? e.stack : String(e)}`);
  };
}

/**
 * For `bot.errorBoundary`, around every handler: grammY calls `bot.catch` only in long polling, and in webhook mode a
 * handler's error would answer Telegram 5xx, so the update came again and again (its side effects too) while the
 * chat's next updates waited. Here the error is logged, a button press still gets an answer (`apology`), and the
 * update counts as handled in both modes.
 */
export function handleBotError<C extends Context>(
  name: string,
  log: ((line: string) => void) | undefined,
  apology: (ctx: C) => string,
) {
  const logError = logBotError(name, log);
  return async (err: BotError<C>): Promise<void> => {
    logError(err);
    // The handler may have answered already; Telegram then refuses this second answer, which changes nothing.
    if (err.ctx.callbackQuery) await err.ctx.answerCallbackQuery({ text: apology(err.ctx) }).catch(() => {});
  };
}

/**
 * For `.catch` on an edit of a message the bot sent earlier: Telegram refuses (400) to edit a message that is too old,
 * already gone, or would not change (a second press of the same button), and the edit only tidies the screen, so
 * that answer changes nothing. Anything else (a network failure, a 5xx) is thrown on to the error boundary.
 */
export function ignoreStaleEdit(err: unknown): void {
  if (err instanceof GrammyError && err.error_code === 400) return;
  throw err;
}
