import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendOnce } from '../../activities/send-once';
import { progressQuery } from '../../journey/definitions';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { COURSE_TOKEN, eventually, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';

const PHOTO = 'https://example.com/send-once-pond.png';

describe('sendOnce: a key already recorded is never sent again', () => {
  let p: Platform;
  beforeAll(async () => {
    p = await startPlatform();
  });
  afterAll(async () => p?.close());

  it('skips a recorded key and returns the message ids of the first send', async () => {
    const chatId = 640_000_001;
    const api = new Api(COURSE_TOKEN, { apiRoot: p.telegram.apiRoot });
    let sends = 0;
    const send = async () => {
      sends++;
      return [(await api.sendMessage(chatId, 'Exactly once')).message_id];
    };
    const first = await sendOnce(p.db.sql, 'test:exactly-once', chatId, send);
    const again = await sendOnce(p.db.sql, 'test:exactly-once', chatId, send);
    expect(again).toEqual(first);
    expect(sends).toBe(1);
    expect(p.telegram.sent(chatId).map((m) => m.text)).toEqual(['Exactly once']);
  });

  it('does not send a lesson’s first message again when the activity is retried after it went out', async () => {
    const courseSlug = p.slug('send-once');
    await insertCourse(p.db.sql, {
      slug: courseSlug,
      intervalMs: 60_000,
      lessons: [
        {
          day: 1,
          parts: [
            { type: 'text', text: 'Before the photo' },
            { type: 'photo', source: PHOTO },
          ],
        },
        { day: 2 },
      ],
    });
    const { userId, telegramId } = await insertUser(p.db.sql);
    // The lesson's text goes out, then Telegram fails the photo: deliverLesson fails and Temporal retries it whole.
    p.telegram.failNext({ method: 'sendPhoto', chatId: telegramId, errorCode: 502 });
    await p.temporal.enrollments.pay({ userId, courseSlug }, payment('BASIC'));
    const handle = p.temporal.enrollments.handle({ userId, courseSlug });
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.lessonsDelivered.includes(1),
    );

    const photoCalls = p.telegram.calls('sendPhoto').filter((c) => Number(c.params.chat_id) === telegramId);
    expect(photoCalls.map((c) => c.errorCode ?? 'ok')).toEqual([502, 'ok']);
    const [textCall] = p.telegram
      .calls('sendMessage')
      .filter((c) => Number(c.params.chat_id) === telegramId && String(c.params.text).includes('Before the photo'));
    expect(textCall!.at).toBeLessThanOrEqual(photoCalls[0]!.at); // the text was out before the attempt failed
    const lesson = p.telegram.sent(telegramId, { bot: COURSE_TOKEN });
    expect(lesson.map((m) => (m.kind === 'text' ? m.text : m.kind))).toEqual([
      'Day 1. Lesson 1\n\nBefore the photo',
      'photo',
      expect.stringContaining('Task 1'),
    ]);
    await handle.terminate('test done');
  });
});
