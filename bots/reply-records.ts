import type { Message } from 'grammy/types';

/** A message younger than this may still be waiting for its row (written right after the send returns). */
const FRESH_S = 30;
const PATIENCE_MS = 3_000;
const RETRY_MS = 200;

/**
 * What a reply in the admin chat answers, found by `lookup` only in the rows a bot wrote for the messages it posted,
 * never in what a message says. A row follows its message by a moment, so a reviewer who replies at once may beat
 * it: for a message posted in the last 30 s the lookup is repeated for up to 3 s before the reply counts as unlinked.
 */
export async function recordOfReply<T>(
  repliedTo: Pick<Message, 'date'>,
  lookup: () => Promise<T | undefined>,
): Promise<T | undefined> {
  const deadline = Date.now() + (Date.now() / 1000 - repliedTo.date < FRESH_S ? PATIENCE_MS : 0);
  for (;;) {
    const record = await lookup();
    if (record !== undefined || Date.now() >= deadline) return record;
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}
