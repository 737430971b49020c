import type { ClientRequest } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Update } from 'grammy/types';
import type { BotState } from './bot-state';
import type { StandInState } from './state';
import { unixNow } from './ids';
import { dropUnwanted } from './updates';

const ATTEMPTS = 8;
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Pushes each bot's queued updates to its webhook, one at a time and in order (like a webhook with
 * max_connections 1). A delivery that fails (no connection, non-2xx answer, 10 s without one) is retried with growing
 * pauses and recorded in getWebhookInfo's last_error_*; after 8 failed attempts the update is dropped, as Telegram
 * eventually gives up too.
 */
export class WebhookDelivery {
  private readonly draining = new Set<BotState>();
  private readonly inFlight = new Set<ClientRequest>();
  private readonly pauses = new Set<() => void>();

  constructor(private readonly state: StandInState) {
    state.events.on('update', (bot: BotState) => this.kick(bot));
  }

  /** Cancels deliveries in flight and pending retries, so nothing keeps the process alive. */
  close(): void {
    for (const req of this.inFlight) req.destroy();
    for (const resume of this.pauses) resume();
  }

  private kick(bot: BotState): void {
    if (!bot.webhook || this.draining.has(bot) || this.state.closed) return;
    this.draining.add(bot);
    void this.drain(bot).finally(() => this.draining.delete(bot));
  }

  private async drain(bot: BotState): Promise<void> {
    let failures = 0;
    while (bot.webhook && !this.state.closed) {
      dropUnwanted(bot);
      const update = bot.updates[0];
      if (!update) return;
      const webhook = bot.webhook;
      const error = await this.post(webhook.url, update, webhook.secretToken);
      if (this.state.closed) return;
      if (error) {
        webhook.lastErrorDate = unixNow();
        webhook.lastErrorMessage = error;
        if (++failures < ATTEMPTS) {
          await this.pause(Math.min(5_000, 50 * 2 ** failures));
          continue;
        }
      }
      failures = 0;
      if (bot.updates[0] === update) bot.updates.shift();
      this.state.changed();
    }
  }

  /** One POST of one update; resolves with Telegram's kind of error message, or undefined on a 2xx answer. */
  private post(url: string, update: Update, secretToken?: string): Promise<string | undefined> {
    return new Promise((resolve) => {
      const body = JSON.stringify(update);
      const target = new URL(url);
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        target,
        {
          method: 'POST',
          agent: false,
          timeout: REQUEST_TIMEOUT_MS,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(secretToken ? { 'x-telegram-bot-api-secret-token': secretToken } : {}),
          },
        },
        (res) => {
          res.on('error', (err) => resolve(err.message));
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            resolve(
              status >= 200 && status < 300
                ? undefined
                : `Wrong response from the webhook: ${status} ${res.statusMessage ?? ''}`.trim(),
            );
          });
        },
      );
      this.inFlight.add(req);
      req.on('close', () => this.inFlight.delete(req));
      req.on('timeout', () => req.destroy(new Error('Read timeout expired')));
      req.on('error', (err) => resolve(err.message.includes('ECONNREFUSED') ? 'Connection refused' : err.message));
      req.end(body);
    });
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const resume = () => {
        clearTimeout(timer);
        this.pauses.delete(resume);
        resolve();
      };
      const timer = setTimeout(resume, ms);
      this.pauses.add(resume);
    });
  }
}
