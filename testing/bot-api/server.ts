import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RateLimiter } from './limits';
import { METHODS, methodNotFound, SEND_METHODS } from './methods';
import { Params, parseBody } from './params';
import type { BotState, StandInState } from './state';
import type { TgObject } from './types';
import { ApiError } from './types';

const MAX_BODY = 50 * 1024 * 1024;

/** The HTTP face of the stand-in: `/bot<token>/<method>`, answered with Telegram's envelope and status codes. */
export class BotApiServer {
  private readonly server: Server;
  private readonly polls = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly state: StandInState,
    private readonly limiter: RateLimiter | null,
  ) {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 1000;
    state.events.on('update', (token: string) => this.deliverWebhook(token));
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.polls) wake();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    let botId = 0;
    let method = '';
    let params: TgObject = {};
    try {
      if (!match) throw new ApiError(404, 'Not Found');
      method = match[2]!;
      const bot = this.state.bot(decodeURIComponent(match[1]!));
      botId = bot.id;
      params = { ...Object.fromEntries(new URL(req.url!, 'http://x').searchParams), ...(await readBody(req)) };
      if (this.state.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.state.latencyMs));
      const result = await this.dispatch(bot, method, new Params(params));
      this.state.logCall({ botId, method, params, at: Date.now(), ok: true });
      send(res, 200, { ok: true, result });
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError(500, `Internal Server Error: ${String(err)}`);
      this.state.logCall({
        botId,
        method,
        params,
        at: Date.now(),
        ok: false,
        errorCode: error.errorCode,
        description: error.description,
      });
      send(res, error.errorCode, {
        ok: false,
        error_code: error.errorCode,
        description: error.description,
        ...(error.parameters ? { parameters: error.parameters } : {}),
      });
    }
  }

  private async dispatch(bot: BotState, method: string, params: Params): Promise<unknown> {
    const chatId = params.has('chat_id') ? Number(params.raw.chat_id) : undefined;
    const fault = this.state.takeFault(method, chatId);
    if (fault) {
      const description = fault.description ?? defaultDescription(fault.errorCode, fault.retryAfter);
      throw new ApiError(
        fault.errorCode,
        description,
        fault.retryAfter ? { retry_after: fault.retryAfter } : undefined,
      );
    }
    if (method === 'getUpdates') return this.getUpdates(bot, params);
    const run = METHODS[method];
    if (!run) throw methodNotFound();
    if (SEND_METHODS.has(method) && chatId !== undefined) {
      if (this.state.isBlocked(bot.id, chatId)) throw new ApiError(403, 'Forbidden: bot was blocked by the user');
      const retryAfter = this.limiter?.admit(bot.id, chatId) ?? null;
      if (retryAfter !== null) {
        throw new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
      }
    }
    return run({ state: this.state, bot, params, method });
  }

  /** Long polling as Telegram does it: confirms updates below `offset`, then waits up to `timeout` s for new ones. */
  private async getUpdates(bot: BotState, params: Params): Promise<TgObject[]> {
    if (bot.webhook) {
      throw new ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    const offset = params.optionalInt('offset');
    if (offset !== undefined) bot.updates.splice(0, bot.updates.filter((u) => Number(u.update_id) < offset).length);
    const limit = Math.min(100, Math.max(1, params.optionalInt('limit') ?? 100));
    const allowed = params.json<string[]>('allowed_updates');
    const ready = () =>
      bot.updates
        .filter((u) => !allowed || allowed.length === 0 || Object.keys(u).some((k) => allowed.includes(k)))
        .slice(0, limit);
    const timeoutMs = Math.min(50, Math.max(0, params.optionalInt('timeout') ?? 0)) * 1000;
    if (ready().length === 0 && timeoutMs > 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.state.events.off('update', onUpdate);
          this.polls.delete(wake);
          resolve();
        };
        const onUpdate = (token: string) => token === bot.token && wake();
        const timer = setTimeout(wake, timeoutMs);
        this.state.events.on('update', onUpdate);
        this.polls.add(wake);
      });
    }
    return ready();
  }

  /** Pushes a bot's queued updates to its webhook one at a time, retrying a failed delivery like Telegram. */
  private deliverWebhook(token: string): void {
    const bot = this.state.bots.get(token);
    if (!bot?.webhook || bot.webhookBusy || this.closed) return;
    bot.webhookBusy = true;
    void (async () => {
      let failures = 0;
      while (bot.webhook && bot.updates.length > 0 && !this.closed) {
        const update = bot.updates[0]!;
        const ok = await fetch(bot.webhook.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(bot.webhook.secretToken ? { 'x-telegram-bot-api-secret-token': bot.webhook.secretToken } : {}),
          },
          body: JSON.stringify(update),
        })
          .then((r) => r.ok)
          .catch(() => false);
        if (ok) {
          bot.updates.shift();
          failures = 0;
        } else if (++failures >= 10) {
          bot.updates.shift(); // Telegram gives up on an update eventually too.
          failures = 0;
        } else {
          await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** failures)));
        }
      }
      bot.webhookBusy = false;
    })();
  }
}

function defaultDescription(code: number, retryAfter?: number): string {
  if (code === 429) return `Too Many Requests: retry after ${retryAfter ?? 1}`;
  if (code === 403) return 'Forbidden: bot was blocked by the user';
  if (code === 400) return 'Bad Request: injected fault';
  if (code === 502) return 'Bad Gateway';
  return 'Internal Server Error';
}

async function readBody(req: IncomingMessage): Promise<TgObject> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ApiError(413, 'Request Entity Too Large');
    chunks.push(chunk as Buffer);
  }
  try {
    return parseBody(String(req.headers['content-type'] ?? ''), Buffer.concat(chunks));
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(400, 'Bad Request: invalid request body');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}
