import { ApplicationFailure } from '@temporalio/common';
import { GrammyError } from 'grammy';
import { BotBlockedError, TelegramBadRequestError } from './errors';

/**
 * Runs one Bot API call and turns Telegram's answer into what the retry policy understands: 403 is final
 * (BotBlockedError), 400 is final (TelegramBadRequestError), 429 retries after exactly Telegram's retry_after,
 * and anything else (5xx, network) is left to the policy's backoff.
 */
export async function callTelegram<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof GrammyError)) throw err;
    if (err.error_code === 403) throw new BotBlockedError(err.description);
    if (err.error_code === 400) throw new TelegramBadRequestError(err.description);
    if (err.error_code === 429) {
      const seconds = err.parameters.retry_after ?? 1;
      throw ApplicationFailure.create({
        type: 'TelegramRateLimitedError',
        message: `${err.description} (retry after ${seconds}s)`,
        nextRetryDelay: `${seconds}s`,
      });
    }
    throw err;
  }
}
