import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lessonArrived, sendKey } from '../../telegram/send-keys';
import { createTestDatabase } from '../helpers/database';
import type { TestDatabase } from '../helpers/database';

describe('sent_messages keys', () => {
  it('keep the formats running journeys have stored', () => {
    expect(sendKey.welcome(7)).toBe('welcome:7');
    expect(sendKey.groupInvite(7, -1001234)).toBe('invite:7:-1001234');
    expect(sendKey.upgrade(7, 'PREMIUM')).toBe('upgrade:7:PREMIUM');
    expect(sendKey.underpaid('stripe', 'pi_1')).toBe('underpaid:stripe:pi_1');
    expect(sendKey.accessEnded(7)).toBe('refunded:7');
    expect(sendKey.lessonPart(7, 3, 0)).toBe('lesson:7:3:0');
    expect(sendKey.lessonPart(7, 3, 12)).toBe('lesson:7:3:12');
    expect(sendKey.assignmentAck(42)).toBe('assignment-ack:42');
    expect(sendKey.reminder(7, 3)).toBe('reminder:7:3');
    expect(sendKey.certificate(7)).toBe('certificate:7');
    expect(sendKey.studentReminder(7, 3, 1_796_191_200_000)).toBe('student-reminder:7:3:1796191200000');
    expect(sendKey.completion(7)).toBe('completion:7');
    expect(sendKey.reviewHeader(42)).toBe('review:42:header');
    expect(sendKey.reviewPart(42, 1)).toBe('review:42:1');
    expect(sendKey.feedbackHeader(42)).toBe('feedback:42:header');
    expect(sendKey.feedbackPart(42, 0)).toBe('feedback:42:0');
  });
});

describe('lessonArrived', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('holds once any message of that lesson was sent, for that enrollment and day only', async () => {
    const { sql } = db;
    expect(await lessonArrived(sql, 7, 1)).toBe(false);
    await sql`insert into sent_messages (key, chat_id, message_ids) values (${sendKey.lessonPart(7, 10, 0)}, 1, '{1}')`;
    await sql`insert into sent_messages (key, chat_id, message_ids) values (${sendKey.lessonPart(70, 1, 0)}, 1, '{2}')`;
    await sql`insert into sent_messages (key, chat_id, message_ids) values (${sendKey.reminder(7, 1)}, 1, '{3}')`;
    expect(await lessonArrived(sql, 7, 1)).toBe(false);
    await sql`insert into sent_messages (key, chat_id, message_ids) values (${sendKey.lessonPart(7, 1, 2)}, 1, '{4}')`;
    expect(await lessonArrived(sql, 7, 1)).toBe(true);
    expect(await lessonArrived(sql, 7, 10)).toBe(true);
    expect(await lessonArrived(sql, 7, 2)).toBe(false);
  });
});
