import { Api } from 'grammy';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { accrueCommission } from '../../activities/commissions';
import { runAdminCli } from '../../admin/cli';
import type { Tariff } from '../../domain/tariffs';
import { REVIEWER, startCourseBot } from '../helpers/course-bot';
import type { CourseBotDriver } from '../helpers/course-bot';
import { insertCourse } from '../helpers/fixtures';
import { ADMIN_CHAT_ID, COURSE_TOKEN, eventually } from '../helpers/platform';
import { startSalesPlatform } from '../helpers/sales';
import type { SalesPlatform, Student } from '../helpers/sales';

let nextId = 940_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
const newUser = (first_name = 'Pia') => ({ id: nextId++, first_name, language_code: 'en' });
// Codes are global: a suffix keeps this run's apart from other runs' in the same database.
const tag = Math.random().toString(36).slice(2, 7).toUpperCase();

/**
 * Partners (#18) on the dev server: registered at the review desk and the CLI, paid through the sales bot's real
 * checkout (mock provider webhooks), their commissions held for the course's window, their own /partner view, the
 * payout report and "mark paid" with a minimum. The 14-day hold itself: tests/workflows/commission-hold-time-skipping.
 */
describe('partners and their commissions', () => {
  let p: SalesPlatform;
  let bot: CourseBotDriver;
  const slug = `partner-${tag.toLowerCase()}`;
  // A course with a 1.5-second refund window, so a commission becomes available during the test.
  const quick = `partner-quick-${tag.toLowerCase()}`;
  const anna = { code: `ANNA${tag}`, user: newUser('Anna') };
  const bea = { code: `BEA${tag}`, user: newUser('Bea') };
  const carl = { code: `CARL${tag}`, user: newUser('Carl') };

  beforeAll(async () => {
    p = await startSalesPlatform({ courseSlug: slug });
    bot = await startCourseBot(p, { partnerMinPayout: { USD: 1000 } });
    await insertCourse(p.db.sql, { slug, lessons: [{ day: 1 }, { day: 2 }] });
    await insertCourse(p.db.sql, { slug: quick, lessons: [{ day: 1 }, { day: 2 }] });
    await p.db.sql`update courses set partner_hold_ms = 1500 where slug = ${quick}`;
  });
  afterAll(async () => {
    await bot?.stop();
    await p?.close();
  });
  afterEach(() => {
    expect(bot.log.filter((line) => /update \d+ failed/.test(line))).toEqual([]);
    expect(p.botLog.filter((line) => /update \d+ failed/.test(line))).toEqual([]);
  });

  const desk = async (text: string, from = REVIEWER) => {
    await bot.send(from, { chatId: ADMIN_CHAT_ID, text });
    return bot.textsTo(ADMIN_CHAT_ID).at(-1);
  };
  let cliOutput: string[] = [];
  const cli = async (...argv: string[]) => {
    cliOutput = [];
    await runAdminCli(argv, {
      sql: p.db.sql,
      client: async () => p.temporal.client,
      taskQueue: p.temporal.taskQueue,
      out: (text) => cliOutput.push(text),
      partnerMinPayout: { USD: 1000 },
    });
    return cliOutput.join('\n');
  };
  const partnerRows = () => p.db.sql`
    select pa.code, pa.telegram_id, c.slug, r.tariff, r.percent from partners pa
    join partner_rates r on r.partner_id = pa.id join courses c on c.id = r.course_id
    where pa.code like ${`%${tag}`} order by pa.code, c.slug, r.tariff nulls first`;
  const audit = () => p.db.sql`
    select action, target, details from admin_actions where target like ${`partner:%${tag}`} order by id`;
  const userIdOf = async (telegramId: number) =>
    (await p.db.sql<{ id: number }[]>`select id from users where telegram_id = ${telegramId}`)[0]!.id;

  /** `user` (after /start, with a link or not) pays `tariff` of `course` through the mock provider. */
  async function buy(user: Student['user'], course: string, tariff: Tariff, promoCode?: string) {
    const userId = await userIdOf(user.id);
    const quote = await p.orders.quote({ userId, courseSlug: course, tariff, ...(promoCode ? { promoCode } : {}) });
    const order = await p.orders.create({ userId, courseSlug: course, quote, provider: 'mock' });
    const paid = p.mock.webhookFor(order);
    expect((await p.postWebhook('mock', paid.body, paid.headers)).status).toBe(200);
    const providerPaymentId = `mock_${order.publicId}`;
    await eventually(
      () => p.db.sql`select 1 from payments where provider_payment_id = ${providerPaymentId}`,
      (rows) => rows.length === 1,
    );
    return { order, providerPaymentId };
  }
  const commissionOf = (providerPaymentId: string) =>
    p.db.sql<{ id: number; code: string; source: string; percent: number; amountMinor: number; status: string }[]>`
      select c.id, pa.code, c.source, c.percent, c.amount_minor, c.status from commissions c
      join partners pa on pa.id = c.partner_id join payments py on py.id = c.payment_id
      where py.provider_payment_id = ${providerPaymentId}`;
  const student = async (start: string, user = newUser()) => {
    const s = p.student(user);
    await s.send(start);
    return s;
  };

  it('registers partners at the review desk and the CLI, audited, with their link and rates', async () => {
    expect(await desk(`/partner add ${anna.code.toLowerCase()} ${anna.user.id} 20% --course ${slug}`)).toBe(
      `🤝 ${anna.code}: 20% of ${slug}. Link: t.me/sales_test_bot?start=${anna.code}`,
    );
    expect(await desk(`/partner add ${anna.code} ${anna.user.id} 30% --course ${slug} --tariff premium`)).toBe(
      `🤝 ${anna.code}: 30% of ${slug} PREMIUM. Link: t.me/sales_test_bot?start=${anna.code}`,
    );
    expect(await desk(`/partner add ${anna.code} ${anna.user.id} 25% --course ${slug} --tariff PREMIUM`)).toBe(
      `🤝 ${anna.code}: 25% of ${slug} PREMIUM (was 30%). Link: t.me/sales_test_bot?start=${anna.code}`,
    );
    expect(await cli('partner', 'add', bea.code, String(bea.user.id), '10%', '--course', slug)).toBe(
      `${bea.code}: 10% of ${slug}`,
    );
    expect(await cli('partner', 'add', carl.code, String(carl.user.id), '50%', '--course', quick)).toBe(
      `${carl.code}: 50% of ${quick}`,
    );
    expect(await partnerRows()).toEqual([
      { code: anna.code, telegramId: anna.user.id, slug, tariff: null, percent: 20 },
      { code: anna.code, telegramId: anna.user.id, slug, tariff: 'PREMIUM', percent: 25 },
      { code: bea.code, telegramId: bea.user.id, slug, tariff: null, percent: 10 },
      { code: carl.code, telegramId: carl.user.id, slug: quick, tariff: null, percent: 50 },
    ]);
    const actions = await audit();
    expect(actions.map((a) => [a.action, a.target, (a.details as { via: string }).via])).toEqual([
      ['add-partner', `partner:${anna.code}`, 'review-chat'],
      ['add-partner', `partner:${anna.code}`, 'review-chat'],
      ['add-partner', `partner:${anna.code}`, 'review-chat'],
      ['add-partner', `partner:${bea.code}`, 'cli'],
      ['add-partner', `partner:${carl.code}`, 'cli'],
    ]);
    expect(actions[2]!.details).toMatchObject({ percent: 25, previousPercent: 30, tariff: 'PREMIUM' });
    const list = (await desk('/partner list'))!.split('\n');
    expect(list[0]).toBe('🤝 Partners:');
    expect(list).toContain(`${anna.code} · ${anna.user.id} · 25% of ${slug} PREMIUM`);
    expect(list).toContain(`${bea.code} · ${bea.user.id} · 10% of ${slug}`);
    // A promo code bound to a partner.
    expect(await desk(`/promo add BEAPROMO${tag} 10% --partner ${bea.code.toLowerCase()}`)).toBe(
      `🏷 BEAPROMO${tag} added: 10% off.`,
    );
    expect((await desk('/promo list'))!.split('\n')).toContain(
      `BEAPROMO${tag} · 10% off · every course · 0/∞ used · no expiry · active · partner ${bea.code}`,
    );
  });

  it('answers every bad or refused /partner with a reason, and a non-reviewer changes nothing', async () => {
    const before = {
      rows: await partnerRows(),
      audit: await audit(),
      promos: await p.db.sql`select code from promo_codes`,
    };
    const refusals: [string, string][] = [
      ['/partner', expect.stringMatching(/^Usage: \/partner add CODE/) as unknown as string],
      ['/partner remove X', expect.stringMatching(/^Usage: \/partner add CODE/) as unknown as string],
      [`/partner add NEW${tag} 123 20%`, 'A commission is per course: add --course <slug>.'],
      [
        `/partner add NEW${tag} 123 0% --course ${slug}`,
        'A commission is a whole percentage from 1% to 100%, not "0%".',
      ],
      [
        `/partner add NEW${tag} 123 150% --course ${slug}`,
        'A commission is a whole percentage from 1% to 100%, not "150%".',
      ],
      [
        `/partner add NEW${tag} abc 20% --course ${slug}`,
        `The partner's Telegram id is a positive whole number, not "abc".`,
      ],
      [
        `/partner add bad!code 123 20% --course ${slug}`,
        'A partner code is 1 to 64 letters, digits, "_" or "-", not "bad!code".',
      ],
      [`/partner add NEW${tag} 123 20% --course no-such-course`, 'No course "no-such-course".'],
      [
        `/partner add NEW${tag} 123 20% --course ${slug} --tariff GOLD`,
        'Unknown tariff "GOLD"; one of: BASIC, FEEDBACK, PREMIUM.',
      ],
      [
        `/partner add NEW${tag} 123 20% --course ${slug} --max 3`,
        'Unknown option --max; the options are --course, --tariff.',
      ],
      [
        `/partner add ${anna.code} 123 20% --course ${slug}`,
        `The code ${anna.code} belongs to another partner (${anna.user.id}).`,
      ],
      [`/partner paid NOPE${tag}`, `There is no partner NOPE${tag}.`],
      [`/promo add X${tag} 10% --partner NOPE${tag}`, `There is no partner NOPE${tag} (see /partner add).`],
    ];
    for (const [command, answer] of refusals) expect(await desk(command), command).toEqual(answer);
    const stranger = { id: 4_242_019, first_name: 'Mallory' };
    for (const command of [
      `/partner add EVIL${tag} ${stranger.id} 100% --course ${slug}`,
      `/partner paid ${carl.code}`,
    ]) {
      expect(await desk(command, stranger)).toBe(
        'Only reviewers (REVIEWER_IDS) can do this here; nothing was changed.',
      );
    }
    expect(await desk('/partner report', stranger)).toBe(
      'Only reviewers (REVIEWER_IDS) can do this here; nothing was changed.',
    );
    expect({
      rows: await partnerRows(),
      audit: await audit(),
      promos: await p.db.sql`select code from promo_codes`,
    }).toEqual(before);
  });

  it('pays a commission on a sale through the link, and the partner-bound promo code wins over the link', async () => {
    const linked = await student(`/start ${anna.code.toLowerCase()}`);
    const sale = await buy(linked.user, slug, 'BASIC');
    expect(await commissionOf(sale.providerPaymentId)).toEqual([
      expect.objectContaining({ code: anna.code, source: 'link', percent: 20, amountMinor: 380, status: 'held' }),
    ]);
    // A PREMIUM sale through the link earns the PREMIUM rate (25% of 99.00).
    const premium = await buy((await student(`/start ${anna.code}`)).user, slug, 'PREMIUM');
    expect(await commissionOf(premium.providerPaymentId)).toEqual([
      expect.objectContaining({ code: anna.code, percent: 25, amountMinor: 2475 }),
    ]);
    // Anna's link, Bea's code: the code typed at checkout wins (10% of the 17.10 USD paid).
    const both = await buy((await student(`/start ${anna.code}`)).user, slug, 'BASIC', `beapromo${tag}`);
    expect(await commissionOf(both.providerPaymentId)).toEqual([
      expect.objectContaining({ code: bea.code, source: 'promo', percent: 10, amountMinor: 171 }),
    ]);
    // No link at all: the code still brings Bea the sale.
    const codeOnly = await buy((await student('/start')).user, slug, 'BASIC', `BEAPROMO${tag}`);
    expect(await commissionOf(codeOnly.providerPaymentId)).toEqual([
      expect.objectContaining({ code: bea.code, source: 'promo', amountMinor: 171 }),
    ]);
    // Neither: nobody's sale.
    const plain = await buy((await student('/start')).user, slug, 'BASIC');
    expect(await commissionOf(plain.providerPaymentId)).toEqual([]);
  });

  it('pays no commission to a partner who buys through their own link or code', async () => {
    const ownLink = await student(`/start ${anna.code}`, anna.user);
    const sale = await buy(ownLink.user, slug, 'BASIC');
    expect(await commissionOf(sale.providerPaymentId)).toEqual([]);
    const ownCode = await student('/start', bea.user);
    const coded = await buy(ownCode.user, slug, 'FEEDBACK', `BEAPROMO${tag}`);
    expect(await commissionOf(coded.providerPaymentId)).toEqual([]);
  });

  it('accrues one commission for one payment, however often and however concurrently it arrives', async () => {
    const user = (await student(`/start ${anna.code}`)).user;
    const userId = await userIdOf(user.id);
    const quote = await p.orders.quote({ userId, courseSlug: slug, tariff: 'FEEDBACK' });
    const order = await p.orders.create({ userId, courseSlug: slug, quote, provider: 'mock' });
    const paid = p.mock.webhookFor(order);
    const answers = await Promise.all(Array.from({ length: 6 }, () => p.postWebhook('mock', paid.body, paid.headers)));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
    const providerPaymentId = `mock_${order.publicId}`;
    const [commission] = await eventually(
      () => commissionOf(providerPaymentId),
      (rows) => rows.length === 1,
    );
    // The accrual itself, run side by side as retried steps would: still one row.
    const [payment] = await p.db.sql<
      { id: number }[]
    >`select id from payments where provider_payment_id = ${providerPaymentId}`;
    const holds = await Promise.all(
      Array.from({ length: 8 }, () =>
        accrueCommission(p.db.sql, { paymentId: payment!.id, orderPublicId: order.publicId }),
      ),
    );
    expect(holds).toEqual(Array(8).fill({ commissionId: commission!.id, holdMs: 1_209_600_000 }));
    expect(await commissionOf(providerPaymentId)).toEqual([commission]);
    expect(await p.db.sql`select 1 from payments where provider_payment_id = ${providerPaymentId}`).toHaveLength(1);
  });

  it('claws back a held commission when its payment is refunded inside the window', async () => {
    const user = (await student(`/start ${anna.code}`)).user;
    const { order, providerPaymentId } = await buy(user, slug, 'BASIC');
    const [held] = await commissionOf(providerPaymentId);
    expect(held?.status).toBe('held');
    const refund = p.mock.webhookFor(order, 'payment.refunded');
    expect((await p.postWebhook('mock', refund.body, refund.headers)).status).toBe(200);
    await eventually(
      () => commissionOf(providerPaymentId),
      (rows) => rows[0]?.status === 'clawed_back',
    );
    expect(await p.db.sql`select 1 from commission_adjustments where commission_id = ${held!.id}`).toEqual([]);
  });

  it('releases commissions after the window, pays out above the minimum once, and adjusts for a later refund', async () => {
    const first = await buy((await student(`/start ${carl.code}`)).user, quick, 'BASIC');
    await eventually(
      () => commissionOf(first.providerPaymentId),
      (rows) => rows[0]?.status === 'available',
    );
    // 9.50 USD available, below the 10.00 USD minimum: refused, nothing changes.
    const beforeRefusal = await audit();
    expect(await desk(`/partner paid ${carl.code}`)).toBe(
      `${carl.code} has 9.50 USD available: nothing to pay (the minimum payout is 10.00 USD).`,
    );
    expect(await audit()).toEqual(beforeRefusal);
    expect((await commissionOf(first.providerPaymentId))[0]?.status).toBe('available');

    const second = await buy((await student(`/start ${carl.code}`)).user, quick, 'BASIC');
    await eventually(
      () => commissionOf(second.providerPaymentId),
      (rows) => rows[0]?.status === 'available',
    );
    // Three reviewers' clicks at once (desk, desk, CLI): one payout of 19.00 USD.
    const results = await Promise.allSettled([
      desk(`/partner paid ${carl.code.toLowerCase()}`),
      cli('partner', 'paid', carl.code),
      cli('partner', 'paid', carl.code),
    ]);
    const payouts = await p.db.sql`
      select py.currency, py.amount_minor, py.admin_telegram_id from partner_payouts py
      join partners pa on pa.id = py.partner_id where pa.code = ${carl.code}`;
    expect(payouts).toHaveLength(1);
    expect(payouts[0]).toMatchObject({ currency: 'USD', amountMinor: 1900 });
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(
      payouts[0]!.adminTelegramId === REVIEWER.id ? 2 : 1,
    );
    expect(bot.textsTo(ADMIN_CHAT_ID)).toContainEqual(
      expect.stringMatching(new RegExp(`^(🤝 ${carl.code}: 19.00 USD marked paid out\\.|${carl.code} has nothing)`)),
    );
    expect((await audit()).filter((a) => a.action === 'partner-paid')).toEqual([
      {
        action: 'partner-paid',
        target: `partner:${carl.code}`,
        details: expect.objectContaining({ paid: [{ currency: 'USD', amountMinor: 1900 }] }),
      },
    ]);
    expect(await desk(`/partner paid ${carl.code}`)).toBe(
      `${carl.code} has nothing available: nothing to pay (the minimum payout is 10.00 USD).`,
    );

    // The first sale refunded after its window: a negative adjustment, and the commission stays paid out.
    const refund = p.mock.webhookFor(first.order, 'payment.refunded');
    expect((await p.postWebhook('mock', refund.body, refund.headers)).status).toBe(200);
    const [paidOut] = await commissionOf(first.providerPaymentId);
    await eventually(
      () => p.db.sql`select amount_minor, currency from commission_adjustments where commission_id = ${paidOut!.id}`,
      (rows) => rows.length === 1,
    );
    expect(paidOut?.status).toBe('paid_out');
    expect(
      await p.db.sql`select amount_minor, currency from commission_adjustments where commission_id = ${paidOut!.id}`,
    ).toEqual([{ amountMinor: -950, currency: 'USD' }]);
  });

  it("shows a partner their link, starts, sales and balances in the sales bot; others are told they aren't one", async () => {
    const me = p.student(carl.user);
    await me.send('/partner');
    const view = await me.waitForText(/Partner/);
    expect(view.text).toBe(
      [
        `🤝 Partner ${carl.code}`,
        `Your link: t.me/${(await new Api(p.salesToken, { apiRoot: p.telegram.apiRoot }).getMe()).username}?start=${carl.code}`,
        `Commission: 50% of ${quick}`,
        // Two starts, one sale left (the other refunded); its 9.50 USD came off the 19.00 paid.
        'Starts: 2 · paid sales: 1',
        '0.00 USD held · -9.50 USD available · 19.00 USD paid out',
        '',
        'A commission is held for the course’s refund window, then becomes available for payout.',
      ].join('\n'),
    );
    const annaView = p.student(anna.user);
    await annaView.send('/partner');
    const annaText = (await annaView.waitForText(/Partner/)).text!;
    // Anna: 6 links followed (her own /start included), 3 sales kept (3.80 + 24.75 + 9.80 held; one clawed back).
    expect(annaText).toContain('Starts: 6 · paid sales: 3');
    expect(annaText).toContain('38.35 USD held · 0.00 USD available · 0.00 USD paid out');
    const stranger = p.student(newUser('Olga'));
    await stranger.send('/partner');
    expect((await stranger.waitForText(/partner/)).text).toBe(
      'You are not registered as a partner. If you would like to recommend our courses, write to us via /support.',
    );
  });

  it('sends the payout report as a CSV document at the review desk; the CLI prints the same', async () => {
    await desk('/partner report');
    const sent = await p.telegram.waitFor(() => p.telegram.sent(ADMIN_CHAT_ID).findLast((m) => m.kind === 'document'));
    expect(sent.method).toBe('sendDocument');
    const api = new Api(COURSE_TOKEN, { apiRoot: p.telegram.apiRoot });
    const file = await api.getFile(sent.media!);
    const csv = await (await fetch(`${p.telegram.apiRoot}/file/bot${COURSE_TOKEN}/${file.file_path}`)).text();
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('code,telegram_id,starts,paid_sales,currency,held,available,paid_out');
    expect(lines).toContain(`${carl.code},${carl.user.id},2,1,USD,0.00,-9.50,19.00`);
    expect(lines).toContain(`${bea.code},${bea.user.id},0,2,USD,3.42,0.00,0.00`);
    expect((await cli('partner', 'report')).split('\n')).toEqual(lines);
  });
});
