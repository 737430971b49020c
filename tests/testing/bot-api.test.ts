import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Api, Bot, GrammyError, InlineKeyboard, webhookCallback } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { startBotApiStandIn } from '../../testing/bot-api';
import type { BotApiStandIn } from '../../testing/bot-api';

const TOKEN = '4242:stand-in-test';
const student = { id: 5001, first_name: 'Ada', language_code: 'en' };

describe('Bot API stand-in, driven by real grammY over HTTP', () => {
  let telegram: BotApiStandIn;
  const stops: (() => unknown)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    await telegram?.stop();
  });

  async function pollingBot(setup: (bot: Bot) => void): Promise<Bot> {
    const bot = new Bot(TOKEN, { client: { apiRoot: telegram.apiRoot } });
    setup(bot);
    bot.catch((err) => {
      throw err.error;
    });
    void bot.start({ timeout: 1 });
    stops.push(() => bot.stop());
    return bot;
  }

  it('delivers a /start deep link to a long-polling bot and records the reply', async () => {
    telegram = await startBotApiStandIn({ port: 0 });
    await pollingBot((bot) =>
      bot.command('start', (ctx) => ctx.reply(`Hello <b>${ctx.match}</b>`, { parse_mode: 'HTML' })),
    );
    telegram.sendUserMessage({ botToken: TOKEN, from: student, text: '/start partner42' });
    const [reply] = await telegram.waitForMessages(student.id, 1);
    expect(reply).toMatchObject({
      kind: 'text',
      text: 'Hello partner42',
      rawText: 'Hello <b>partner42</b>',
      botId: 4242,
    });
  });

  it('delivers button presses and records the callback answer', async () => {
    telegram = await startBotApiStandIn({ port: 0 });
    await pollingBot((bot) => {
      bot.command('menu', (ctx) =>
        ctx.reply('Pick one', { reply_markup: new InlineKeyboard().text('Basic', 'tariff:BASIC') }),
      );
      bot.callbackQuery(/^tariff:/, (ctx) => ctx.answerCallbackQuery({ text: `You chose ${ctx.callbackQuery.data}` }));
    });
    telegram.sendUserMessage({ botToken: TOKEN, from: student, text: '/menu' });
    const [menu] = await telegram.waitForMessages(student.id, 1);
    expect(menu?.replyMarkup).toEqual({ inline_keyboard: [[{ text: 'Basic', callback_data: 'tariff:BASIC' }]] });
    const queryId = telegram.pressButton({
      botToken: TOKEN,
      from: student,
      messageId: menu!.messageId,
      data: 'tariff:BASIC',
    });
    const answer = await telegram.waitFor(() => telegram.callbackAnswer(queryId));
    expect(answer.text).toBe('You chose tariff:BASIC');
  });

  it('long-polls for real: waits for the timeout when idle, wakes at once for an update', async () => {
    telegram = await startBotApiStandIn({ port: 0 });
    const api = new Api(TOKEN, { apiRoot: telegram.apiRoot });
    let started = Date.now();
    expect(await api.getUpdates({ timeout: 1 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    started = Date.now();
    const waiting = api.getUpdates({ timeout: 10 });
    setTimeout(() => telegram.sendUserMessage({ botToken: TOKEN, from: student, text: 'hi' }), 200);
    const updates = await waiting;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(updates[0]?.message?.text).toBe('hi');
    // Confirmed by the next offset, never delivered twice.
    expect(await api.getUpdates({ offset: updates[0]!.update_id + 1, timeout: 0 })).toEqual([]);
  });

  it('answers like Telegram: 403 for a blocked user, 429 with retry_after, 400 for bad HTML, 404 for unknown methods', async () => {
    telegram = await startBotApiStandIn({ port: 0, rateLimits: false });
    const api = new Api(TOKEN, { apiRoot: telegram.apiRoot });
    telegram.blockUser(student.id);
    const blocked = await api.sendMessage(student.id, 'hi').catch((err: unknown) => err);
    expect(blocked).toBeInstanceOf(GrammyError);
    expect(blocked).toMatchObject({ error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    telegram.unblockUser(student.id);

    telegram.failNext({ method: 'sendMessage', chatId: student.id, errorCode: 429, retryAfter: 7 });
    const limited = await api.sendMessage(student.id, 'hi').catch((err: unknown) => err);
    expect(limited).toMatchObject({ error_code: 429, parameters: { retry_after: 7 } });
    expect((await api.sendMessage(student.id, 'now it works')).text).toBe('now it works');

    const broken = await api
      .sendMessage(student.id, 'a <tag> too far', { parse_mode: 'HTML' })
      .catch((err: unknown) => err);
    expect(broken).toMatchObject({ error_code: 400 });
    expect((broken as GrammyError).description).toContain("can't parse entities");
    await expect(api.sendMessage(student.id, 'x'.repeat(4097))).rejects.toMatchObject({ error_code: 400 });
    await expect(api.raw.getMe()).resolves.toMatchObject({ id: 4242, is_bot: true });
    const unknown = await fetch(`${telegram.apiRoot}/bot${TOKEN}/sendTelepathy`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found: method not found' });
    expect((await fetch(`${telegram.apiRoot}/botnot-a-token/getMe`)).status).toBe(401);
    expect(telegram.calls('sendMessage').map((c) => c.errorCode)).toEqual([403, 429, undefined, 400, 400]);
  });

  it('enforces flood limits: a second quick message to a chat beyond the burst gets 429', async () => {
    telegram = await startBotApiStandIn({ port: 0, rateLimits: { chatBurst: 1 } });
    const api = new Api(TOKEN, { apiRoot: telegram.apiRoot });
    await api.sendMessage(student.id, 'one');
    const second = await api.sendMessage(student.id, 'two').catch((err: unknown) => err);
    expect(second).toMatchObject({ error_code: 429, parameters: { retry_after: 1 } });
    // Other chats are not affected by one chat's limit.
    await expect(api.sendMessage(student.id + 1, 'other chat')).resolves.toBeDefined();
    telegram.reset();
    await expect(api.sendMessage(student.id, 'after reset')).resolves.toBeDefined();
  });

  it('sends albums and keeps file ids per bot', async () => {
    telegram = await startBotApiStandIn({ port: 0, rateLimits: false });
    const api = new Api(TOKEN, { apiRoot: telegram.apiRoot });
    const album = await api.sendMediaGroup(student.id, [
      { type: 'photo', media: 'https://example.com/a.png', caption: 'First' },
      { type: 'photo', media: 'https://example.com/b.png' },
    ]);
    expect(album).toHaveLength(2);
    const [first, second] = album as { media_group_id?: string; photo?: { file_id: string }[] }[];
    expect(first?.media_group_id).toBeDefined();
    expect(first?.media_group_id).toBe(second?.media_group_id);
    const fileId = first!.photo!.at(-1)!.file_id;
    await expect(api.sendPhoto(student.id, fileId)).resolves.toBeDefined();
    const otherBot = new Api('777:other-bot', { apiRoot: telegram.apiRoot });
    await expect(otherBot.sendPhoto(student.id, fileId)).rejects.toMatchObject({ error_code: 400 });
    expect(telegram.sent(student.id).map((m) => m.kind)).toEqual(['photo', 'photo', 'photo']);
  });

  it('delivers updates to a webhook with the secret token, and refuses getUpdates meanwhile', async () => {
    telegram = await startBotApiStandIn({ port: 0 });
    const bot = new Bot(TOKEN, { client: { apiRoot: telegram.apiRoot } });
    bot.on('message:text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    const handle = webhookCallback(bot, 'http', { secretToken: 'shh-secret' });
    const secrets: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      secrets.push(req.headers['x-telegram-bot-api-secret-token'] as string | undefined);
      void handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise((resolve) => server.close(resolve).closeAllConnections()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    await bot.api.setWebhook(url, { secret_token: 'shh-secret' });
    await expect(bot.api.getUpdates()).rejects.toMatchObject({ error_code: 409 });

    telegram.sendUserMessage({ botToken: TOKEN, from: student, text: 'ping' });
    const [reply] = await telegram.waitForMessages(student.id, 1);
    expect(reply?.text).toBe('echo: ping');
    expect(secrets).toEqual(['shh-secret']);
  });

  it('takes a Stars payment: pre-checkout answered, then successful_payment, then a refund', async () => {
    telegram = await startBotApiStandIn({ port: 0 });
    const payments: string[] = [];
    await pollingBot((bot) => {
      bot.on('pre_checkout_query', (ctx) =>
        ctx.preCheckoutQuery.invoice_payload === 'order-1'
          ? ctx.answerPreCheckoutQuery(true)
          : ctx.answerPreCheckoutQuery(false, { error_message: 'Unknown order' }),
      );
      bot.on(
        'message:successful_payment',
        (ctx) => void payments.push(ctx.message.successful_payment.telegram_payment_charge_id),
      );
    });
    const api = new Api(TOKEN, { apiRoot: telegram.apiRoot });
    await api.sendInvoice(student.id, 'Course', 'FEEDBACK tariff', 'order-1', 'XTR', [
      { label: 'FEEDBACK', amount: 250 },
    ]);
    expect(telegram.sent(student.id)[0]?.kind).toBe('invoice');

    const paid = await telegram.payInvoice({
      botToken: TOKEN,
      from: student,
      invoice: { currency: 'XTR', totalAmount: 250, payload: 'order-1' },
    });
    expect(paid.ok).toBe(true);
    const chargeId = paid.ok ? paid.chargeId : '';
    await telegram.waitFor(() => (payments.length > 0 ? payments : undefined));
    expect(payments).toEqual([chargeId]);
    await api.refundStarPayment(student.id, chargeId);
    expect(telegram.refunded(chargeId)).toBe(true);
    await expect(api.refundStarPayment(student.id, chargeId)).rejects.toMatchObject({
      description: 'Bad Request: CHARGE_ALREADY_REFUNDED',
    });

    const declined = await telegram.payInvoice({
      botToken: TOKEN,
      from: student,
      invoice: { currency: 'XTR', totalAmount: 1, payload: 'forged' },
    });
    expect(declined).toEqual({ ok: false, error: 'Unknown order' });
  });

  it('lets one person through a one-time invite link, and not after revocation', async () => {
    telegram = await startBotApiStandIn({ port: 0 });
    const api = new Api(TOKEN, { apiRoot: telegram.apiRoot });
    const group = -100_123;
    const invite = await api.createChatInviteLink(group, {
      member_limit: 1,
      expire_date: Math.floor(Date.now() / 1000) + 60,
    });
    expect(telegram.joinViaLink({ from: student, link: invite.invite_link })).toBe('joined');
    expect(telegram.memberStatus(group, student.id)).toBe('member');
    expect(telegram.joinViaLink({ from: { id: 6002, first_name: 'Eve' }, link: invite.invite_link })).toBe('full');

    const second = await api.createChatInviteLink(group, { member_limit: 1 });
    await api.revokeChatInviteLink(group, second.invite_link);
    expect(telegram.joinViaLink({ from: { id: 6003, first_name: 'Bob' }, link: second.invite_link })).toBe('revoked');

    await api.banChatMember(group, student.id);
    await api.unbanChatMember(group, student.id);
    expect(telegram.memberStatus(group, student.id)).toBe('left');
  });
});
