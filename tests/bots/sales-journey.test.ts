import type { AddressInfo } from 'node:net';
import { Api } from 'grammy';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { progressQuery } from '../../journey/definitions';
import { salesMessagesFor } from '../../locales/sales';
import { insertCourse, insertUser } from '../helpers/fixtures';
import { eventually } from '../helpers/platform';
import { MOCK_SECRET, STRIPE_WEBHOOK_SECRET, startSalesPlatform } from '../helpers/sales';
import type { SalesPlatform } from '../helpers/sales';
import { signMockWebhook } from '../../payments/mock';
import { createHttpApp } from '../../server/app';

const GROUP = -100_500;
let nextId = 910_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
const newStudent = (language_code = 'en') => ({ id: nextId++, first_name: 'Lin', language_code });

describe('sales bot: from /start to paid access', () => {
  let p: SalesPlatform;
  let slug: string;
  beforeAll(async () => {
    slug = `sales-${Math.random().toString(36).slice(2, 8)}`;
    p = await startSalesPlatform({ courseSlug: slug });
    await insertCourse(p.db.sql, {
      slug,
      intervalMs: 60_000,
      lessons: [{ day: 1 }, { day: 2 }],
      groups: { FEEDBACK: [GROUP] },
    });
    await p.db.sql`update courses set onboarding_wait_ms = 60000 where slug = ${slug}`;
    await p.db.sql`update course_tariffs set price_stars = 250 where tariff = 'FEEDBACK'`;
  });
  afterAll(async () => p?.close());
  // A handler that threw is a bug even when the test's own assertions passed.
  afterEach(() => expect(p.botLog.filter((line) => /update \d+ failed/.test(line))).toEqual([]));

  it('walks a referred student through tariff, consent, mock payment, access, group, onboarding and lesson 1', async () => {
    const student = p.student(newStudent());
    await student.send('/start partner7');
    const card = await student.waitForText(/Choose a tariff/);
    expect(JSON.stringify(card.replyMarkup)).toContain(`t:${slug}:FEEDBACK`);

    await student.press(`t:${slug}:FEEDBACK`);
    await student.press(`b:${slug}:FEEDBACK`);
    await student.waitForText(/public offer/);
    await student.press(`ok:${slug}:FEEDBACK`);
    const choice = await student.waitForText(/To pay: 49.00 USD/);
    expect(JSON.stringify(choice.replyMarkup)).toContain(`p:${slug}:FEEDBACK:mock`);
    await student.press(`p:${slug}:FEEDBACK:mock`);
    const payLink = await student.waitForText(/Tap the button to pay/);
    const url = (payLink.replyMarkup as { inline_keyboard: { url: string }[][] }).inline_keyboard[0]![0]!.url;
    expect(url).toMatch(/\/mock-checkout\//);

    // The student pays on the provider's page; its webhook reaches the journey.
    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(`${url}/pay`, { method: 'POST' })).status).toBe(200);
    const welcome = await student.waitForText(/Payment received/);
    expect(JSON.stringify(welcome.replyMarkup)).toContain(`sched:${slug}:09:00`);
    const invite = await student.waitForText(/private group/);
    const link = /https:\/\/t\.me\/\+\S+/.exec(invite.text!)![0];
    expect(p.telegram.joinViaLink({ from: student.user, link })).toBe('joined');
    // Used once, then revoked: the link is worthless to anyone it is forwarded to.
    await p.telegram.waitFor(() =>
      p.telegram.inviteLinks(GROUP).find((i) => i.link === link)?.revoked ? true : undefined,
    );
    expect(p.telegram.joinViaLink({ from: newStudent(), link })).toBe('revoked');

    // Onboarding: the lesson time is chosen, then the course begins.
    const [user] = await p.db.sql<{ id: number }[]>`select id from users where telegram_id = ${student.user.id}`;
    const handle = p.temporal.enrollments.handle({ userId: user!.id, courseSlug: slug });
    expect((await handle.query(progressQuery)).lessonsDelivered).toEqual([]);
    await student.press(`sched:${slug}:09:00`);
    await p.telegram.waitFor(() => p.telegram.sent(student.user.id).find((m) => m.text?.includes('Day 1.')));
    const progress = await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.lessonsDelivered.length > 0,
    );
    expect(progress).toMatchObject({ stage: 'active', tariff: 'FEEDBACK', lessonsDelivered: [1] });

    const [referral] = await p.db.sql`select partner_id from referrals where referred_user_id = ${user!.id}`;
    expect(referral?.partnerId).toBe('partner7');
    const consents = await p.db.sql`select document from consents where user_id = ${user!.id} order by document`;
    expect(consents.map((c) => c.document)).toEqual(['offer', 'privacy']);
    const [order] = await p.db.sql`select status, amount_minor from orders where user_id = ${user!.id}`;
    expect(order).toMatchObject({ status: 'paid', amountMinor: 4900 });
    const [saved] = await p.db.sql`select time_zone, preferred_lesson_time::text from users where id = ${user!.id}`;
    expect(saved).toMatchObject({ timeZone: 'Europe/London', preferredLessonTime: '09:00:00' });
    await handle.terminate('test done');
  });

  it('reports readiness of Postgres and Temporal, naming a dependency that fails', async () => {
    const ready = await fetch(`${p.httpUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, checks: { postgres: 'ok', temporal: 'ok' } });
    const app = createHttpApp({
      readiness: {
        postgres: () => Promise.reject(new Error('connection refused: password=secret')),
        temporal: async () => true,
      },
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`);
    expect(answer.status).toBe(503);
    const body = await answer.text();
    expect(JSON.parse(body)).toEqual({ ok: false, checks: { postgres: 'failing', temporal: 'ok' } });
    expect(body).not.toContain('secret');
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses forged, malformed, oversized and duplicate webhooks, and changes nothing', async () => {
    const { userId } = await insertUser(p.db.sql);
    const quote = await p.orders.quote({ userId, courseSlug: slug, tariff: 'BASIC' });
    const order = await p.orders.create({ userId, courseSlug: slug, quote, provider: 'mock' });
    const genuine = p.mock.webhookFor(order);

    const forged = await p.postWebhook('mock', genuine.body, {
      'x-mock-signature': signMockWebhook('not-the-secret', genuine.body),
    });
    expect(forged.status).toBe(401);
    expect((await p.postWebhook('mock', genuine.body)).status).toBe(401);
    const tampered = genuine.body.replace('"amountMinor":1900', '"amountMinor":1');
    expect(
      (await p.postWebhook('mock', tampered, { 'x-mock-signature': genuine.headers['x-mock-signature']! })).status,
    ).toBe(401);
    const notJson = 'not json';
    expect(
      (await p.postWebhook('mock', notJson, { 'x-mock-signature': signMockWebhook(MOCK_SECRET, notJson) })).status,
    ).toBe(400);
    expect((await p.postWebhook('mock', Buffer.alloc(200_000, 'x'))).status).toBe(413);
    expect((await p.postWebhook('nonesuch', genuine.body)).status).toBe(404);
    expect((await p.orders.find(order.publicId))?.status).toBe('pending');

    const first = await p.postWebhook('mock', genuine.body, genuine.headers);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ ok: true, outcome: 'accepted' });
    const again = await p.postWebhook('mock', genuine.body, genuine.headers);
    expect(await again.json()).toEqual({ ok: true, outcome: 'duplicate' });
    const handle = p.temporal.enrollments.handle({ userId, courseSlug: slug });
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.payments.length === 1 && pr.stage === 'active',
    );
    const payments = await p.db
      .sql`select provider_payment_id from payments p join enrollments e on e.id = p.enrollment_id where e.user_id = ${userId}`;
    expect(payments).toHaveLength(1);

    // Paid twice for one order: the running journey records the second payment (for a refund)...
    const twice = p.mock.webhookFor(order, 'payment.succeeded', 'mock-second-charge');
    expect(await (await p.postWebhook('mock', twice.body, twice.headers)).json()).toEqual({
      ok: true,
      outcome: 'accepted',
    });
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.payments.length === 2,
    );
    // ...and an ended journey is never started again for a third.
    await handle.terminate('test done');
    const thrice = p.mock.webhookFor(order, 'payment.succeeded', 'mock-third-charge');
    expect(await (await p.postWebhook('mock', thrice.body, thrice.headers)).json()).toEqual({
      ok: true,
      outcome: 'extra-payment',
    });
    expect((await handle.describe()).status.name).toBe('TERMINATED');
  });

  it('keeps the first referral, ignores self-referral, and answers tampered buttons politely', async () => {
    const student = p.student(newStudent());
    await student.send(`/start ${student.user.id}`);
    await student.send('/start first-partner');
    await student.send('/start second-partner');
    const [row] = await p.db
      .sql`select r.partner_id from referrals r join users u on u.id = r.referred_user_id where u.telegram_id = ${student.user.id}`;
    expect(row?.partnerId).toBe('first-partner');

    const ordersBefore = await p.db.sql`select count(*)::int as n from orders`;
    for (const data of [
      `b:${slug}:GOLD`,
      `b:other-course:BASIC`,
      `p:${slug}:BASIC:bitcoin`,
      'sched:nope:25:00',
      'garbage',
    ]) {
      const answer = await student.pressRaw(data);
      expect(answer.text, data).toBe(salesMessagesFor('en').stale());
    }
    const ordersAfter = await p.db.sql`select count(*)::int as n from orders`;
    expect(ordersAfter[0]!.n).toBe(ordersBefore[0]!.n);
  });

  it('sells for Telegram Stars and takes access back on a refund', async () => {
    const student = p.student(newStudent());
    await student.send('/start');
    await student.press(`t:${slug}:FEEDBACK`);
    await student.press(`b:${slug}:FEEDBACK`);
    await student.press(`ok:${slug}:FEEDBACK`);
    await student.press(`p:${slug}:FEEDBACK:stars`);
    const invoice = await p.telegram.waitFor(() => student.messages().find((m) => m.kind === 'invoice'));
    const payload = invoice.invoice!.payload;
    expect(invoice.invoice).toMatchObject({ currency: 'XTR', totalAmount: 250 });
    // A client that tampers with the amount is declined at pre-checkout: no money moves.
    const tampered = await p.telegram.payInvoice({
      botToken: p.salesToken,
      from: student.user,
      invoice: { currency: 'XTR', totalAmount: 1, payload },
    });
    expect(tampered).toEqual({ ok: false, error: salesMessagesFor('en').paymentNotAccepted() });
    const paid = await p.telegram.payInvoice({
      botToken: p.salesToken,
      from: student.user,
      invoice: { currency: 'XTR', totalAmount: 250, payload },
    });
    expect(paid.ok).toBe(true);
    const invite = await student.waitForText(/private group/);
    const link = /https:\/\/t\.me\/\+\S+/.exec(invite.text!)![0];
    expect(p.telegram.joinViaLink({ from: student.user, link })).toBe('joined');

    const chargeId = paid.ok ? paid.chargeId : '';
    p.telegram.sendUserMessage({
      botToken: p.salesToken,
      from: { id: 1, first_name: 'Admin' },
      chatId: p.adminChatId,
      text: `/refund ${chargeId}`,
    });
    await p.telegram.waitFor(() => p.telegram.sent(p.adminChatId).find((m) => m.text?.startsWith('Refunded 250')));
    expect(p.telegram.refunded(chargeId)).toBe(true);
    const [user] = await p.db.sql<{ id: number }[]>`select id from users where telegram_id = ${student.user.id}`;
    const result = await p.temporal.enrollments.handle({ userId: user!.id, courseSlug: slug }).result();
    expect(result.stage).toBe('refunded');
    expect(p.telegram.memberStatus(GROUP, student.user.id)).toBe('left');
    expect(p.telegram.calls('banChatMember').some((c) => Number(c.params.user_id) === student.user.id)).toBe(true);
    await student.waitForText(/refunded/);
  });

  it('answers /terms, /paysupport and unknown commands, and survives a student who blocked the bot', async () => {
    const student = p.student(newStudent('ru'));
    await student.send('/terms');
    await student.waitForText(/Публичная оферта/);
    await student.send('/paysupport');
    await student.waitForText(/support@example.com/);
    await student.send('/frobnicate');
    await student.waitForText(/не знаю такой команды/);

    p.telegram.blockUser(student.user.id, p.salesToken);
    await student.send('/start');
    expect(
      p.telegram.calls('sendMessage').some((c) => Number(c.params.chat_id) === student.user.id && c.errorCode === 403),
    ).toBe(true);
    p.telegram.unblockUser(student.user.id, p.salesToken);
    await student.send('/start');
    await student.waitForText(/Выберите тариф/);
  });

  it('routes a question to the admin chat and the admin’s reply back', async () => {
    const student = p.student(newStudent());
    await student.send('/support');
    // A command while the bot waits for the question runs as a command; it is not the question.
    await student.send('/paysupport');
    await student.waitForText(/support@example.com/);
    await student.send('Can I pay later?');
    const copied = await p.telegram.waitFor(() =>
      p.telegram.sent(p.adminChatId).find((m) => m.text === 'Can I pay later?'),
    );
    expect(p.telegram.sent(p.adminChatId).filter((m) => m.text === '/paysupport')).toEqual([]);
    p.telegram.sendUserMessage({
      botToken: p.salesToken,
      from: { id: 2, first_name: 'Curator' },
      chatId: p.adminChatId,
      text: 'Yes, within 3 days.',
      replyToMessageId: copied.messageId,
    });
    await student.waitForText(/Answer from the team/);
    await student.waitForText(/Yes, within 3 days/);
  });

  it('applies promo codes: a 100% code grants access without payment; expired and used-up codes are refused', async () => {
    await p.db.sql`insert into promo_codes (code, percent_off) values ('FREEDAY', 100)`;
    await p.db
      .sql`insert into promo_codes (code, percent_off, expires_at) values ('OLDNEWS', 50, now() - interval '1 day')`;
    await p.db
      .sql`insert into promo_codes (code, amount_off_minor, currency, max_uses, uses) values ('GONE', 500, 'USD', 1, 1)`;
    const student = p.student(newStudent());
    await student.send('/start');
    await student.press(`t:${slug}:BASIC`);
    await student.press(`b:${slug}:BASIC`);
    await student.press(`ok:${slug}:BASIC`);
    for (const [code, answer] of [
      ['oldnews', /expired/],
      ['GONE', /used up/],
      ['NOPE', /no such promo/],
    ] as const) {
      await student.press(`pr:${slug}:BASIC`);
      await student.send(code);
      await student.waitForText(answer);
    }
    await student.press(`pr:${slug}:BASIC`);
    await student.send('freeday');
    await student.waitForText(/covers the whole price/);
    await student.waitForText(/Payment received/);
    const [redeemed] = await p.db.sql`select uses from promo_codes where code = 'FREEDAY'`;
    expect(redeemed?.uses).toBe(1);
  });

  it('charges only the difference for an upgrade and opens the new tariff', async () => {
    const student = p.student(newStudent());
    await student.send('/start');
    await payWithMock(student, 'BASIC', /To pay: 19.00 USD/);
    await student.waitForText(/Payment received/);
    await student.press(`sched:${slug}:now`);
    await student.send('/start');
    await student.press(`t:${slug}:PREMIUM`);
    await student.press(`b:${slug}:PREMIUM`);
    const offer = await student.waitForText(/To pay: 80.00 USD \(upgrade from BASIC/);
    expect(JSON.stringify(offer.replyMarkup)).not.toContain('pr:');
    await student.press(`p:${slug}:PREMIUM:mock`);
    const url = payUrl(await student.waitForText(/Tap the button to pay/, 2));
    expect((await fetch(`${url}/pay`, { method: 'POST' })).status).toBe(200);
    await student.waitForText(/Your tariff is now PREMIUM/);
    const [user] = await p.db.sql<{ id: number }[]>`select id from users where telegram_id = ${student.user.id}`;
    const progress = await p.temporal.enrollments.handle({ userId: user!.id, courseSlug: slug }).query(progressQuery);
    expect(progress.tariff).toBe('PREMIUM');
    expect(progress.payments.map((x) => x.status)).toEqual(['accepted', 'accepted']);
    // Downgrades are not sold.
    await student.send('/start');
    await student.press(`t:${slug}:FEEDBACK`);
    await student.press(`b:${slug}:FEEDBACK`);
    await student.waitForText(/already have this tariff/);
  });

  it('approves a join request only from a buyer of a tariff with that group', async () => {
    const buyer = p.student(newStudent());
    await buyer.send('/start');
    await payWithMock(buyer, 'FEEDBACK', /To pay: 49.00 USD/);
    await buyer.waitForText(/Payment received/);
    const requestLink = (
      await new Api(p.salesToken, { apiRoot: p.telegram.apiRoot }).createChatInviteLink(GROUP, {
        creates_join_request: true,
      })
    ).invite_link;
    const stranger = newStudent();
    expect(p.telegram.joinViaLink({ from: buyer.user, link: requestLink })).toBe('requested');
    expect(p.telegram.joinViaLink({ from: stranger, link: requestLink })).toBe('requested');
    await p.telegram.waitUntilHandled(p.salesToken);
    expect(p.telegram.memberStatus(GROUP, buyer.user.id)).toBe('member');
    expect(p.telegram.memberStatus(GROUP, stranger.id)).toBe('left');
    expect(p.telegram.calls('declineChatJoinRequest').map((c) => Number(c.params.user_id))).toContain(stranger.id);
  });

  it('pays through Stripe Checkout: only a correctly signed event grants access', async () => {
    const student = p.student(newStudent());
    await student.send('/start');
    await choose(student, 'BASIC', 'stripe');
    const url = payUrl(await student.waitForText(/Tap the button to pay/));
    const sessionId = url.split('/').at(-1)!;
    expect(p.stripe.sessions.get(sessionId)).toMatchObject({ amount_total: 1900, currency: 'usd' });
    const forged = p.stripe.completedEvent(sessionId, 'whsec_forger');
    expect((await p.postWebhook('stripe', forged.body, forged.headers)).status).toBe(401);
    const paid = p.stripe.completedEvent(sessionId, STRIPE_WEBHOOK_SECRET);
    const answer = await p.postWebhook('stripe', paid.body, paid.headers);
    expect(await answer.json()).toEqual({ ok: true, outcome: 'accepted' });
    await student.waitForText(/Payment received/);
    // Stripe retries deliveries: the same event again grants nothing twice.
    expect(await (await p.postWebhook('stripe', paid.body, paid.headers)).json()).toEqual({
      ok: true,
      outcome: 'duplicate',
    });
    expect(student.messages().filter((m) => /Payment received/.test(m.text ?? ''))).toHaveLength(1);
  });

  it('pays through YooKassa: asks for a receipt e-mail, re-checks every notification with the API', async () => {
    const student = p.student(newStudent());
    await student.send('/start');
    await choose(student, 'BASIC', 'yookassa');
    await student.waitForText(/send your e-mail/);
    await student.send('not an email');
    await student.waitForText(/doesn't look like an e-mail/);
    await student.send('lin@example.com');
    await student.waitForText(/Tap the button to pay/);
    const payment = [...p.yookassa.payments.values()].at(-1)!;
    expect(payment).toMatchObject({
      amount: { value: '19.00', currency: 'USD' },
      receipt: { customer: { email: 'lin@example.com' } },
    });

    // Unsigned notifications: a claim about an unknown payment is refused, one about an unpaid payment ignored.
    expect(
      (await p.postWebhook('yookassa', p.yookassa.notification('payment.succeeded', { id: 'forged-id' }))).status,
    ).toBe(401);
    const early = await p.postWebhook('yookassa', p.yookassa.notification('payment.succeeded', { id: payment.id }));
    expect(await early.json()).toEqual({ ok: true, outcome: 'ignored' });
    p.yookassa.markSucceeded(payment.id);
    p.yookassa.failNext(503);
    expect(
      (await p.postWebhook('yookassa', p.yookassa.notification('payment.succeeded', { id: payment.id }))).status,
    ).toBe(503);
    const retried = await p.postWebhook('yookassa', p.yookassa.notification('payment.succeeded', { id: payment.id }));
    expect(await retried.json()).toEqual({ ok: true, outcome: 'accepted' });
    await student.waitForText(/Payment received/);
  });

  async function choose(student: ReturnType<SalesPlatform['student']>, tariff: string, provider: string) {
    await student.press(`t:${slug}:${tariff}`);
    await student.press(`b:${slug}:${tariff}`);
    if (student.messages().some((m) => JSON.stringify(m.replyMarkup ?? {}).includes(`ok:${slug}:${tariff}`))) {
      await student.press(`ok:${slug}:${tariff}`);
    }
    await student.press(`p:${slug}:${tariff}:${provider}`);
  }

  /** Buy → consent (first time) → mock provider: returns once the pay link is there, and pays. */
  async function payWithMock(student: ReturnType<SalesPlatform['student']>, tariff: string, price: RegExp) {
    await student.press(`t:${slug}:${tariff}`);
    await student.press(`b:${slug}:${tariff}`);
    if (
      student
        .messages()
        .some(
          (m) => /public offer/.test(m.text ?? '') && JSON.stringify(m.replyMarkup).includes(`ok:${slug}:${tariff}`),
        )
    ) {
      await student.press(`ok:${slug}:${tariff}`);
    }
    await student.waitForText(price);
    await student.press(`p:${slug}:${tariff}:mock`);
    const url = payUrl(await student.waitForText(/Tap the button to pay/));
    expect((await fetch(`${url}/pay`, { method: 'POST' })).status).toBe(200);
  }
});

function payUrl(message: { replyMarkup?: unknown }): string {
  return (message.replyMarkup as { inline_keyboard: { url: string }[][] }).inline_keyboard[0]![0]!.url;
}
