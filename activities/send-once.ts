import type { Sql } from '../db';

/**
 * Sends a message at most once per key, however often the activity is retried: a key found in sent_messages is
 * skipped. What remains is the window between Telegram accepting the message and the INSERT committing (one
 * round trip to Postgres, milliseconds): a worker that dies exactly there sends that one message again on retry.
 * We choose that over the reverse order, which would lose the message instead.
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
  await sql`
    insert into sent_messages (key, chat_id, message_ids) values (${key}, ${chatId}, ${messageIds})
    on conflict (key) do nothing
  `;
  return messageIds;
}
