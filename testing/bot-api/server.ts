import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBody } from './body';
import { ApiError, blockedByUser, faultError, methodNotFound, tooManyRequests } from './errors';
import type { RateLimiter } from './limits';
import { fileContent } from './media';
import { BLOCKABLE_METHODS, METHODS, SEND_METHODS, canonicalMethod } from './methods';
import { Params } from './params';
import type { BotState } from './bot-state';
import type { StandInState } from './state';
import type { SlowSpec, TgObject } from './types';

const MAX_BODY_BYTES = 50 * 1024 * 1024;
const ROUTE = /^\/(file\/)?bot([^/]+)\/(.+)$/;

/**
 * The HTTP face of the stand-in: `/bot<token>/<method>` (GET or POST; JSON, urlencoded or multipart) answered with
 * Telegram's envelope and status codes, and `/file/bot<token>/<file_path>` for downloads. Before a method runs,
 * injected faults apply, then blocks (403), then flood limits (429).
 */
export class BotApiServer {
  private readonly server: Server;

  constructor(
    private readonly state: StandInState,
    private readonly limiter: RateLimiter | null,
  ) {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 1_000;
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return `http://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  /** Stops listening and drops every connection, pending long polls included. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const route = ROUTE.exec(url.pathname);
    if (!route) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, isFile, rawToken, rawMethod] = route;
    const token = decodeURIComponent(rawToken!);
    let bot: BotState | undefined;
    let method = rawMethod!;
    let params: TgObject = {};
    let answerDelayMs = 0;
    try {
      bot = this.state.bot(token);
      if (isFile) return this.download(res, bot, decodeURIComponent(rawMethod!));
      method = canonicalMethod(rawMethod!) ?? rawMethod!;
      params = { ...Object.fromEntries(url.searchParams), ...(await readBody(req)) };
      if (this.state.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.state.latencyMs));
      const chatId = params.chat_id === undefined ? undefined : Number(params.chat_id);
      const slow = this.state.takeSlow(bot.id, method, chatId);
      if (slow?.lateAnswer) answerDelayMs = slow.delayMs;
      const result = await this.dispatch(
        bot,
        method,
        new Params(params),
        aborted(res),
        slow?.lateAnswer ? undefined : slow,
      );
      this.log(bot, method, params, 200);
      await pause(answerDelayMs);
      send(res, 200, { ok: true, result });
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError(500, `Internal Server Error: ${String(err)}`);
      this.log(bot, method, params, error.errorCode, error, token);
      await pause(answerDelayMs);
      send(res, error.errorCode, {
        ok: false,
        error_code: error.errorCode,
        description: error.description,
        ...(error.parameters ? { parameters: error.parameters } : {}),
      });
    }
  }

  private async dispatch(
    bot: BotState,
    method: string,
    params: Params,
    signal: AbortSignal,
    slow: SlowSpec | undefined,
  ): Promise<unknown> {
    const chatId = params.has('chat_id') ? Number(params.raw.chat_id) : undefined;
    if (slow) {
      await pause(slow.delayMs);
      // The client gave up while the request was on its way: Telegram never saw it.
      if (signal.aborted)
        throw new ApiError(499, 'Client Closed Request: the caller gave up before the request arrived');
    }
    const fault = this.state.takeFault(bot.id, method, chatId);
    if (fault) throw faultError(fault.errorCode, fault.description, fault.retryAfter);
    const run = METHODS[method];
    if (!run) throw methodNotFound();
    if (chatId !== undefined && chatId > 0 && BLOCKABLE_METHODS.has(method) && this.state.isBlocked(bot.id, chatId)) {
      throw blockedByUser();
    }
    if (chatId !== undefined && this.limiter && SEND_METHODS.has(method)) {
      const retryAfter = this.limiter.admit(bot.id, chatId);
      if (retryAfter !== null) throw tooManyRequests(retryAfter);
    }
    return run({ state: this.state, bot, params, method, signal });
  }

  private download(res: ServerResponse, bot: BotState, path: string): void {
    const content = fileContent(this.state, bot.id, path);
    if (!content) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found: file not found' });
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': content.length });
    res.end(content);
  }

  private log(
    bot: BotState | undefined,
    method: string,
    params: TgObject,
    status: number,
    error?: ApiError,
    token = '',
  ) {
    this.state.records.addCall({
      botId: bot?.id ?? 0,
      token: bot?.token ?? token,
      method,
      params,
      at: Date.now(),
      status,
      ok: !error,
      ...(error
        ? {
            errorCode: error.errorCode,
            description: error.description,
            ...(error.parameters?.retry_after ? { retryAfter: error.parameters.retry_after } : {}),
          }
        : {}),
    });
  }
}

/** Aborts when the client disconnects before the answer is written (a long poll grammY cancelled). */
function aborted(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

async function readBody(req: IncomingMessage): Promise<TgObject> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'Request Entity Too Large');
    chunks.push(chunk);
  }
  return parseBody(String(req.headers['content-type'] ?? ''), Buffer.concat(chunks));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

function pause(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
