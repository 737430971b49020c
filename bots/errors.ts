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
