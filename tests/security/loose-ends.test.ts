import { Api } from 'grammy';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { progressQuery } from '../../journey/definitions';
import type { TgUser } from '../../testing/bot-api';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { ADMIN_CHAT_ID, COURSE_TOKEN, eventually } from '../helpers/platform';
import { enrolledStudent, REVIEWER, startReviewDesk } from '../helpers/review-desk';
import type { ReviewDeskDriver } from '../helpers/review-desk';
import { SALES_ADMIN_IDS, startSalesPlatform } from '../helpers/sales';
import type { SalesPlatform } from '../helpers/sales';

const GROUP = -100_600;
const MAX_PARTS = 3;
const SALES_ADMIN: TgUser = { id: SALES_ADMIN_IDS[0]!, first_name: 'Admin' };

/**
 * #12, items 9, 10, 17, 18 and 19, through the real sales and course bots: blocked students stay out of paid groups,
 * a submission has a size, homework after the journey ended gets an answer, /timezone during onboarding does not
 * start the course (and the welcome says what will), and two bots in one group answer only their own commands.
 */
describe('loose ends of the bots', () => {
  let p: SalesPlatform;
  let desk: ReviewDeskDriver;
  let slug: string;
  beforeAll(async () => {
    slug = `loose-${Math.random().toString(36).slice(2, 8)}`;
    p = await startSalesPlatform({ courseSlug: slug });
    await insertCourse(p.db.sql, {
      slug,
      intervalMs: 60_000,
      lessons: [{ day: 1, tasks: { BASIC: 'Write a haiku.' } }, { day: 2 }],
      groups: { FEEDBACK: [GROUP] },
    });
    desk = await startReviewDesk(p, { maxSubmissionParts: MAX_PARTS });
  });
  afterAll(async () => {
    await desk?.stop();
    await p?.close();
  });
  afterEach(() => {
    expect(p.botLog.filter((line) => /update \d+ failed/.test(line))).toEqual([]);
    expect(desk.log.filter((line) => /update \d+ failed/.test(line))).toEqual([]);
  });

  it('declines the join request of a buyer an admin blocked, and approves one who is not blocked', async () => {
    const blocked = await enrolledStudent(p, slug, 'FEEDBACK', 'Bo');
    const buyer = await enrolledStudent(p, slug, 'FEEDBACK', 'Al');
    await desk.send(REVIEWER, { chatId: ADMIN_CHAT_ID, text: `/block ${blocked.user.id}` });
    expect(desk.textsTo(ADMIN_CHAT_ID).at(-1)).toMatch(/Blocked/);
    const link = (
      await new Api(p.salesToken, { apiRoot: p.telegram.apiRoot }).createChatInviteLink(GROUP, {
        creates_join_request: true,
      })
    ).invite_link;

    expect(p.telegram.joinViaLink({ from: blocked.user, link })).toBe('requested');
    expect(p.telegram.joinViaLink({ from: buyer.user, link })).toBe('requested');
    await p.telegram.waitUntilHandled(p.salesToken);
    expect(p.telegram.memberStatus(GROUP, blocked.user.id)).toBe('left');
    expect(p.telegram.calls('declineChatJoinRequest').map((c) => Number(c.params.user_id))).toContain(blocked.user.id);
    expect(p.telegram.memberStatus(GROUP, buyer.user.id)).toBe('member');
    await blocked.handle.terminate('test done');
    await buyer.handle.terminate('test done');
  });

  it(`takes at most ${MAX_PARTS} messages into one submission and tells the student`, async () => {
    const student = await enrolledStudent(p, slug, 'FEEDBACK', 'Flo');
    await desk.press(student.user, `sub:${slug}:1`);
    for (const text of ['one', 'two', 'three', 'four']) await desk.send(student.user, { text });
    await desk.send(student.user, { photo: true, mediaGroupId: 'late-album' });
    await desk.send(student.user, { photo: true, mediaGroupId: 'late-album' });
    const texts = desk.textsTo(student.user.id);
    expect(texts.filter((t) => t.startsWith('Received'))).toEqual([
      'Received 1 part(s). Add more, or send it:',
      'Received 2 part(s). Add more, or send it:',
      'Received 3 part(s). Add more, or send it:',
    ]);
    expect(texts.filter((t) => t.includes(`at most ${MAX_PARTS} messages`))).toHaveLength(2); // 'four', the album

    const deskBefore = p.telegram.sent(ADMIN_CHAT_ID, { bot: COURSE_TOKEN }).length;
    await desk.press(student.user, 'sub-send');
    const progress = await eventually(
      () => student.handle.query(progressQuery),
      (pr) => pr.assignments[0]?.status === 'awaiting-review',
    );
    const [row] = await p.db.sql<{ parts: unknown[] }[]>`
      select parts from assignments where id = ${progress.assignments[0]!.id}`;
    expect(row!.parts).toHaveLength(MAX_PARTS);
    const copies = () => p.telegram.sent(ADMIN_CHAT_ID, { bot: COURSE_TOKEN }).slice(deskBefore);
    await p.telegram.waitFor(() => copies().length >= 1 + MAX_PARTS);
    expect(copies().map((m) => m.text ?? m.kind)).toEqual([
      expect.stringMatching(/^📥 Assignment/),
      'one',
      'two',
      'three',
    ]);
    await student.handle.terminate('test done');
  });

  it('answers homework after the journey ended: reviews are closed, no button is left hanging', async () => {
    const endSlug = p.slug('ended');
    await insertCourse(p.db.sql, {
      slug: endSlug,
      intervalMs: 3_000,
      feedbackWaitMs: 1_000,
      lessons: [{ day: 1, tasks: { BASIC: 'Last task.' } }],
    });
    const late = await enrolledStudent(p, endSlug, 'BASIC', 'Lou');
    // A submission opened while the journey still runs, and sent after it ended.
    await desk.press(late.user, `sub:${endSlug}:1`);
    await desk.send(late.user, { text: 'My late work' });
    expect(await late.handle.result()).toMatchObject({ stage: 'completed' });
    const send = await desk.press(late.user, 'sub-send');
    expect(send?.text).toMatch(/course has ended, so reviews are closed/);
    expect(desk.textsTo(late.user.id).at(-1)).toMatch(/course has ended, so reviews are closed/);

    // A finished student presses Submit under the last lesson: told at once, no submission opens.
    const submit = await desk.press(late.user, `sub:${endSlug}:1`);
    expect(submit?.text).toMatch(/course has ended, so reviews are closed/);
    await desk.send(late.user, { text: 'Another try' });
    expect(desk.textsTo(late.user.id).at(-1)).toMatch(/press “Submit assignment”/);
    const [count] = await p.db.sql<{ n: number }[]>`
      select count(*)::int as n from assignments a join enrollments e on e.id = a.enrollment_id
      where e.workflow_id = ${late.handle.workflowId}`;
    expect(count?.n).toBe(0);
  });

  it('onboarding: the welcome says lesson 1 waits for the time choice, and /timezone does not start it', async () => {
    const onboardSlug = p.slug('onboard');
    await insertCourse(p.db.sql, { slug: onboardSlug, intervalMs: 60_000, lessons: [{ day: 1 }, { day: 2 }] });
    await p.db.sql`update courses set onboarding_wait_ms = 60000 where slug = ${onboardSlug}`;
    const enroll = async (languageCode: string) => {
      const { userId, telegramId } = await insertUser(p.db.sql, { firstName: 'Oda', languageCode });
      await p.temporal.enrollments.pay({ userId, courseSlug: onboardSlug }, payment('BASIC'));
      const student = p.student({ id: telegramId, first_name: 'Oda', language_code: languageCode });
      return { student, userId, handle: p.temporal.enrollments.handle({ userId, courseSlug: onboardSlug }) };
    };
    const en = await enroll('en');
    const ru = await enroll('ru');
    const welcome = await en.student.waitForText(/Payment received/);
    expect(welcome.text).not.toMatch(/right now/);
    expect(welcome.text).toMatch(/your first lesson comes as soon as you pick.*within 1 min, lessons start then/s);
    expect(welcome.text).toMatch(/\/timezone: it does not start the course/);
    const welcomeRu = await ru.student.waitForText(/Оплата получена/);
    expect(welcomeRu.text).not.toMatch(/прямо сейчас/);
    expect(welcomeRu.text).toMatch(/первый урок придёт сразу после выбора.*за 1 мин/s);

    await en.student.send('/timezone');
    await en.student.send('Asia/Tokyo');
    await en.student.waitForText(/Time zone set to Asia\/Tokyo/);
    // Whatever /timezone told the journey, lesson 1 still waits for the time choice.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await en.handle.query(progressQuery)).lessonsDelivered).toEqual([]);
    expect(p.telegram.sent(en.student.user.id).some((m) => /Day 1\./.test(m.text ?? ''))).toBe(false);

    await en.student.press(`sched:${onboardSlug}:09:00`);
    await eventually(
      () => en.handle.query(progressQuery),
      (pr) => pr.lessonsDelivered.includes(1),
    );
    const [saved] = await p.db.sql`select time_zone, preferred_lesson_time::text from users where id = ${en.userId}`;
    expect(saved).toEqual({ timeZone: 'Asia/Tokyo', preferredLessonTime: '09:00:00' });
    await en.handle.terminate('test done');
    await ru.handle.terminate('test done');
  });

  it('in the admin chat each bot answers only its own commands, and stays silent on the other’s', async () => {
    const salesSays = async (text: string, chatId = ADMIN_CHAT_ID) => {
      p.telegram.sendUserMessage({ botToken: p.salesToken, from: SALES_ADMIN, chatId, text });
      await p.telegram.waitUntilHandled(p.salesToken);
    };
    const sent = (bot: string, chatId = ADMIN_CHAT_ID) => p.telegram.sent(chatId, { bot }).length;
    const before = { sales: sent(p.salesToken), course: sent(COURSE_TOKEN), group: sent(p.salesToken, GROUP) };

    // The course bot's commands, and commands for nobody, as the sales bot sees them.
    for (const text of ['/queue', '/stats', '/help', '/frobnicate', `/queue@${desk.username}`]) await salesSays(text);
    await salesSays('/frobnicate', GROUP);
    // The sales bot's commands, and commands for nobody, as the course bot sees them.
    for (const text of ['/refund 12345', '/help', '/start', '/frobnicate']) {
      await desk.send(REVIEWER, { chatId: ADMIN_CHAT_ID, text });
    }
    expect(p.telegram.sent(ADMIN_CHAT_ID, { bot: p.salesToken }).slice(before.sales)).toEqual([]);
    expect(p.telegram.sent(ADMIN_CHAT_ID, { bot: COURSE_TOKEN }).slice(before.course)).toEqual([]);
    expect(p.telegram.sent(GROUP, { bot: p.salesToken }).slice(before.group)).toEqual([]);

    // Addressed to it, a bot answers; its own admin commands work unaddressed.
    await desk.send(REVIEWER, { chatId: ADMIN_CHAT_ID, text: `/help@${desk.username}` });
    expect(desk.textsTo(ADMIN_CHAT_ID).at(-1)).toContain('/progress');
    await desk.send(REVIEWER, { chatId: ADMIN_CHAT_ID, text: '/stats' });
    expect(desk.textsTo(ADMIN_CHAT_ID).at(-1)).toMatch(/Students by stage and tariff/);
    await salesSays('/refund no-such-charge');
    expect(p.telegram.sent(ADMIN_CHAT_ID, { bot: p.salesToken }).at(-1)?.text).toMatch(/No paid Telegram Stars/);
  });
});
