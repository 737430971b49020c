import { ApplicationFailure } from '@temporalio/activity';
import { Api, GrammyError } from 'grammy';
import { BotBlockedError, TelegramBadRequestError } from './errors';
import type { SendPacer } from './pacing';

/** The two bots activities speak through; a one-bot deployment passes the same token twice. */
export interface TelegramBots {
  /** Sales bot: welcome, payment problems, invites. */
  sales: Api;
  /** Course bot: lessons, homework acknowledgements, feedback, the review chat. */
  course: Api;
}

export function createTelegramBots(options: {
  salesToken: string;
  courseToken: string;
  apiRoot: string;
  /** Paces every message both bots send (production); tests without Telegram's limits leave it out. */
  pacer?: SendPacer;
}): TelegramBots {
  const client = { apiRoot: options.apiRoot };
  const bots = { sales: new Api(options.salesToken, client), course: new Api(options.courseToken, client) };
  // A one-bot deployment (one token twice) shares one row, so both together keep the one bot's rate.
  if (options.pacer) for (const api of [bots.sales, bots.course]) options.pacer.install(api);
  return bots;
}

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
