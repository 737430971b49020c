import type { Message } from 'grammy/types';
import type { Sql } from '../db';
import type { MediaKind } from '../domain/lesson-content';

/** Telegram's file ids for lesson media, per bot: a URL is fetched by Telegram once, then reused by its file_id. */
export interface MediaCache {
  lookup(botId: number, source: string): Promise<string | undefined>;
  remember(botId: number, source: string, kind: string, fileId: string): Promise<void>;
  forget(botId: number, source: string): Promise<void>;
}

export function createMediaCache(sql: Sql): MediaCache {
  return {
    async lookup(botId, source) {
      const [row]: [{ fileId: string }?] =
        await sql`select file_id from media_files where bot_id = ${botId} and source = ${source}`;
      return row?.fileId;
    },
    async remember(botId, source, kind, fileId) {
      await sql`insert into media_files (bot_id, source, kind, file_id) values (${botId}, ${source}, ${kind}, ${fileId})
                on conflict (bot_id, source) do update set file_id = excluded.file_id, kind = excluded.kind`;
    },
    async forget(botId, source) {
      await sql`delete from media_files where bot_id = ${botId} and source = ${source}`;
    },
  };
}

/** The file_id Telegram gave the media of a sent message (the largest size of a photo). */
export function fileIdOf(message: Message, kind: MediaKind): string | undefined {
  switch (kind) {
    case 'photo':
      return message.photo?.at(-1)?.file_id;
    case 'video':
      return message.video?.file_id;
    case 'document':
      return message.document?.file_id;
    case 'voice':
      return message.voice?.file_id;
    case 'audio':
      return message.audio?.file_id;
  }
}
