import type { Sql } from '../db';

/**
 * Albums posted in the review chat (#18). Telegram delivers an album as separate messages sharing a media_group_id and
 * has no call that lists them, so the course bot notes each one, and /broadcast in reply to any of them copies all.
 */
export function reviewChatAlbums(sql: Sql) {
  return {
    /** Remembers a message of an album posted in the review chat. */
    async note(chatId: number, mediaGroupId: string, messageId: number): Promise<void> {
      await sql`insert into review_chat_albums (chat_id, media_group_id, message_id)
                values (${chatId}, ${mediaGroupId}, ${messageId}) on conflict do nothing`;
    },

    /** Every message of the album `messageId` belongs to (as the chat saw it, at most 10), or just that message. */
    async messagesOf(chatId: number, messageId: number, mediaGroupId: string | undefined): Promise<number[]> {
      if (!mediaGroupId) return [messageId];
      const rows = await sql<{ messageId: number }[]>`
        select message_id from review_chat_albums where chat_id = ${chatId} and media_group_id = ${mediaGroupId}
        order by message_id limit 10`;
      const ids = rows.map((r) => r.messageId);
      return ids.includes(messageId) ? ids : [messageId];
    },
  };
}
