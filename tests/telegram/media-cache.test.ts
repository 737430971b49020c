import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramBadRequestError } from '../../telegram/errors';
import { createMediaCache } from '../../telegram/media-cache';
import { sendPart } from '../../telegram/send-part';
import { startBotApiStandIn } from '../../testing/bot-api';
import type { BotApiStandIn } from '../../testing/bot-api';
import { createTestDatabase } from '../helpers/database';
import type { TestDatabase } from '../helpers/database';

const PHOTO = 'https://example.com/lesson-1.png';

describe('lesson media: uploaded once, reused by file_id, per bot', () => {
  let db: TestDatabase;
  let telegram: BotApiStandIn;
  beforeAll(async () => {
    db = await createTestDatabase();
    telegram = await startBotApiStandIn({ port: 0, rateLimits: false });
  });
  afterAll(async () => {
    await telegram?.stop();
    await db?.drop();
  });

  it('sends a URL the first time, the file_id after, and keeps file ids apart per bot', async () => {
    const media = createMediaCache(db.sql);
    const course = new Api('5001:course', { apiRoot: telegram.apiRoot });
    const other = new Api('5002:other', { apiRoot: telegram.apiRoot });
    const photo = { kind: 'photo' as const, media: PHOTO, caption: 'A pond' };
    await sendPart(course, 61, photo, { media });
    await sendPart(course, 62, photo, { media });
    await sendPart(other, 63, photo, { media });
    const sent = telegram.calls('sendPhoto').map((c) => String(c.params.photo));
    expect(sent[0]).toBe(PHOTO);
    expect(sent[1]).not.toBe(PHOTO);
    expect(sent[1]).toBe(telegram.sent(61)[0]!.media);
    expect(sent[2]).toBe(PHOTO); // the other bot cannot use the course bot's file id
    const rows = await db.sql`select bot_id, kind from media_files where source = ${PHOTO} order by bot_id`;
    expect(rows.map((r) => [r.botId, r.kind])).toEqual([
      [5001, 'photo'],
      [5002, 'photo'],
    ]);
  });

  it('falls back to the source when Telegram refuses a cached file_id, and caches the new one', async () => {
    const media = createMediaCache(db.sql);
    const course = new Api('5001:course', { apiRoot: telegram.apiRoot });
    const [foreign] = await db.sql<{ fileId: string }[]>`select file_id from media_files where bot_id = 5002`;
    await db.sql`update media_files set file_id = ${foreign!.fileId} where bot_id = 5001`;
    await sendPart(course, 64, { kind: 'photo', media: PHOTO }, { media });
    const last = telegram.calls('sendPhoto').slice(-2);
    expect(last.map((c) => c.errorCode)).toEqual([400, undefined]);
    expect(String(last[1]!.params.photo)).toBe(PHOTO);
    expect(await media.lookup(5001, PHOTO)).toBe(telegram.sent(64)[0]!.media);
  });

  it('sends an album in one call and reuses its items by file_id next time', async () => {
    const media = createMediaCache(db.sql);
    const course = new Api('5001:course', { apiRoot: telegram.apiRoot });
    const album = {
      kind: 'album' as const,
      items: [
        { kind: 'photo' as const, media: 'https://example.com/a1.png', caption: 'first' },
        { kind: 'photo' as const, media: 'https://example.com/a2.png' },
      ],
    };
    const first = await sendPart(course, 71, album, { media });
    const second = await sendPart(course, 72, album, { media });
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(2);
    const [a, b] = telegram.sent(71);
    expect(a?.mediaGroupId).toBeDefined();
    expect(a?.mediaGroupId).toBe(b?.mediaGroupId);
    const calls = telegram.calls('sendMediaGroup').map((c) => JSON.stringify(c.params.media));
    expect(calls[0]).toContain('https://example.com/a1.png');
    expect(calls[1]).not.toContain('https://');
    expect(calls[1]).toContain(a!.media!);
  });

  it('refuses an album Telegram would refuse (audio with a photo) before sending anything', async () => {
    const course = new Api('5001:course', { apiRoot: telegram.apiRoot });
    const before = telegram.calls('sendMediaGroup').length;
    const album = {
      kind: 'album' as const,
      items: [
        { kind: 'audio' as const, media: 'https://example.com/a.mp3' },
        { kind: 'photo' as const, media: 'https://example.com/p.png' },
      ],
    };
    await expect(sendPart(course, 73, album)).rejects.toThrow(
      new TelegramBadRequestError(
        'An album of audio, photo is refused: only audio, only documents, or photos and videos',
      ),
    );
    expect(telegram.calls('sendMediaGroup')).toHaveLength(before);
  });
});
