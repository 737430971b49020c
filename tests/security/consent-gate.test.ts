import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { insertCourse } from '../helpers/fixtures';
import { startSalesPlatform } from '../helpers/sales';
import type { SalesPlatform, Student } from '../helpers/sales';

let nextId = 950_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
const newStudent = () => ({ id: nextId++, first_name: 'Kai', language_code: 'en' });

/**
 * Every step that creates an order or grants access asks the server whether this student accepted today's offer and
 * privacy policy; hand-made buttons and stale conversations get the consent question instead, and nothing else.
 */
describe('the consent gate', () => {
  let p: SalesPlatform;
  let slug: string;
  let otherSlug: string;
  beforeAll(async () => {
    p = await startSalesPlatform({ courseSlug: (slug = `consent-${Math.random().toString(36).slice(2, 8)}`) });
    await insertCourse(p.db.sql, { slug, lessons: [{ day: 1 }, { day: 2 }], intervalMs: 60_000 });
    otherSlug = `${slug}-other`;
    await insertCourse(p.db.sql, { slug: otherSlug, lessons: [{ day: 1 }] });
    await p.db.sql`update course_tariffs set price_stars = 250`;
    await p.db.sql`insert into promo_codes (code, percent_off) values ('ALLFREE', 100)`;
  });
  afterAll(async () => p?.close());
  afterEach(() => expect(p.botLog.filter((line) => /update \d+ failed/.test(line))).toEqual([]));

  const userIdOf = async (student: Student) =>
    (await p.db.sql<{ id: number }[]>`select id from users where telegram_id = ${student.user.id}`)[0]?.id ?? -1;
  const ordersOf = async (student: Student) =>
    p.db.sql`select tariff, status, course_id from orders where user_id = ${await userIdOf(student)}`;
  const consentsOf = async (student: Student) =>
    p.db.sql`select document from consents where user_id = ${await userIdOf(student)}`;
  /** The offer changed (TERMS_VERSION bumped): what the student accepted no longer counts. */
  const withdraw = async (student: Student) =>
    p.db.sql`delete from consents where user_id = ${await userIdOf(student)}`;
  const askedToConsent = (student: Student) =>
    student.messages().some((m) => /public offer/.test(m.text ?? '') && JSON.stringify(m.replyMarkup).includes('ok:'));

  it('a hand-made pay button (p:) without consent makes no order and asks for consent', async () => {
    const student = p.student(newStudent());
    await student.send('/start');
    await student.pressRaw(`p:${slug}:BASIC:mock`);
    expect(await ordersOf(student)).toEqual([]);
    expect(student.messages().some((m) => /Tap the button to pay/.test(m.text ?? ''))).toBe(false);
    expect(askedToConsent(student)).toBe(true);
  });

  it('a hand-made promo button (pr:) plus a 100% code grants nothing without consent', async () => {
    const student = p.student(newStudent());
    await student.send('/start');
    await student.pressRaw(`pr:${slug}:BASIC`);
    await student.send('allfree');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await ordersOf(student)).toEqual([]);
    expect(student.messages().some((m) => /covers the whole price|Payment received/.test(m.text ?? ''))).toBe(false);
    expect(askedToConsent(student)).toBe(true);
  });

  it('a promo code sent after the offer changed grants nothing until it is accepted again', async () => {
    const student = p.student(newStudent());
    await student.send('/start');
    await student.press(`t:${slug}:BASIC`);
    await student.press(`b:${slug}:BASIC`);
    await student.press(`ok:${slug}:BASIC`);
    await student.press(`pr:${slug}:BASIC`);
    await withdraw(student);
    await student.send('allfree');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await ordersOf(student)).toEqual([]);
    expect(askedToConsent(student)).toBe(true);
  });

  it('an e-mail sent after the offer changed makes no order', async () => {
    const student = p.student(newStudent());
    await student.send('/start');
    await student.press(`t:${slug}:BASIC`);
    await student.press(`b:${slug}:BASIC`);
    await student.press(`ok:${slug}:BASIC`);
    await student.press(`p:${slug}:BASIC:yookassa`);
    await student.waitForText(/send your e-mail/);
    await withdraw(student);
    await student.send('kai@example.com');
    expect(await ordersOf(student)).toEqual([]);
    expect(askedToConsent(student)).toBe(true);
  });

  it('an upgrade by a hand-made button needs the current consent too', async () => {
    const student = p.student(newStudent());
    await student.send('/start');
    await student.press(`t:${slug}:BASIC`);
    await student.press(`b:${slug}:BASIC`);
    await student.press(`ok:${slug}:BASIC`);
    await student.press(`p:${slug}:BASIC:mock`);
    const link = await student.waitForText(/Tap the button to pay/);
    expect((await fetch(`${payUrl(link)}/pay`, { method: 'POST' })).status).toBe(200);
    await student.waitForText(/Payment received/);
    await withdraw(student);
    await student.pressRaw(`p:${slug}:PREMIUM:mock`);
    expect((await ordersOf(student)).filter((o) => o.tariff === 'PREMIUM')).toEqual([]);
    await student.pressRaw(`b:${slug}:PREMIUM`);
    expect((await ordersOf(student)).filter((o) => o.tariff === 'PREMIUM')).toEqual([]);
    expect(askedToConsent(student)).toBe(true);
    await p.temporal.enrollments.handle({ userId: await userIdOf(student), courseSlug: slug }).terminate('test done');
  });

  it('a Telegram Stars pre-checkout is declined when the offer changed after the invoice', async () => {
    const student = p.student(newStudent());
    await student.send('/start');
    await student.press(`t:${slug}:BASIC`);
    await student.press(`b:${slug}:BASIC`);
    await student.press(`ok:${slug}:BASIC`);
    await student.press(`p:${slug}:BASIC:stars`);
    const invoice = await p.telegram.waitFor(() => student.messages().find((m) => m.kind === 'invoice'));
    await withdraw(student);
    const paid = await p.telegram.payInvoice({
      botToken: p.salesToken,
      from: student.user,
      invoice: { currency: 'XTR', totalAmount: 250, payload: invoice.invoice!.payload },
    });
    expect(paid.ok).toBe(false);
  });

  it('forged buttons for a course this bot does not sell (SALES_COURSE) change nothing', async () => {
    const student = p.student(newStudent());
    await student.send('/start');
    for (const data of [
      `b:${otherSlug}:BASIC`,
      `ok:${otherSlug}:BASIC`,
      `pr:${otherSlug}:BASIC`,
      `p:${otherSlug}:BASIC:mock`,
    ]) {
      const answer = await student.pressRaw(data);
      expect(answer.text ?? '', data).toMatch(/out of date/);
    }
    // Consent given for the course it does sell does not open the other one either.
    await student.press(`t:${slug}:BASIC`);
    await student.press(`b:${slug}:BASIC`);
    await student.press(`ok:${slug}:BASIC`);
    const answer = await student.pressRaw(`p:${otherSlug}:BASIC:mock`);
    expect(answer.text ?? '').toMatch(/out of date/);
    const [other] = await p.db.sql<{ id: number }[]>`select id from courses where slug = ${otherSlug}`;
    expect((await ordersOf(student)).filter((o) => o.courseId === other!.id)).toEqual([]);
  });

  it('with consent, the same steps work', async () => {
    const student = p.student(newStudent());
    await student.send('/start');
    await student.press(`t:${slug}:BASIC`);
    await student.press(`b:${slug}:BASIC`);
    await student.press(`ok:${slug}:BASIC`);
    expect((await consentsOf(student)).map((c) => c.document).sort()).toEqual(['offer', 'privacy']);
    await student.press(`pr:${slug}:BASIC`);
    await student.send('allfree');
    await student.waitForText(/Payment received/);
    await p.temporal.enrollments.handle({ userId: await userIdOf(student), courseSlug: slug }).terminate('test done');
  });
});

function payUrl(message: { replyMarkup?: unknown }): string {
  return (message.replyMarkup as { inline_keyboard: { url: string }[][] }).inline_keyboard[0]![0]!.url;
}
