import { Api } from 'grammy';
import { currentActivitySignal } from './heartbeats';
import type { SendPacer } from './pacing';

/** The two bots activities speak through; a one-bot deployment passes the same token twice. */
export interface TelegramBots {
  /** Sales bot: welcome, payment problems, invites. */
  sales: Api;
  /** Course bot: lessons, homework acknowledgements, feedback, the review chat. */
  course: Api;
}

/**
 * How long one Bot API call may take before it is abandoned: well under TELEGRAM_STEP's 60 s start-to-close timeout,
 * so a slow answer fails its own attempt (and is retried) instead of outliving it next to the retry.
 */
export const TELEGRAM_CALL_TIMEOUT_SECONDS = 20;

export function createTelegramBots(options: {
  salesToken: string;
  courseToken: string;
  apiRoot: string;
  /** Paces every message both bots send (production); tests without Telegram's limits leave it out. */
  pacer?: SendPacer;
  callTimeoutSeconds?: number;
}): TelegramBots {
  const client = {
    apiRoot: options.apiRoot,
    timeoutSeconds: options.callTimeoutSeconds ?? TELEGRAM_CALL_TIMEOUT_SECONDS,
  };
  const bots = { sales: new Api(options.salesToken, client), course: new Api(options.courseToken, client) };
  for (const api of [bots.sales, bots.course]) {
    // A one-bot deployment (one token twice) shares one row, so both together keep the one bot's rate.
    options.pacer?.install(api);
    // Installed last, so it runs first: the pacer's wait and the HTTP request both end when the activity is cancelled.
    // The cast is grammY's typing gap, not ours: its Node build types `signal` with the abort-controller shim's
    // AbortSignal, which Node's own AbortSignal does not match in type, though node-fetch under grammY takes it.
    api.config.use((prev, method, payload, signal) =>
      prev(method, payload, signal ?? (currentActivitySignal() as typeof signal)),
    );
  }
  return bots;
}
