import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCli } from '../../admin/cli';
import { CheckoutError } from '../../payments/pricing';
import { PromoInputError } from '../../payments/promo-command';
import { REVIEWER, startCourseBot } from '../helpers/course-bot';
import type { CourseBotDriver } from '../helpers/course-bot';
import { insertCourse, insertUser } from '../helpers/fixtures';
import { ADMIN_CHAT_ID } from '../helpers/platform';
import { startSalesPlatform } from '../helpers/sales';
import type { SalesPlatform, Student } from '../helpers/sales';

let nextId = 930_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
const newStudent = () => ({ id: nextId++, first_name: 'Pia', language_code: 'en' });
const isoDate = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
// Codes are global: a suffix keeps this run's apart from other runs' in the same database.
const tag = Math.random().toString(36).slice(2, 7).toUpperCase();

/** Promo management (#18): /promo in the review chat and the CLI, then the codes at the sales bot's checkout. */
describe('promo codes made at the review desk and the CLI', () => {
  let p: SalesPlatform;
  let bot: CourseBotDriver;
  let slug: string;
  const spring = `SPRING${tag}`;
  const tenOff = `TEN${tag}`;
  const until = isoDate(30);

  beforeAll(async () => {
    slug = `promo-${tag.toLowerCase()}`;
    p = await startSalesPlatform({ courseSlug: slug });
    bot = await startCourseBot(p);
    await insertCourse(p.db.sql, { slug, lessons: [{ day: 1 }, { day: 2 }] });
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
  const codesAndAudit = async () => ({
    codes: await p.db.sql`select code, percent_off, amount_off_minor, currency, tariff, max_uses, uses, disabled_at
                          from promo_codes where code like ${`%${tag}`} order by code`,
    audit: await p.db.sql`select action, target, details from admin_actions where target like ${`promo:%${tag}`}
                          order by id`,
  });
  /** A new student at the checkout of `tariff` who sends `code` as their promo code; returns the bot's answer. */
  const withCode = async (tariff: string, code: string, answer: RegExp): Promise<Student> => {
    const student = p.student(newStudent());
    await student.send('/start');
    await student.press(`t:${slug}:${tariff}`);
    await student.press(`b:${slug}:${tariff}`);
    await student.press(`ok:${slug}:${tariff}`);
    await student.press(`pr:${slug}:${tariff}`);
    await student.send(code.toLowerCase());
    await student.waitForText(answer);
    return student;
  };

  it('adds percentage and fixed-amount codes from the review chat, audited, and lists them', async () => {
    expect(
      await desk(`/promo add ${spring.toLowerCase()} 20% --max 1 --until ${until} --tariff premium --course ${slug}`),
    ).toBe(`🏷 ${spring} added: 20% off.`);
    expect(await desk(`/promo add ${tenOff} 10.00 usd --course ${slug}`)).toBe(`🏷 ${tenOff} added: 10.00 USD off.`);
    const { codes, audit } = await codesAndAudit();
    expect(codes).toEqual([
      {
        code: spring,
        percentOff: 20,
        amountOffMinor: null,
        currency: null,
        tariff: 'PREMIUM',
        maxUses: 1,
        uses: 0,
        disabledAt: null,
      },
      {
        code: tenOff,
        percentOff: null,
        amountOffMinor: 1000,
        currency: 'USD',
        tariff: null,
        maxUses: null,
        uses: 0,
        disabledAt: null,
      },
    ]);
    expect(audit).toEqual([
      {
        action: 'add-promo',
        target: `promo:${spring}`,
        details: expect.objectContaining({
          code: spring,
          percentOff: 20,
          maxUses: 1,
          until,
          tariff: 'PREMIUM',
          via: 'review-chat',
        }),
      },
      {
        action: 'add-promo',
        target: `promo:${tenOff}`,
        details: expect.objectContaining({ code: tenOff, amountOffMinor: 1000, currency: 'USD', via: 'review-chat' }),
      },
    ]);
    const list = (await desk('/promo list'))!.split('\n');
    expect(list[0]).toBe('🏷 Promo codes:');
    expect(list).toContain(`${spring} · 20% off · ${slug} PREMIUM · 0/1 used · until ${until} · active`);
    expect(list).toContain(`${tenOff} · 10.00 USD off · ${slug} · 0/∞ used · no expiry · active`);
  });

  it('answers every bad or refused /promo with a reason, and a non-reviewer changes nothing', async () => {
    const before = await codesAndAudit();
    const refusals: [string, string][] = [
      ['/promo', expect.stringMatching(/^Usage: \/promo add CODE/) as unknown as string],
      [`/promo add ${spring} 30%`, `The code ${spring} exists already.`],
      [`/promo add NEW${tag} 0%`, 'A percentage is a whole number from 1% to 100%, not "0%".'],
      [`/promo add NEW${tag} -5 USD`, '"-5" is not an amount in USD (like 10.00).'],
      [`/promo add NEW${tag} 5.00 EUR --course ${slug}`, `any tariff of ${slug} is sold in USD, not EUR.`],
      [`/promo add NEW${tag} 5% --course no-such-course`, 'No course "no-such-course".'],
      [
        `/promo add NEW${tag} 5% --until ${isoDate(-1)}`,
        `--until ${isoDate(-1)} has passed; a code runs until today or later.`,
      ],
      [
        `/promo add NEW${tag} 5% --uses 3`,
        'Unknown option --uses; the options are --max, --until, --tariff, --course, --partner.',
      ],
      [`/promo off NOPE${tag}`, `There is no code NOPE${tag}.`],
    ];
    for (const [command, answer] of refusals) expect(await desk(command), command).toEqual(answer);
    const stranger = { id: 4_242_018, first_name: 'Mallory' };
    for (const command of [`/promo add EVIL${tag} 100%`, `/promo off ${spring}`]) {
      expect(await desk(command, stranger)).toBe(
        'Only reviewers (REVIEWER_IDS) can do this here; nothing was changed.',
      );
    }
    expect(await codesAndAudit()).toEqual(before);
  });

  it('takes the codes at checkout: the tariff, --max and a switched-off code are respected, paid orders stay', async () => {
    // 20% off PREMIUM (99.00 USD), once; the order claims the one use.
    const first = await withCode('PREMIUM', spring, /applied/);
    await first.waitForText(/To pay: 79.20 USD/);
    await first.press(`p:${slug}:PREMIUM:mock`);
    await first.waitForText(/Tap the button to pay/);
    await withCode('PREMIUM', spring, /used up/);
    await withCode('BASIC', spring, /for another tariff/);

    // 10.00 USD off BASIC (19.00 USD), paid; then the code is switched off.
    const payer = await withCode('BASIC', tenOff, /applied/);
    await payer.waitForText(/To pay: 9.00 USD/);
    await payer.press(`p:${slug}:BASIC:mock`);
    const link = await payer.waitForText(/Tap the button to pay/);
    const url = (link.replyMarkup as { inline_keyboard: { url: string }[][] }).inline_keyboard[0]![0]!.url;
    expect((await fetch(`${url}/pay`, { method: 'POST' })).status).toBe(200);
    await payer.waitForText(/Payment received/);

    expect(await desk(`/promo off ${tenOff.toLowerCase()}`)).toBe(
      `🏷 ${tenOff} is off: checkout refuses it now (1 use(s) stay as they are).`,
    );
    expect(await desk(`/promo off ${tenOff}`)).toBe(`The code ${tenOff} is off already.`);
    await withCode('BASIC', tenOff, /expired/);
    const [order] = await p.db.sql`
      select o.status, o.amount_minor from orders o join promo_codes c on c.id = o.promo_code_id where c.code = ${tenOff}`;
    expect(order).toEqual({ status: 'paid', amountMinor: 900 });
    const list = (await desk('/promo list'))!.split('\n');
    expect(list).toContain(`${spring} · 20% off · ${slug} PREMIUM · 1/1 used · until ${until} · used up`);
    expect(list).toContain(`${tenOff} · 10.00 USD off · ${slug} · 1/∞ used · no expiry · off`);
    const [audit] = await p.db
      .sql`select details from admin_actions where action = 'disable-promo' and target = ${`promo:${tenOff}`}`;
    expect(audit?.details).toEqual({ uses: 1, via: 'review-chat' });
  });

  it('refuses a code switched off between the quote and the order, claiming nothing', async () => {
    const late = `LATE${tag}`;
    expect(await desk(`/promo add ${late} 50%`)).toBe(`🏷 ${late} added: 50% off.`);
    const { userId } = await insertUser(p.db.sql);
    const quote = await p.orders.quote({ userId, courseSlug: slug, tariff: 'BASIC', promoCode: late });
    expect(quote.amountMinor).toBe(950);
    await desk(`/promo off ${late}`);
    const order = p.orders.create({ userId, courseSlug: slug, quote, provider: 'mock' });
    await expect(order).rejects.toThrow(new CheckoutError('promo-expired'));
    const [row] = await p.db.sql`select uses from promo_codes where code = ${late}`;
    expect(row?.uses).toBe(0);
    expect(await p.db.sql`select id from orders where user_id = ${userId}`).toEqual([]);
  });

  it('adds, lists and switches off codes from the CLI, audited with via cli', async () => {
    let output: string[] = [];
    const admin = async (...argv: string[]) => {
      output = [];
      await runAdminCli(argv, {
        sql: p.db.sql,
        client: async () => p.temporal.client,
        taskQueue: p.temporal.taskQueue,
        out: (text) => output.push(text),
      });
      return output.join('\n');
    };
    const cli = `CLI${tag}`;
    expect(await admin('promo', 'add', cli.toLowerCase(), '5.50', 'USD', '--max', '3', '--until', until)).toBe(
      `${cli} added: 5.50 USD off`,
    );
    expect((await admin('promo', 'list')).split('\n')).toContain(
      `${cli} · 5.50 USD off · every course · 0/3 used · until ${until} · active`,
    );
    expect(await admin('promo', 'off', cli)).toBe(`${cli} is off (0 use(s) stay as they are)`);
    expect((await admin('promo', 'list')).split('\n')).toContain(
      `${cli} · 5.50 USD off · every course · 0/3 used · until ${until} · off`,
    );
    const before = await codesAndAudit();
    await expect(admin('promo', 'add', `BAD${tag}`, '120%')).rejects.toThrow(
      new PromoInputError('A percentage is a whole number from 1% to 100%, not "120%".'),
    );
    await expect(admin('promo', 'add', cli, '10%')).rejects.toThrow(`The code ${cli} exists already.`);
    expect(await codesAndAudit()).toEqual(before);
    const audit = await p.db
      .sql`select action, details from admin_actions where target = ${`promo:${cli}`} order by id`;
    expect(
      audit.map((a) => [a.action, (a.details as { via: string }).via, 'operator' in (a.details as object)]),
    ).toEqual([
      ['add-promo', 'cli', true],
      ['disable-promo', 'cli', true],
    ]);
    await withCode('BASIC', cli, /expired/);
  });
});
