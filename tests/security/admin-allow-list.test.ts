import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { progressQuery } from '../../journey/definitions';
import type { TgUser } from '../../testing/bot-api';
import { insertCourse } from '../helpers/fixtures';
import { ADMIN_CHAT_ID } from '../helpers/platform';
import { enrolledStudent, REVIEWER, startReviewDesk, submitDayOne } from '../helpers/review-desk';
import type { ReviewDeskDriver } from '../helpers/review-desk';
import { SALES_ADMIN_IDS, startSalesPlatform } from '../helpers/sales';
import type { SalesPlatform } from '../helpers/sales';

/** A member of the admin chat who is not in REVIEWER_IDS. */
const MEMBER: TgUser = { id: 4_040_404, first_name: 'Mallory' };
const SALES_ADMIN: TgUser = { id: SALES_ADMIN_IDS[0]!, first_name: 'Admin' };
let nextId = 930_000_000 + Math.floor(Math.random() * 1_000_000) * 10;

/**
 * #12, item 4: being in the admin chat is no credential. Every admin command, button and reply of both bots goes
 * through the REVIEWER_IDS allow-list; a member who is not on it is told so, and nothing happens.
 */
describe('admin chat: only REVIEWER_IDS get anything done', () => {
  let p: SalesPlatform;
  let desk: ReviewDeskDriver;
  let slug: string;
  beforeAll(async () => {
    slug = `allow-${Math.random().toString(36).slice(2, 8)}`;
    p = await startSalesPlatform({ courseSlug: slug });
    await insertCourse(p.db.sql, {
      slug,
      intervalMs: 60_000,
      lessons: [{ day: 1, tasks: { FEEDBACK: 'Write a haiku.' } }, { day: 2 }],
    });
    await p.db.sql`update course_tariffs set price_stars = 250 where tariff = 'FEEDBACK'`;
    desk = await startReviewDesk(p);
  });
  afterAll(async () => {
    await desk?.stop();
    await p?.close();
  });
  afterEach(() => {
    expect(p.botLog.filter((line) => /update \d+ failed/.test(line))).toEqual([]);
    expect(desk.log.filter((line) => /update \d+ failed/.test(line))).toEqual([]);
  });

  const salesSays = async (from: TgUser, text: string, replyToMessageId?: number) => {
    p.telegram.sendUserMessage({ botToken: p.salesToken, from, chatId: ADMIN_CHAT_ID, text, replyToMessageId });
    await p.telegram.waitUntilHandled(p.salesToken);
  };
  const salesDesk = () => p.telegram.sent(ADMIN_CHAT_ID, { bot: p.salesToken }).map((m) => m.text ?? '');
  const auditRows = async () => (await p.db.sql`select count(*)::int as n from admin_actions`)[0]!.n as number;

  describe('sales bot', () => {
    it('refuses /refund from a member who is not on the list: no Stars go back, access stays', async () => {
      const student = p.student({ id: nextId++, first_name: 'Lin', language_code: 'en' });
      await student.send('/start');
      await student.press(`t:${slug}:FEEDBACK`);
      await student.press(`b:${slug}:FEEDBACK`);
      if (student.messages().some((m) => JSON.stringify(m.replyMarkup ?? {}).includes(`ok:${slug}:FEEDBACK`))) {
        await student.press(`ok:${slug}:FEEDBACK`);
      }
      await student.press(`p:${slug}:FEEDBACK:stars`);
      const invoice = await p.telegram.waitFor(() => student.messages().find((m) => m.kind === 'invoice'));
      const paid = await p.telegram.payInvoice({
        botToken: p.salesToken,
        from: student.user,
        invoice: { currency: 'XTR', totalAmount: 250, payload: invoice.invoice!.payload },
      });
      if (!paid.ok) throw new Error(`payment failed: ${paid.error}`);
      await student.waitForText(/Payment received/);

      await salesSays(MEMBER, `/refund ${paid.chargeId}`);
      expect(salesDesk().at(-1)).toMatch(/Only reviewers/);
      expect(p.telegram.refunded(paid.chargeId)).toBe(false);
      expect(p.telegram.calls('refundStarPayment')).toEqual([]);
      const [order] = await p.db.sql`select status from orders where provider_payment_id = ${paid.chargeId}`;
      expect(order?.status).toBe('paid');

      // The same command from a listed admin does refund: the list is the only difference.
      await salesSays(SALES_ADMIN, `/refund ${paid.chargeId}`);
      await p.telegram.waitFor(() => salesDesk().find((t) => t.startsWith('Refunded 250')));
      expect(p.telegram.refunded(paid.chargeId)).toBe(true);
    });

    it('does not deliver a support answer from a member who is not on the list', async () => {
      const student = p.student({ id: nextId++, first_name: 'Sol', language_code: 'en' });
      await student.send('/support');
      await student.send('Can I pay later?');
      const copied = await p.telegram.waitFor(() =>
        p.telegram.sent(ADMIN_CHAT_ID).find((m) => m.text === 'Can I pay later?'),
      );
      const seen = student.messages().length;

      await salesSays(MEMBER, 'Sure, never pay.', copied.messageId);
      expect(salesDesk().at(-1)).toMatch(/Only reviewers/);
      expect(student.messages()).toHaveLength(seen);

      await salesSays(SALES_ADMIN, 'Yes, within 3 days.', copied.messageId);
      await student.waitForText(/Yes, within 3 days/);
    });
  });

  describe('course bot', () => {
    it.each([
      '/queue',
      '/stats',
      '/grant {id} PREMIUM {slug}',
      '/revoke {id} {slug}',
      '/move {id} 2 {slug}',
      '/block {id}',
      '/unblock {id}',
    ])('refuses %s from a member who is not on the list, and changes nothing', async (template) => {
      const student = await enrolledStudent(p, slug, 'FEEDBACK', 'Max');
      await submitDayOne(p, desk, slug, student, 'A haiku for the queue');
      if (template.startsWith('/unblock'))
        await p.db.sql`update users set blocked_at = now() where id = ${student.userId}`;
      const command = template.replace('{id}', String(student.user.id)).replace('{slug}', slug);
      const before = { desk: p.telegram.sent(ADMIN_CHAT_ID).length, audit: await auditRows() };

      await desk.send(MEMBER, { chatId: ADMIN_CHAT_ID, text: command });
      const answers = p.telegram.sent(ADMIN_CHAT_ID).slice(before.desk);
      expect(answers.map((m) => m.text)).toEqual([expect.stringMatching(/^Only reviewers/)]);
      expect(await auditRows()).toBe(before.audit);
      const progress = await student.handle.query(progressQuery);
      expect(progress).toMatchObject({ stage: 'awaiting-feedback', tariff: 'FEEDBACK', lessonsDelivered: [1] });
      const [user] = await p.db.sql`select blocked_at is not null as blocked from users where id = ${student.userId}`;
      expect(user?.blocked).toBe(template.startsWith('/unblock'));
      await student.handle.terminate('test done');
    });

    it('refuses Approve and Request changes from a member who is not on the list', async () => {
      const student = await enrolledStudent(p, slug, 'FEEDBACK', 'Ida');
      const { assignmentId } = await submitDayOne(p, desk, slug, student, 'Please approve me');
      const seen = p.telegram.sent(student.user.id).length;
      for (const verdict of ['ok', 'redo']) {
        const answer = await desk.press(MEMBER, `rv:${verdict}:${assignmentId}`, ADMIN_CHAT_ID);
        expect(answer).toMatchObject({ text: expect.stringMatching(/^Only reviewers/), show_alert: true });
      }
      expect(p.telegram.sent(student.user.id)).toHaveLength(seen);
      expect((await student.handle.query(progressQuery)).assignments[0]?.status).toBe('awaiting-review');
      await student.handle.terminate('test done');
    });

    it('refuses replies to an assignment and to a question from a member who is not on the list', async () => {
      const student = await enrolledStudent(p, slug, 'FEEDBACK', 'Uma');
      const { header } = await submitDayOne(p, desk, slug, student, 'Review me');
      await desk.press(student.user, `ask:${slug}:1`);
      await desk.send(student.user, { text: 'Why 5-7-5?' });
      const question = await p.telegram.waitFor(() =>
        p.telegram.sent(ADMIN_CHAT_ID).find((m) => m.text === 'Why 5-7-5?'),
      );
      const seen = p.telegram.sent(student.user.id).length;

      for (const target of [header, question]) {
        await desk.send(MEMBER, { chatId: ADMIN_CHAT_ID, text: 'Rubbish.', replyToMessageId: target.messageId });
        expect(desk.textsTo(ADMIN_CHAT_ID).at(-1)).toMatch(/^Only reviewers/);
      }
      expect(p.telegram.sent(student.user.id)).toHaveLength(seen);
      expect((await student.handle.query(progressQuery)).assignments[0]?.status).toBe('awaiting-review');
      const [thread] = await p.db
        .sql`select answered_at from support_messages where admin_message_id = ${question.messageId}`;
      expect(thread?.answeredAt).toBeNull();

      // The reviewer is heard.
      await desk.send(REVIEWER, { chatId: ADMIN_CHAT_ID, text: 'Tradition.', replyToMessageId: question.messageId });
      expect(desk.textsTo(student.user.id).at(-1)).toBe('Tradition.');
      await student.handle.terminate('test done');
    });
  });
});
