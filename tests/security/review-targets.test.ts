import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { progressQuery } from '../../journey/definitions';
import { insertCourse } from '../helpers/fixtures';
import { ADMIN_CHAT_ID, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';
import { enrolledStudent, REVIEWER, startReviewDesk, submitDayOne } from '../helpers/review-desk';
import type { ReviewDeskDriver } from '../helpers/review-desk';

/**
 * #12, item 5: the review desk finds what a reviewer's reply answers only in its own records of the messages it posted
 * (review_messages, support_messages), never in the text of the message replied to. A student's question is copied
 * into the review chat as is, so its text is the student's to choose.
 */
describe('review desk: a reply goes where the stored rows say', () => {
  let p: Platform;
  let desk: ReviewDeskDriver;
  let slug: string;
  beforeAll(async () => {
    p = await startPlatform();
    slug = p.slug('targets');
    await insertCourse(p.db.sql, {
      slug,
      intervalMs: 60_000,
      lessons: [{ day: 1, tasks: { FEEDBACK: 'Write a haiku.' } }, { day: 2 }],
    });
    desk = await startReviewDesk(p);
  });
  afterAll(async () => {
    await desk?.stop();
    await p?.close();
  });
  afterEach(() => expect(desk.log.filter((line) => /update \d+ failed/.test(line))).toEqual([]));

  /** Another student's assignment waits for review; `asker` asks a curator a question shaped by `question`. */
  async function questionNaming(question: (assignmentId: number) => { text: string; askerName?: string }) {
    const author = await enrolledStudent(p, slug, 'FEEDBACK', 'Ann');
    const { assignmentId } = await submitDayOne(p, desk, slug, author, 'An old silent pond');
    const { text, askerName = 'Bob' } = question(assignmentId);
    const asker = await enrolledStudent(p, slug, 'FEEDBACK', askerName);
    await desk.press(asker.user, `ask:${slug}:1`);
    await desk.send(asker.user, { text });
    const copy = await p.telegram.waitFor(() => p.telegram.sent(ADMIN_CHAT_ID).find((m) => m.text === text));
    const header = p.telegram.sent(ADMIN_CHAT_ID).find((m) => m.messageId === copy.messageId - 1)!;
    expect(header.text).toMatch(/Question from/);
    return { author, asker, assignmentId, copy, header, authorSeen: p.telegram.sent(author.user.id).length };
  }

  it('answers a question that reads "#<id> · …" to its asker, and closes no assignment #<id>', async () => {
    const q = await questionNaming((id) => ({ text: `#${id} · is the deadline tomorrow?` }));
    await desk.send(REVIEWER, { chatId: ADMIN_CHAT_ID, text: 'Yes, tomorrow.', replyToMessageId: q.copy.messageId });

    expect(desk.textsTo(q.asker.user.id).slice(-2)).toEqual(['💬 Your curator answers:', 'Yes, tomorrow.']);
    expect(desk.textsTo(ADMIN_CHAT_ID).at(-1)).toBe('✅ Answer sent to the student.');
    expect(p.telegram.sent(q.author.user.id)).toHaveLength(q.authorSeen);
    const progress = await q.author.handle.query(progressQuery);
    expect(progress.assignments).toEqual([{ id: q.assignmentId, day: 1, status: 'awaiting-review' }]);
    const [row] = await p.db.sql`select status, feedback from assignments where id = ${q.assignmentId}`;
    expect(row).toEqual({ status: 'awaiting-review', feedback: null });
    await q.author.handle.terminate('test done');
    await q.asker.handle.terminate('test done');
  });

  it('answers a question whose asker is named "#<id>" (its header then reads "#<id> ·") to that asker', async () => {
    const q = await questionNaming((id) => ({ text: 'What rhymes with pond?', askerName: `#${id}` }));
    expect(q.header.text).toContain(`#${q.assignmentId} ·`);
    await desk.send(REVIEWER, {
      chatId: ADMIN_CHAT_ID,
      text: 'Nothing, luckily.',
      replyToMessageId: q.header.messageId,
    });

    expect(desk.textsTo(q.asker.user.id).slice(-2)).toEqual(['💬 Your curator answers:', 'Nothing, luckily.']);
    expect(p.telegram.sent(q.author.user.id)).toHaveLength(q.authorSeen);
    const progress = await q.author.handle.query(progressQuery);
    expect(progress.assignments[0]?.status).toBe('awaiting-review');
    await q.author.handle.terminate('test done');
    await q.asker.handle.terminate('test done');
  });

  it('tells a reviewer that a reply to a message it has no record of went nowhere', async () => {
    const author = await enrolledStudent(p, slug, 'FEEDBACK', 'Cy');
    const { assignmentId } = await submitDayOne(p, desk, slug, author, 'Frog jumps in');
    await desk.send(REVIEWER, { chatId: ADMIN_CHAT_ID, text: '/queue' });
    const queue = p.telegram.sent(ADMIN_CHAT_ID).at(-1)!;
    expect(queue.text).toContain(`#${assignmentId} · FEEDBACK`);
    const seen = p.telegram.sent(author.user.id).length;

    await desk.send(REVIEWER, { chatId: ADMIN_CHAT_ID, text: 'Lovely.', replyToMessageId: queue.messageId });
    expect(desk.textsTo(ADMIN_CHAT_ID).at(-1)).toMatch(/Not sent: this message is not linked/);
    expect(p.telegram.sent(author.user.id)).toHaveLength(seen);
    expect((await author.handle.query(progressQuery)).assignments[0]?.status).toBe('awaiting-review');
    await author.handle.terminate('test done');
  });
});
