import { Api } from 'grammy';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCli } from '../../admin/cli';
import { FunnelInputError } from '../../analytics/funnel-command';
import { CHART_WIDTH } from '../../analytics/funnel-chart';
import { COURSE_TOKEN, ADMIN_CHAT_ID } from '../helpers/platform';
import { REVIEWER, startCourseBot } from '../helpers/course-bot';
import type { CourseBotDriver } from '../helpers/course-bot';
import { insertCourse } from '../helpers/fixtures';
import { startSalesPlatform } from '../helpers/sales';
import type { SalesPlatform, Student } from '../helpers/sales';

let nextId = 950_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
const tag = Math.random().toString(36).slice(2, 7);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Funnel analytics (#18): steps recorded once through the real bots and journey, /funnel and the CSV export. */
describe('funnel analytics', () => {
  let p: SalesPlatform;
  let bot: CourseBotDriver;
  const slug = `funnel-${tag}`;
  let courseId: number;
  const students: Record<'full' | 'refunded' | 'browser', Student> = {} as never;

  beforeAll(async () => {
    p = await startSalesPlatform({ courseSlug: slug });
    bot = await startCourseBot(p);
    courseId = await insertCourse(p.db.sql, {
      slug,
      intervalMs: 4_000,
      feedbackWaitMs: 1_000,
      lessons: [{ day: 1 }, { day: 2 }],
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await p?.close();
  });
  afterEach(() => {
    expect(bot.log.filter((line) => /update \d+ failed/.test(line))).toEqual([]);
    expect(p.botLog.filter((line) => /update \d+ failed|not recorded/.test(line))).toEqual([]);
  });

  const userIdOf = async (s: Student) =>
    (await p.db.sql<{ id: number }[]>`select id from users where telegram_id = ${s.user.id}`)[0]!.id;
  const eventsOf = async (s: Student) =>
    p.db.sql<{ step: string; day: number; tariff: string | null; partner: string | null; language: string | null }[]>`
      select step, day, tariff, partner, language from funnel_events
      where user_id = ${await userIdOf(s)} and course_id = ${courseId} order by id`;
  const twice = async (s: Student, data: string) => Promise.all([s.press(data), s.press(data)]);

  /** Through the sales bot to the provider's paid page, every step tapped twice; returns the order. */
  async function buy(s: Student, tariff: string, start: string) {
    await s.send(start);
    await s.send('/start');
    await twice(s, `t:${slug}:${tariff}`);
    await s.press(`b:${slug}:${tariff}`);
    await s.waitForText(/public offer/);
    await twice(s, `ok:${slug}:${tariff}`);
    await s.waitForText(/To pay/);
    await twice(s, `p:${slug}:${tariff}:mock`);
    // Two taps, two orders: the second cancels the first, so its link is the one to pay.
    const link = await s.waitForText(/Tap the button to pay/, 2);
    const url = (link.replyMarkup as { inline_keyboard: { url: string }[][] }).inline_keyboard[0]![0]!.url;
    expect((await fetch(`${url}/pay`, { method: 'POST' })).status).toBe(200);
    await s.waitForText(/Payment received/);
    const [order] = await p.db.sql<{ publicId: string }[]>`
      select public_id from orders where user_id = ${await userIdOf(s)} and status = 'paid'`;
    return (await p.orders.find(order!.publicId))!;
  }

  it('records each step of a paid journey once, whatever is repeated', async () => {
    const full = (students.full = p.student({ id: nextId++, first_name: 'Ana', language_code: 'de' }));
    const order = await buy(full, 'BASIC', `/start partner-${tag}`);
    // The same payment again (a provider's retry), and a second charge for the same order: still one "paid".
    const again = p.mock.webhookFor(order);
    expect(await (await p.postWebhook('mock', again.body, again.headers)).json()).toMatchObject({ ok: true });
    const second = p.mock.webhookFor(order, 'payment.succeeded', `second-${tag}`);
    expect(await (await p.postWebhook('mock', second.body, second.headers)).json()).toMatchObject({
      outcome: 'accepted',
    });
    await p.telegram.waitFor(() =>
      p.telegram.sent(full.user.id).find((m) => JSON.stringify(m.replyMarkup ?? {}).includes(`sub:${slug}:1`)),
    );
    await bot.press(full.user, `sub:${slug}:1`);
    await bot.send(full.user, { text: 'My homework' });
    await Promise.all([bot.press(full.user, 'sub-send'), bot.press(full.user, 'sub-send')]);
    const handle = p.temporal.enrollments.handle({ userId: await userIdOf(full), courseSlug: slug });
    expect((await handle.result()).stage).toBe('completed');

    const events = await eventsOf(full);
    expect(events.map((e) => (e.step === 'lesson' ? `lesson ${e.day}` : e.step))).toEqual([
      'start',
      'course-card',
      'tariff',
      'consent',
      'checkout',
      'paid',
      'access',
      'first-lesson',
      'lesson 1',
      'assignment',
      'lesson 2',
      'completed',
    ]);
    expect(new Set(events.map((e) => e.partner))).toEqual(new Set([`partner-${tag}`]));
    expect(new Set(events.map((e) => e.language))).toEqual(new Set(['de']));
    expect(events.filter((e) => e.step !== 'start' && e.step !== 'course-card').map((e) => e.tariff)).toEqual(
      Array(10).fill('BASIC'),
    );
  });

  it('records a refund once, and a student who only looked around', async () => {
    const refunded = (students.refunded = p.student({ id: nextId++, first_name: 'Bo', language_code: 'en' }));
    const order = await buy(refunded, 'FEEDBACK', '/start');
    await p.telegram.waitFor(() => p.telegram.sent(refunded.user.id).find((m) => m.text?.includes('Day 1.')));
    const refund = p.mock.webhookFor(order, 'payment.refunded');
    for (let i = 0; i < 2; i++) await p.postWebhook('mock', refund.body, refund.headers);
    const handle = p.temporal.enrollments.handle({ userId: await userIdOf(refunded), courseSlug: slug });
    expect((await handle.result()).stage).toBe('refunded');
    const steps = (await eventsOf(refunded)).map((e) => e.step);
    expect(steps.filter((s) => s === 'refunded')).toEqual(['refunded']);
    expect(steps.slice(0, 8)).toEqual([
      'start',
      'course-card',
      'tariff',
      'consent',
      'checkout',
      'paid',
      'access',
      'first-lesson',
    ]);
    expect(steps).not.toContain('completed');

    const browser = (students.browser = p.student({ id: nextId++, first_name: 'Cy', language_code: 'ru' }));
    await browser.send(`/start other-${tag}`);
    await twice(browser, `t:${slug}:PREMIUM`);
    expect((await eventsOf(browser)).map((e) => [e.step, e.tariff, e.partner])).toEqual([
      ['start', null, `other-${tag}`],
      ['course-card', null, `other-${tag}`],
      ['tariff', 'PREMIUM', `other-${tag}`],
    ]);
  });

  /** Students per step and day straight from the rows, without the report's code. */
  async function countsFromRows(where = p.db.sql`true`) {
    const rows = await p.db.sql<{ step: string; day: number; n: number }[]>`
      select step, day, count(*)::int as n from funnel_events f where course_id = ${courseId} and ${where}
      group by step, day`;
    const label = (r: { step: string; day: number }) => (r.step === 'lesson' ? `Lesson ${r.day}` : r.step);
    return Object.fromEntries(rows.map((r) => [label(r), r.n]));
  }
  const LABEL_OF: Record<string, string> = {
    '/start': 'start',
    'Course card': 'course-card',
    'Tariff chosen': 'tariff',
    Consent: 'consent',
    'Checkout opened': 'checkout',
    Paid: 'paid',
    Access: 'access',
    'First lesson': 'first-lesson',
    'Assignment submitted': 'assignment',
    Completed: 'completed',
    Refunded: 'refunded',
  };
  /** `Label: N · …` lines of one block of /funnel's text, as { step: N }. */
  const parseBlock = (lines: string[]) =>
    Object.fromEntries(
      lines
        .map((line) => /^(.+?): (\d+)/.exec(line))
        .filter((m) => m !== null)
        .map((m) => [LABEL_OF[m[1]!] ?? m[1]!, Number(m[2])])
        .filter(([, n]) => n !== 0),
    );
  const desk = async (text: string, from = REVIEWER) => {
    const before = p.telegram.sent(ADMIN_CHAT_ID).length;
    await bot.send(from, { chatId: ADMIN_CHAT_ID, text });
    return p.telegram.sent(ADMIN_CHAT_ID).slice(before);
  };

  it('/funnel answers a reviewer with a PNG chart and the numbers the rows hold', async () => {
    const [photo, numbers, ...rest] = await desk(`/funnel ${slug} 7d`);
    expect(rest).toEqual([]);
    expect(photo?.kind).toBe('photo');
    expect(photo?.caption).toMatch(new RegExp(`^Funnel · Course ${slug} \\(${slug}\\) · \\d{4}-\\d{2}-\\d{2}\\.\\.`));
    const file = await new Api(COURSE_TOKEN, { apiRoot: p.telegram.apiRoot }).getFile(photo!.media!);
    const png = Buffer.from(
      await (await fetch(`${p.telegram.apiRoot}/file/bot${COURSE_TOKEN}/${file.file_path}`)).arrayBuffer(),
    );
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(png.readUInt32BE(16)).toBe(CHART_WIDTH);

    const lines = numbers!.text!.split('\n');
    const counted = parseBlock(lines.slice(2));
    expect(counted).toEqual(await countsFromRows());
    // The scenario itself: three students came, two paid, one completed, one was refunded.
    expect(counted).toMatchObject({ start: 3, tariff: 3, consent: 2, paid: 2, access: 2, completed: 1, refunded: 1 });
    expect(lines).toContain('Paid: 2 · 100.0% of previous · 66.7% of top');
    expect(lines).toContain('Refunded: 1 · 50.0% of previous · 33.3% of top');

    // The default course and period are this one and the last 30 days; a period without events counts nobody.
    expect((await desk('/funnel'))[1]?.text).toBe((await desk(`/funnel 30d ${slug}`))[1]?.text);
    const empty = (await desk(`/funnel 2020-01-01..2020-01-31 ${slug}`))[1]!.text!;
    expect(parseBlock(empty.split('\n').slice(2))).toEqual({});
  });

  it('/funnel by tariff and by partner: a block per group, each student in one', async () => {
    const byTariff = (await desk(`/funnel ${slug} by tariff`))[1]!.text!.split('\n\n');
    expect(byTariff[0]).toMatch(/· by tariff$/);
    const blocks = Object.fromEntries(
      byTariff.slice(1).map((b) => [b.split('\n')[0], parseBlock(b.split('\n').slice(1))]),
    );
    expect(Object.keys(blocks)).toEqual(['[tariff BASIC]', '[tariff FEEDBACK]', '[tariff PREMIUM]']);
    expect(blocks['[tariff BASIC]']).toEqual(
      await countsFromRows(p.db.sql`user_id = ${await userIdOf(students.full)}`),
    );
    expect(blocks['[tariff FEEDBACK]']).toEqual(
      await countsFromRows(p.db.sql`user_id = ${await userIdOf(students.refunded)}`),
    );
    expect(blocks['[tariff PREMIUM]']).toEqual({ start: 1, 'course-card': 1, tariff: 1 });

    const byPartner = (await desk(`/funnel by partner ${slug}`))[1]!.text!.split('\n\n');
    const partners = Object.fromEntries(
      byPartner.slice(1).map((b) => [b.split('\n')[0], parseBlock(b.split('\n').slice(1))]),
    );
    expect(Object.keys(partners)).toEqual([`[partner other-${tag}]`, `[partner partner-${tag}]`, '[partner (none)]']);
    expect(partners[`[partner partner-${tag}]`]).toMatchObject({ start: 1, paid: 1, completed: 1 });
    expect(partners['[partner (none)]']).toMatchObject({ start: 1, paid: 1, refunded: 1 });
    expect(partners[`[partner other-${tag}]`]).toEqual({ start: 1, 'course-card': 1, tariff: 1 });
  });

  it('refuses a non-reviewer, and answers a bad period, breakdown or course with a reason', async () => {
    const stranger = { id: 4_242_023, first_name: 'Mallory' };
    const refused = await desk('/funnel', stranger);
    expect(refused.map((m) => [m.kind, m.text])).toEqual([
      ['text', 'Only reviewers (REVIEWER_IDS) can do this here; nothing was changed.'],
    ]);
    const answers: [string, string][] = [
      ['/funnel 7x', 'Bad period "7x": use 7d, 30d or 2026-11-01..2026-11-30.'],
      ['/funnel 2026-02-30..2026-03-01', 'Bad period "2026-02-30..2026-03-01": use 7d, 30d or 2026-11-01..2026-11-30.'],
      ['/funnel by colour', 'Unknown breakdown "colour"; one of: tariff, partner, promo, cohort, language.'],
      ['/funnel no-such-course', 'No course "no-such-course".'],
    ];
    for (const [command, answer] of answers) {
      const sent = await desk(command);
      expect(
        sent.map((m) => [m.kind, m.text]),
        command,
      ).toEqual([['text', answer]]);
    }
  });

  it('admin funnel --csv prints the same numbers', async () => {
    const out: string[] = [];
    const admin = (...argv: string[]) =>
      runAdminCli(argv, {
        sql: p.db.sql,
        client: async () => p.temporal.client,
        taskQueue: p.temporal.taskQueue,
        out: (text) => out.push(text),
      });
    await admin('funnel', '--course', slug, '--by', 'tariff', '--csv');
    const [header, ...lines] = out.join('\n').split('\n');
    expect(header).toBe('course,period,breakdown,group,step,day,label,students,step_conversion,top_conversion');
    const cells = lines.map((l) => l.split(','));
    const count = (group: string, step: string, day = '0') =>
      Number(cells.find((c) => c[3] === group && c[4] === step && c[5] === day)?.[7]);
    expect(count('BASIC', 'completed')).toBe(1);
    expect(count('BASIC', 'lesson', '2')).toBe(1);
    expect(count('FEEDBACK', 'refunded')).toBe(1);
    expect(count('PREMIUM', 'paid')).toBe(0);
    expect(cells.find((c) => c[3] === 'FEEDBACK' && c[4] === 'refunded')?.slice(8)).toEqual(['1.0000', '1.0000']);
    const total = await countsFromRows();
    for (const [step, n] of Object.entries(total)) {
      const [name, day = '0'] = step.startsWith('Lesson ') ? ['lesson', step.slice(7)] : [step];
      const sum = ['BASIC', 'FEEDBACK', 'PREMIUM'].reduce((s, g) => s + count(g, name, day), 0);
      expect(sum, step).toBe(n);
    }
    await expect(admin('funnel', '--by', 'colour', '--csv')).rejects.toThrow(FunnelInputError);
    await expect(admin('funnel', '--since', 'yesterday')).rejects.toThrow(/Bad period "yesterday"/);
  });

  it('/funnel by language counts a student in their latest language', async () => {
    const user = { id: nextId++, first_name: 'Ed', language_code: 'ru' };
    await p.student(user).send('/start');
    const switched = p.student({ ...user, language_code: 'en' });
    await switched.send('/start');
    await switched.press(`t:${slug}:BASIC`);
    const byLanguage = (await desk(`/funnel ${slug} by language`))[1]!.text!.split('\n\n');
    const blocks = Object.fromEntries(
      byLanguage.slice(1).map((b) => [b.split('\n')[0], parseBlock(b.split('\n').slice(1))]),
    );
    expect(Object.keys(blocks)).toEqual(['[language de]', '[language en]', '[language ru]']);
    // Bo (en) and Ed, whose tariff step came in English; Cy stayed Russian.
    expect(blocks['[language en]']).toMatchObject({ start: 2, tariff: 2, paid: 1 });
    expect(blocks['[language ru]']).toEqual({ start: 1, 'course-card': 1, tariff: 1 });
  });

  it('a failing event insert never breaks the student’s step, and is logged', async () => {
    await p.db.sql`alter table funnel_events rename to funnel_events_away`;
    try {
      const s = p.student({ id: nextId++, first_name: 'Di', language_code: 'en' });
      await s.send('/start');
      await s.waitForText(/Choose a tariff/);
      await s.press(`t:${slug}:BASIC`);
      expect(s.messages().at(-1)?.text).toContain('19.00 USD');
      expect(p.botLog.filter((l) => /funnel step (start|course-card|tariff) not recorded/.test(l))).toHaveLength(3);
    } finally {
      await p.db.sql`alter table funnel_events_away rename to funnel_events`;
      p.botLog.length = 0;
    }
  });
});
