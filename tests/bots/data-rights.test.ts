import { Api } from 'grammy';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { progressQuery } from '../../journey/definitions';
import { createErasure, ERASURE_REASON } from '../../journey/erasure';
import type { TgUser } from '../../testing/bot-api';
import { insertCourse } from '../helpers/fixtures';
import { ADMIN_CHAT_ID, eventually } from '../helpers/platform';
import { REVIEWER, enrolledStudent, startReviewDesk, submitDayOne } from '../helpers/review-desk';
import type { ReviewDeskDriver } from '../helpers/review-desk';
import { SALES_ADMIN_IDS, startSalesPlatform } from '../helpers/sales';
import type { SalesPlatform } from '../helpers/sales';

const GROUP = -100_900;
const SALES_ADMIN: TgUser = { id: SALES_ADMIN_IDS[0]!, first_name: 'Admin' };
/** A member of the admin chat who is not in REVIEWER_IDS. */
const MEMBER: TgUser = { id: 4_040_405, first_name: 'Mallory' };

type Enrolled = Awaited<ReturnType<typeof enrolledStudent>>;

/**
 * #16, item 4, through the real sales and course bots: /mydata gives a student everything held about them and
 * nothing of anyone else; /forget, once confirmed by that student within ten minutes, erases what names them, keeps
 * the accounting pseudonymised, ends their journeys without a refund and takes them out of the groups; a reviewer
 * can do the same, and two confirmations at once erase once.
 */
