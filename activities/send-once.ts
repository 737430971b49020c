import type { Sql } from '../db';
import { retryWhileDisconnected } from '../db';

/** How long the record of a sent message keeps being retried while Postgres is unreachable (a restart takes ~2 s). */
export const RECORD_RETRY_MS = 30_000;

/**
 * Sends a message at most once per key, however often the activity is retried: a key found in sent_messages is
 * skipped. Once Telegram has taken the message, its record is written even through a Postgres restart: the INSERT
 * is retried within the same attempt for up to RECORD_RETRY_MS (the activity keeps heartbeating meanwhile), so the
 * retry that follows a failed attempt finds the key.
 *
 * What remains (docs/reliability.md has the measurements): a worker killed (SIGKILL) between Telegram's answer and
 * the INSERT's commit (measured by `npm run chaos`, docs/reliability.md: p50 2–5 ms, p99 13–101 ms, up to 3.3 s
 * under load and 11.5 s around a Postgres restart); Postgres unreachable for longer
 * than RECORD_RETRY_MS right after a send; and Telegram taking a message whose answer never arrives (the client's
 * timeout fires). Each sends that one message again on retry. We choose that over the reverse order, which would
 * lose the message instead.
 */
export async function sendOnce(
  sql: Sql,
  key: string,
  chatId: number,
  send: () => Promise<number[]>,
): Promise<number[]> {
  const [done]: [{ messageIds: number[] }?] = await sql`select message_ids from sent_messages where key = ${key}`;
  if (done) return done.messageIds;
  const messageIds = await send();
  await retryWhileDisconnected(
    () => sql`
      insert into sent_messages (key, chat_id, message_ids) values (${key}, ${chatId}, ${messageIds})
      on conflict (key) do nothing
    `,
    RECORD_RETRY_MS,
  );
  return messageIds;
}
