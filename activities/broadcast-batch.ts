import type { Api } from 'grammy';
import type { Sql } from '../db';
import { audienceOf, audiencePage } from '../journey/broadcast-audience';
import { pause } from '../lib/pause';
import { callTelegram } from '../telegram/call';
import { sendKey } from '../telegram/send-keys';
import { BotBlockedError, NotFoundError, TelegramBadRequestError } from './errors';
import { currentActivitySignal } from './heartbeats';
import { sendOnce } from './send-once';

/** Recipients copied at once inside a batch: enough to keep the bulk lane's slots busy while each waits for its own. */
const PARALLEL = 16;
/** Tries per recipient for a 5xx or a network error before it counts as failed (403 and 400 are final at once). */
const TRIES = 3;

export interface BroadcastBatchInput {
  broadcastId: number;
  afterUserId: number;
  size: number;
  maxMs: number;
}
export interface BroadcastBatchResult {
  /** users.id of the last recipient handled: every recipient up to it has an outcome. */
  lastUserId: number;
  /** No recipient is left after lastUserId. */
  done: boolean;
}
type Outcome = { outcome: 'sent' | 'failed' | 'blocked'; reason: string | null };

/**
 * One batch of a broadcast: the next `size` recipients after `afterUserId`, each copied the source message(s) once
 * (send-once key per broadcast and student) and given an outcome row; blocked students (403) are recorded and skipped.
 * It stops taking recipients after `maxMs`, so Pause and Cancel wait for a short batch. A retried batch skips the
 * recipients that have an outcome already.
 */
export async function sendBroadcastBatch(
  sql: Sql,
  api: Api,
  input: BroadcastBatchInput,
): Promise<BroadcastBatchResult> {
  const { broadcastId } = input;
  const [source]: [{ chatId: number; messageIds: number[] }?] = await sql`
    select source_chat_id as chat_id, source_message_ids as message_ids from broadcasts where id = ${broadcastId}`;
  const audience = await audienceOf(sql, broadcastId);
  if (!source || !audience) throw new NotFoundError(`Broadcast ${broadcastId} does not exist`);
  const page = await audiencePage(sql, audience, input.afterUserId, input.size);
  const handled = new Set(
    (
      await sql<{ userId: number }[]>`
        select user_id from broadcast_deliveries
        where broadcast_id = ${broadcastId} and user_id = any(${page.map((r) => r.userId)})`
    ).map((r) => r.userId),
  );
  const started = Date.now();
  let lastUserId = input.afterUserId;
  for (let i = 0; i < page.length; i += PARALLEL) {
    if (i > 0 && Date.now() - started >= input.maxMs) return { lastUserId, done: false };
    const chunk = page.slice(i, i + PARALLEL);
    await Promise.all(
      chunk.map(async ({ userId, chatId }) => {
        if (handled.has(userId)) return;
        const { outcome, reason } = await copyTo(sql, api, { broadcastId, userId, chatId, source });
        await sql`
          insert into broadcast_deliveries (broadcast_id, user_id, outcome, reason)
          values (${broadcastId}, ${userId}, ${outcome}, ${reason}) on conflict do nothing`;
      }),
    );
    lastUserId = chunk.at(-1)!.userId;
  }
  return { lastUserId, done: page.length < input.size };
}

async function copyTo(
  sql: Sql,
  api: Api,
  to: { broadcastId: number; userId: number; chatId: number; source: { chatId: number; messageIds: number[] } },
): Promise<Outcome> {
  const { chatId, source } = to;
  for (let attempt = 1; ; attempt++) {
    try {
      await sendOnce(sql, sendKey.broadcast(to.broadcastId, to.userId), chatId, async () => {
        if (source.messageIds.length === 1) {
          const copy = await callTelegram(() => api.copyMessage(chatId, source.chatId, source.messageIds[0]!));
          return [copy.message_id];
        }
        const copies = await callTelegram(() => api.copyMessages(chatId, source.chatId, source.messageIds));
        return copies.map((c) => c.message_id);
      });
      return { outcome: 'sent', reason: null };
    } catch (err) {
      if (err instanceof BotBlockedError) return { outcome: 'blocked', reason: err.message };
      if (err instanceof TelegramBadRequestError) return { outcome: 'failed', reason: err.message };
      // A cancelled batch (Pause never cancels one; a worker shutting down does) records nothing: its retry sends.
      const cancelled = currentActivitySignal();
      if (cancelled?.aborted) throw err;
      if (attempt >= TRIES) return { outcome: 'failed', reason: err instanceof Error ? err.message : String(err) };
      await pause(retryAfterMs(err) ?? 1000 * attempt, cancelled);
    }
  }
}

/** Telegram's retry_after of a 429 (telegram/call.ts makes it the failure's nextRetryDelay). */
function retryAfterMs(err: unknown): number | undefined {
  const delay = typeof err === 'object' && err !== null && 'nextRetryDelay' in err ? err.nextRetryDelay : undefined;
  const seconds = typeof delay === 'string' ? /^(\d+)s$/.exec(delay)?.[1] : undefined;
  return seconds === undefined ? undefined : Number(seconds) * 1000;
}