describe('data rights: /mydata and /forget', () => {
  let p: SalesPlatform;
  let desk: ReviewDeskDriver;
  let slug: string;
  let ada: Enrolled;
  let bob: Enrolled;
  beforeAll(async () => {
    slug = `rights-${Math.random().toString(36).slice(2, 8)}`;
    p = await startSalesPlatform({ courseSlug: slug });
    await insertCourse(p.db.sql, {
      slug,
      intervalMs: 60_000,
      lessons: [{ day: 1, tasks: { FEEDBACK: 'Write a haiku.' } }, { day: 2 }],
      groups: { FEEDBACK: [GROUP] },
    });
    desk = await startReviewDesk(p);
    ada = await enrolledStudent(p, slug, 'FEEDBACK', 'Ada');
    bob = await enrolledStudent(p, slug, 'FEEDBACK', 'Bob');
    for (const s of [ada, bob]) await fillEveryCategory(s);
  });
  afterAll(async () => {
    await desk?.stop();
    await p?.close();
  });
  afterEach(() => {
    expect(p.botLog.filter((line) => /update \d+ failed/.test(line))).toEqual([]);
    expect(desk.log.filter((line) => /update \d+ failed/.test(line))).toEqual([]);
  });

  /** Data in every category: referral, consents, orders (one pending), a submission, a question, a session, a group. */
  async function fillEveryCategory(s: Enrolled) {
    const student = p.student(s.user);
    await student.send(`/start partner-${s.user.first_name}`);
    await p.db.sql`insert into consents (user_id, document, version) values (${s.userId}, 'offer', '2026-01'),
                   (${s.userId}, 'privacy', '2026-01')`;
    const [course] = await p.db.sql<{ id: number }[]>`select id from courses where slug = ${slug}`;
    await p.db.sql`
      insert into orders (public_id, user_id, course_id, tariff, provider, list_price_minor, amount_minor, currency,
                          status, email, created_at)
      values (${`paid-${s.userId}`}, ${s.userId}, ${course!.id}, 'FEEDBACK', 'mock', 4900, 4900, 'USD', 'paid',
              ${`${s.user.first_name.toLowerCase()}@example.com`}, now() - interval '1 hour'),
             (${`open-${s.userId}`}, ${s.userId}, ${course!.id}, 'PREMIUM', 'mock', 5000, 5000, 'USD', 'pending',
              ${`${s.user.first_name.toLowerCase()}@example.com`}, now())`;
    const { header } = await submitDayOne(p, desk, slug, s, `${s.user.first_name}'s haiku`);
    await desk.send(REVIEWER, { chatId: ADMIN_CHAT_ID, text: 'Lovely.', replyToMessageId: header.messageId });
    await eventually(
      () => s.handle.query(progressQuery),
      (pr) => pr.assignments.at(-1)?.status === 'answered',
    );
    await student.send('/support');
    await student.send(`${s.user.first_name} asks a question`);
    await student.send('/timezone');
    const [invite] = await p.db.sql<{ inviteLink: string }[]>`
      select invite_link from group_invites i join enrollments e on e.id = i.enrollment_id where e.user_id = ${s.userId}`;
    expect(p.telegram.joinViaLink({ from: s.user, link: invite!.inviteLink })).toBe('joined');
  }

  const confirmation = (s: Enrolled) =>
    p
      .student(s.user)
      .messages()
      .map((m) => JSON.stringify(m.replyMarkup ?? {}).match(/"(fg:\d+:\d+)"/)?.[1])
      .findLast((data) => data !== undefined);

  /** The uploaded file, downloaded as the student's Telegram app would. */
  async function documentText(fileId: string | undefined) {
    if (!fileId) throw new Error('no document');
    const file = await new Api(p.salesToken, { apiRoot: p.telegram.apiRoot }).getFile(fileId);
    return (await fetch(`${p.telegram.apiRoot}/file/bot${p.salesToken}/${file.file_path}`)).text();
  }

  const forgetAudits = (userId: number) =>
    p.db.sql<{ adminTelegramId: number; details: { via: string } }[]>`
      select admin_telegram_id, details from admin_actions where action = 'forget' and target = ${`user#${userId}`}`;

  it('/mydata sends a JSON document with every category of the student, and nothing of anyone else', async () => {
    const student = p.student(ada.user);
    await student.send('/mydata');
    const sent = await p.telegram.waitFor(() => student.messages().find((m) => m.kind === 'document'));
    expect(sent.method).toBe('sendDocument');
    const text = await documentText(sent.media);
    const data = JSON.parse(text);
    expect(data.profile).toMatchObject({ id: ada.userId, telegramId: ada.user.id, firstName: 'Ada' });
    expect(data.consents).toHaveLength(2);
    expect(data.orders.map((o: { email: string }) => o.email)).toEqual(['ada@example.com', 'ada@example.com']);
    expect(data.payments).toHaveLength(1);
    expect(data.enrollments).toMatchObject([{ course: slug, tariff: 'FEEDBACK', lessonsDelivered: [{ day: 1 }] }]);
    expect(data.submissions).toHaveLength(1);
    expect(data.submissions[0].parts.length).toBeGreaterThan(0);
    expect(data.questions).toHaveLength(1);
    expect(data.referral).toMatchObject({ partnerId: 'partner-Ada' });
    expect(data.sessions).toMatchObject([{ value: { awaiting: { kind: 'time-zone' } } }]);
    for (const other of [String(bob.user.id), 'Bob', 'bob@example.com', `paid-${bob.userId}`, 'partner-Bob']) {
      expect(text).not.toContain(other);
    }
  });

  it('refuses a confirmation pressed by someone else, or too late: nothing is erased', async () => {
    const student = p.student(ada.user);
    await student.send('/forget');
    const data = confirmation(ada);
    expect(data).toMatch(new RegExp(`^fg:${ada.user.id}:\\d+$`));
    const mallory = p.student({ id: ada.user.id + 1_000_000, first_name: 'Mallory', language_code: 'en' });
    expect(await mallory.pressRaw(data!)).toMatchObject({ text: expect.stringMatching(/not yours/) });
    const stale = `fg:${ada.user.id}:${Math.floor(Date.now() / 1000) - 11 * 60}`;
    expect(await student.pressRaw(stale)).toMatchObject({ text: expect.stringMatching(/out of date/) });
    const [user] = await p.db.sql`select telegram_id, first_name from users where id = ${ada.userId}`;
    expect(user).toEqual({ telegramId: ada.user.id, firstName: 'Ada' });
    expect(await forgetAudits(ada.userId)).toEqual([]);
    expect(p.telegram.calls('banChatMember')).toEqual([]);
    expect((await ada.handle.describe()).status.name).toBe('RUNNING');
  });

  it('/forget, confirmed, erases what names the student and keeps the accounting, pseudonymised', async () => {
    const student = p.student(ada.user);
    await student.send('/forget');
    expect(student.messages().at(-1)?.text).toMatch(/This is not a refund/);
    await student.press(confirmation(ada)!);
    await student.waitForText(/your personal data is erased/);
    const sql = p.db.sql;
    const [user] = await sql`select telegram_id, first_name, last_name, username, language_code, email, erased_at
                             from users where id = ${ada.userId}`;
    expect(user).toMatchObject({ telegramId: null, firstName: '', username: null, languageCode: null, email: null });
    expect(user?.erasedAt).toBeInstanceOf(Date);
    // Kept: consents, orders (without the e-mail; the pending one can no longer be paid), payments.
    expect(await sql`select document from consents where user_id = ${ada.userId} order by 1`).toHaveLength(2);
    const orders = await sql`select status, email from orders where user_id = ${ada.userId} order by id`;
    expect(orders).toEqual([
      { status: 'paid', email: null },
      { status: 'cancelled', email: null },
    ]);
    const payments = await sql`select p.amount_minor, p.raw_event from payments p
                               join enrollments e on e.id = p.enrollment_id where e.user_id = ${ada.userId}`;
    expect(payments).toEqual([{ amountMinor: 4900, rawEvent: null }]);
    // Erased: submissions, lesson progress, questions, referral, sessions.
    const left = await sql`
      select (select count(*)::int from assignments a join enrollments e on e.id = a.enrollment_id
              where e.user_id = ${ada.userId}) as assignments,
             (select count(*)::int from submissions s join enrollments e on e.id = s.enrollment_id
              where e.user_id = ${ada.userId}) as submissions,
             (select count(*)::int from lesson_deliveries d join enrollments e on e.id = d.enrollment_id
              where e.user_id = ${ada.userId}) as deliveries,
             (select count(*)::int from support_messages where user_id = ${ada.userId}) as questions,
             (select count(*)::int from referrals where referred_user_id = ${ada.userId}) as referrals,
             (select count(*)::int from bot_sessions where key like ${`%:${ada.user.id}`}) as sessions,
             (select count(*)::int from sent_messages where chat_id = ${ada.user.id}) as sent`;
    expect(left).toEqual([
      { assignments: 0, submissions: 0, deliveries: 0, questions: 0, referrals: 0, sessions: 0, sent: 0 },
    ]);
    // The journey ended (terminated: no refund was recorded), and the student left the group.
    const journey = await ada.handle.describe();
    expect(journey.status.name).toBe('TERMINATED');
    expect(await sql`select status from payments where status = 'refunded'`).toEqual([]);
    expect(ERASURE_REASON).not.toMatch(/\d/);
    const removal = (method: string) =>
      p.telegram.calls(method).filter((c) => c.params.user_id === ada.user.id && c.params.chat_id === GROUP);
    expect(removal('banChatMember')).toHaveLength(1);
    expect(removal('unbanChatMember')).toHaveLength(1);
    expect(p.telegram.memberStatus(GROUP, ada.user.id)).toBe('left');
    expect(await forgetAudits(ada.userId)).toEqual([
      { adminTelegramId: 0, details: expect.objectContaining({ via: 'student' }) },
    ]);
    // Bob is untouched.
    const [other] = await sql`select telegram_id, first_name from users where id = ${bob.userId}`;
    expect(other).toEqual({ telegramId: bob.user.id, firstName: 'Bob' });
    expect((await bob.handle.describe()).status.name).toBe('RUNNING');
    expect(p.telegram.memberStatus(GROUP, bob.user.id)).toBe('member');
  });

  it('a forgotten student who writes again starts as a new one', async () => {
    const student = p.student(ada.user);
    await student.send('/start');
    const rows = await p.db.sql<{ id: number; erasedAt: Date | null }[]>`
      select id, erased_at from users where telegram_id = ${ada.user.id}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).not.toBe(ada.userId);
    expect(rows[0]!.erasedAt).toBeNull();
    await student.send('/mydata');
    const sent = await p.telegram.waitFor(() => student.messages().filter((m) => m.kind === 'document')[1]);
    const data = JSON.parse(await documentText(sent.media));
    expect(data).toMatchObject({ orders: [], payments: [], enrollments: [], submissions: [], questions: [] });
    expect(data.referral).toBeNull();
  });

  it('a reviewer erases a student with /forget <telegram id>; a member off the list is refused', async () => {
    const say = async (from: TgUser, text: string) => {
      p.telegram.sendUserMessage({ botToken: p.salesToken, from, chatId: ADMIN_CHAT_ID, text });
      await p.telegram.waitUntilHandled(p.salesToken);
    };
    const deskTexts = () => p.telegram.sent(ADMIN_CHAT_ID, { bot: p.salesToken }).map((m) => m.text ?? '');
    await say(MEMBER, `/forget ${bob.user.id}`);
    expect(deskTexts().at(-1)).toMatch(/Only reviewers/);
    await say(SALES_ADMIN, `/forget ${bob.user.id}`);
    const question = p.telegram.sent(ADMIN_CHAT_ID, { bot: p.salesToken }).at(-1)!;
    expect(question.text).toMatch(/without a refund/);
    const reviewerData = JSON.stringify(question.replyMarkup).match(/fgs:\d+:\d+/)![0];
    const press = (from: TgUser, data: string, chatId: number, messageId: number) =>
      p.telegram.pressButton({ botToken: p.salesToken, from, chatId, messageId, data });
    press(MEMBER, reviewerData, ADMIN_CHAT_ID, question.messageId);
    await p.telegram.waitUntilHandled(p.salesToken);
    expect(await p.db.sql`select 1 from users where telegram_id = ${bob.user.id}`).toHaveLength(1);

    // Bob confirms his own /forget at the same moment as the reviewer: one erasure, one audit row.
    await p.student(bob.user).send('/forget');
    const bobsMessage = p.student(bob.user).messages().at(-1)!;
    press(SALES_ADMIN, reviewerData, ADMIN_CHAT_ID, question.messageId);
    press(bob.user, confirmation(bob)!, bob.user.id, bobsMessage.messageId);
    await p.telegram.waitUntilHandled(p.salesToken);
    await eventually(
      () => forgetAudits(bob.userId),
      (rows) => rows.length > 0,
    );
    await p.telegram.waitUntilHandled(p.salesToken);
    expect(await forgetAudits(bob.userId)).toHaveLength(1);
    expect(await p.db.sql`select 1 from users where telegram_id = ${bob.user.id}`).toEqual([]);
    expect((await bob.handle.describe()).status.name).toBe('TERMINATED');
    expect(p.telegram.memberStatus(GROUP, bob.user.id)).toBe('left');
  });

  it('two erasures of one student at once (two bot processes, say) erase and audit once', async () => {
    // A bot handles one update at a time, so the test above never overlaps two erasures; two processes can.
    const cy = await enrolledStudent(p, slug, 'BASIC', 'Cy');
    const erasure = createErasure({
      sql: p.db.sql,
      enrollments: p.temporal.enrollments,
      cancelPendingOrders: (userId, courseId) => p.orders.cancelPending(userId, courseId),
    });
    // Both erasures reach the group step (the last before the transaction) before either goes on.
    let arrived = 0;
    const groups = {
      revokeInvite: async () => {},
      removeFromGroup: async () => {
        arrived++;
        await eventually(
          async () => arrived,
          (n) => n >= 2,
        );
      },
    };
    const outcomes = await Promise.all([
      erasure.forget({ via: 'student' }, cy.user.id, groups),
      erasure.forget({ telegramId: SALES_ADMIN.id, via: 'review-chat' }, cy.user.id, groups),
    ]);
    expect(outcomes.map((o) => o.erased).sort()).toEqual([false, true]);
    expect(await forgetAudits(cy.userId)).toHaveLength(1);
    expect((await cy.handle.describe()).status.name).toBe('TERMINATED');
  });

  it('the course bot points to the sales bot for /mydata and /forget', async () => {
    await desk.send(ada.user, { text: '/mydata' });
    expect(desk.textsTo(ada.user.id).at(-1)).toMatch(/@sales_test_bot/);
  });
});
