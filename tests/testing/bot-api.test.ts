import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Api, Bot, GrammyError, InlineKeyboard, InputFile, webhookCallback } from 'grammy';
import type { Message } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { startBotApiStandIn } from '../../testing/bot-api';
import type { BotApiStandIn, BotApiStandInOptions } from '../../testing/bot-api';

const TOKEN = '4242:stand-in-test';
const OTHER_TOKEN = '777:other-bot';
const student = { id: 5001, first_name: 'Ada', language_code: 'en' };
const GROUP = -100_123;

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: unknown) => err as GrammyError,
  );

describe('Bot API stand-in, driven by real grammY over HTTP', () => {
  let telegram: BotApiStandIn | undefined;
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await telegram?.stop();
    telegram = undefined;
  });

  async function standIn(options: BotApiStandInOptions = { rateLimits: false }) {
    telegram = await startBotApiStandIn({ port: 0, ...options });
    return { telegram, api: new Api(TOKEN, { apiRoot: telegram.apiRoot }) };
  }

  /** A long-polling grammY bot whose handler errors fail the test. */
  function pollingBot(t: BotApiStandIn, setup: (bot: Bot) => void): Bot {
    const bot = new Bot(TOKEN, { client: { apiRoot: t.apiRoot } });
    setup(bot);
    bot.catch((err) => {
      throw err.error;
    });
    void bot.start({ timeout: 1 });
    cleanups.push(() => bot.stop());
    return bot;
  }

  it('delivers a /start deep link to a long-polling bot and records the reply', async () => {
    const { telegram } = await standIn();
    pollingBot(telegram, (bot) =>
      bot.command('start', (ctx) =>
        ctx.reply(`Hello <b>${ctx.match}</b>`, { parse_mode: 'HTML', protect_content: true }),
      ),
    );
    const sent = telegram.sendUserMessage({ botToken: TOKEN, from: student, text: '/start partner42' });
    expect(sent.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
    const [reply] = await telegram.waitForMessages(student.id, 1);
    expect(reply).toMatchObject({
      botId: 4242,
      method: 'sendMessage',
      kind: 'text',
      text: 'Hello partner42',
      rawText: 'Hello <b>partner42</b>',
      protectContent: true,
      // The user's /start was message 1 of this private chat.
      messageId: 2,
    });
  });

  it('delivers button presses, records the answer and reflects edits', async () => {
    const { telegram } = await standIn();
    pollingBot(telegram, (bot) => {
      bot.command('menu', (ctx) =>
        ctx.reply('Pick one', { reply_markup: new InlineKeyboard().text('Basic', 'tariff:BASIC') }),
      );
      bot.callbackQuery(/^tariff:/, async (ctx) => {
        await ctx.answerCallbackQuery({ text: `You chose ${ctx.callbackQuery.data}` });
        await ctx.editMessageText('Chosen: BASIC');
      });
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
    const edited = await telegram.waitForMessage((m) => m.text === 'Chosen: BASIC');
    expect(edited).toMatchObject({ messageId: menu!.messageId, edits: ['Pick one'] });
    expect(edited.replyMarkup).toBeUndefined();
    expect(telegram.sent(student.id)).toHaveLength(1);
  });

  it('long-polls for real: waits for the timeout when idle, wakes at once for an update', async () => {
    const { telegram, api } = await standIn();
    let started = Date.now();
    expect(await api.getUpdates({ timeout: 1 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    started = Date.now();
    const waiting = api.getUpdates({ timeout: 10 });
    setTimeout(() => telegram.sendUserMessage({ botToken: TOKEN, from: student, text: 'hi' }), 150);
    const updates = await waiting;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(updates.map((u) => u.message?.text)).toEqual(['hi']);
    // Unconfirmed updates come again; the next offset confirms them.
    expect(await api.getUpdates()).toHaveLength(1);
    expect(await api.getUpdates({ offset: updates[0]!.update_id + 1 })).toEqual([]);
  });

  it('ends a pending long poll with 409 when a second poller shows up, and at once on stop', async () => {
    const { telegram, api } = await standIn();
    const first = failure(api.getUpdates({ timeout: 20 }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await api.getUpdates({ timeout: 0 });
    expect(await first).toMatchObject({
      error_code: 409,
      description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    });

    const pending = api.getUpdates({ timeout: 30 }).then(
      () => 'answered',
      () => 'closed',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopping = Date.now();
    await telegram.stop();
    expect(await pending).toMatch(/answered|closed/);
    expect(Date.now() - stopping).toBeLessThan(500);
  });

  it('answers like Telegram: 403 blocked, injected 429/500, 400 for bad input, 404 for unknown methods', async () => {
    const { telegram, api } = await standIn();
    telegram.blockUser(student.id, TOKEN);
    const blocked = await failure(api.sendMessage(student.id, 'hi'));
    expect(blocked).toBeInstanceOf(GrammyError);
    expect(blocked).toMatchObject({ error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    await expect(
      new Api(OTHER_TOKEN, { apiRoot: telegram.apiRoot }).sendMessage(student.id, 'hi'),
    ).resolves.toBeDefined();
    telegram.unblockUser(student.id, TOKEN);
    // As in Telegram, the bot hears of both in my_chat_member: its own status in the chat, member → kicked → member.
    const changes = telegram.pendingUpdates(TOKEN).flatMap((u) => (u.my_chat_member ? [u.my_chat_member] : []));
    expect(changes.map((c) => [c.old_chat_member.status, c.new_chat_member.status])).toEqual([
      ['member', 'kicked'],
      ['kicked', 'member'],
    ]);
    expect(changes[0]).toMatchObject({ chat: { id: student.id, type: 'private' }, from: { id: student.id } });
    expect(changes[0]?.new_chat_member.user.is_bot).toBe(true);

    telegram.failNext({ method: 'sendMessage', chatId: student.id, errorCode: 429, retryAfter: 7 });
    expect(await failure(api.sendMessage(student.id, 'hi'))).toMatchObject({
      error_code: 429,
      description: 'Too Many Requests: retry after 7',
      parameters: { retry_after: 7 },
    });
    telegram.failNext({ method: 'sendMessage', errorCode: 500 });
    expect(await failure(api.sendMessage(student.id, 'hi'))).toMatchObject({ description: 'Internal Server Error' });
    expect((await api.sendMessage(student.id, 'now it works')).text).toBe('now it works');

    const html = await failure(api.sendMessage(student.id, 'a <tag> too far', { parse_mode: 'HTML' }));
    expect(html?.description).toContain("can't parse entities");
    expect(await failure(api.sendMessage(student.id, 'x'.repeat(4097)))).toMatchObject({
      description: 'Bad Request: message is too long',
    });
    expect(await failure(api.sendMessage(student.id, ''))).toMatchObject({
      description: 'Bad Request: message text is empty',
    });
    expect(await failure(api.raw.sendMessage({ text: 'to nobody' } as never))).toMatchObject({
      description: 'Bad Request: chat not found',
    });
    const longData = new InlineKeyboard().text('x', 'd'.repeat(65));
    expect(await failure(api.sendMessage(student.id, 'hi', { reply_markup: longData }))).toMatchObject({
      description: 'Bad Request: BUTTON_DATA_INVALID',
    });
    expect(telegram.calls('sendMessage').map((c) => c.errorCode)).toEqual([
      403,
      undefined,
      429,
      500,
      undefined,
      400,
      400,
      400,
      400,
      400,
    ]);

    const unknown = await fetch(`${telegram.apiRoot}/bot${TOKEN}/sendTelepathy`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found: method not found' });
    expect((await fetch(`${telegram.apiRoot}/botnot-a-token/getMe`)).status).toBe(401);
    // Method names are case-insensitive and parameters may come in the query string or a form body.
    const viaQuery = await fetch(`${telegram.apiRoot}/bot${TOKEN}/SENDMESSAGE?chat_id=${student.id}&text=query`);
    expect(await viaQuery.json()).toMatchObject({ ok: true, result: { text: 'query' } });
    const viaForm = await fetch(`${telegram.apiRoot}/bot${TOKEN}/sendMessage`, {
      method: 'POST',
      body: new URLSearchParams({ chat_id: String(student.id), text: 'form' }),
    });
    expect(await viaForm.json()).toMatchObject({ ok: true, result: { text: 'form', chat: { type: 'private' } } });
    await expect(api.getMe()).resolves.toMatchObject({ id: 4242, is_bot: true, username: 'bot4242_bot' });
  });

  it('enforces flood limits per chat and per group, and not at all with rateLimits: false', async () => {
    // A slow refill (one message per 100 s to a chat) keeps the test independent of how busy the machine is.
    const { telegram, api } = await standIn({
      rateLimits: { chatBurst: 1, perChatPerSecond: 0.01, perGroupPerMinute: 2 },
    });
    await api.sendMessage(student.id, 'one');
    const second = await failure(api.sendMessage(student.id, 'two'));
    expect(second?.error_code).toBe(429);
    expect(second?.parameters.retry_after).toBeGreaterThanOrEqual(90);
    await expect(api.sendChatAction(student.id, 'typing')).resolves.toBe(true);
    await expect(api.sendMessage(student.id + 1, 'another chat')).resolves.toBeDefined();
    await api.sendMessage(GROUP, 'g1');
    await api.sendMessage(GROUP, 'g2');
    const group = await failure(api.sendMessage(GROUP, 'g3'));
    expect(group?.error_code).toBe(429);
    expect(group?.parameters.retry_after).toBeGreaterThanOrEqual(29);
    expect(telegram.calls('sendMessage').filter((c) => c.status === 429)).toHaveLength(2);
    await telegram.stop();

    // Telegram's defaults tolerate a short burst to one chat, then ask to wait (at most one refill a second, so ten
    // quick sends meet a 429 however slow the machine is).
    const defaults = await standIn({});
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await failure(defaults.api.sendMessage(student.id, `m${i}`)));
    expect(results.slice(0, 3).map((r) => r?.error_code)).toEqual([undefined, undefined, undefined]);
    expect(results.filter((r) => r?.error_code === 429).length).toBeGreaterThanOrEqual(3);
    await defaults.telegram.stop();

    const unlimited = await standIn({ rateLimits: false });
    for (let i = 0; i < 10; i++) await unlimited.api.sendMessage(student.id, `m${i}`);
    expect(unlimited.telegram.sent(student.id)).toHaveLength(10);
  });

  it('sends albums, uploads files over multipart and keeps file ids per bot', async () => {
    const { telegram, api } = await standIn();
    const album: Message[] = await api.sendMediaGroup(student.id, [
      { type: 'photo', media: 'https://example.com/a.png', caption: '<i>First</i>', parse_mode: 'HTML' },
      { type: 'photo', media: 'https://example.com/b.png' },
    ]);
    expect(album).toHaveLength(2);
    expect(album[0]?.media_group_id).toBeDefined();
    expect(album[0]?.media_group_id).toBe(album[1]?.media_group_id);
    expect(telegram.sent(student.id).map((m) => [m.kind, m.caption])).toEqual([
      ['photo', 'First'],
      ['photo', undefined],
    ]);

    const upload = await api.sendDocument(student.id, new InputFile(Buffer.from('my homework'), 'homework.txt'), {
      caption: 'Day 1',
    });
    expect(upload.document).toMatchObject({ file_name: 'homework.txt', mime_type: 'text/plain', file_size: 11 });
    const file = await api.getFile(upload.document!.file_id);
    const download = await fetch(`${telegram.apiRoot}/file/bot${TOKEN}/${file.file_path}`);
    expect(await download.text()).toBe('my homework');

    const photoId = album[0]!.photo!.at(-1)!.file_id;
    await expect(api.sendPhoto(student.id, photoId)).resolves.toBeDefined();
    const otherBot = new Api(OTHER_TOKEN, { apiRoot: telegram.apiRoot });
    expect(await failure(otherBot.sendPhoto(student.id, photoId))).toMatchObject({
      description: 'Bad Request: wrong file identifier/HTTP URL specified',
    });
    expect(await failure(otherBot.getFile(upload.document!.file_id))).toMatchObject({ error_code: 400 });
  });

  it('keeps private chats per bot, copies and forwards what a user sent, refuses protected content', async () => {
    const { telegram, api } = await standIn();
    const other = new Api(OTHER_TOKEN, { apiRoot: telegram.apiRoot });
    const question = telegram.sendUserMessage({ botToken: TOKEN, from: student, text: 'Can I pay later?' });
    expect(question.message_id).toBe(1);
    expect((await other.sendMessage(student.id, 'other bot')).message_id).toBe(1);

    const copy = await api.copyMessage(GROUP, student.id, question.message_id);
    expect(Object.keys(copy)).toEqual(['message_id']);
    const forward = await api.forwardMessage(GROUP, student.id, question.message_id);
    expect(forward).toMatchObject({
      text: 'Can I pay later?',
      forward_origin: { type: 'user' },
      chat: { type: 'supergroup' },
    });
    expect(telegram.sent(GROUP).map((m) => [m.kind, m.text])).toEqual([
      ['copy', 'Can I pay later?'],
      ['forward', 'Can I pay later?'],
    ]);

    const lesson = await api.sendMessage(student.id, 'Lesson 1', { protect_content: true });
    expect(lesson.has_protected_content).toBe(true);
    expect(await failure(api.forwardMessage(GROUP, student.id, lesson.message_id))).toMatchObject({ error_code: 400 });
    await api.deleteMessage(student.id, lesson.message_id);
    expect(telegram.sent(student.id, { bot: TOKEN }).at(-1)).toMatchObject({ text: 'Lesson 1', deleted: true });
    expect(await failure(api.deleteMessage(student.id, lesson.message_id))).toMatchObject({
      description: 'Bad Request: message to delete not found',
    });
  });

  it('delivers to a webhook with the secret token, retries a failed delivery, and refuses getUpdates meanwhile', async () => {
    const { telegram } = await standIn();
    const bot = new Bot(TOKEN, { client: { apiRoot: telegram.apiRoot } });
    bot.on('message:text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    const handle = webhookCallback(bot, 'http', { secretToken: 'shh-secret' });
    const secrets: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      secrets.push(req.headers['x-telegram-bot-api-secret-token'] as string | undefined);
      if (secrets.length === 1) return void res.writeHead(500).end();
      void handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve).closeAllConnections()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    await bot.api.setWebhook(url, { secret_token: 'shh-secret' });
    expect(await failure(bot.api.getUpdates())).toMatchObject({ error_code: 409 });

    telegram.sendUserMessage({ botToken: TOKEN, from: student, text: 'ping' });
    const [reply] = await telegram.waitForMessages(student.id, 1);
    expect(reply?.text).toBe('echo: ping');
    expect(secrets).toEqual(['shh-secret', 'shh-secret']);
    const info = await bot.api.getWebhookInfo();
    expect(info).toMatchObject({ url, pending_update_count: 0, last_error_message: expect.stringContaining('500') });

    await bot.api.deleteWebhook();
    await expect(bot.api.getUpdates()).resolves.toEqual([]);
  });

  it('takes a Stars payment: pre-checkout answered, then successful_payment, then a refund', async () => {
    const { telegram, api } = await standIn();
    const payments: string[] = [];
    pollingBot(telegram, (bot) => {
      bot.on('pre_checkout_query', (ctx) =>
        ctx.preCheckoutQuery.invoice_payload === 'order-1'
          ? ctx.answerPreCheckoutQuery(true)
          : ctx.answerPreCheckoutQuery(false, { error_message: 'Unknown order' }),
      );
      bot.on('message:successful_payment', (ctx) => {
        payments.push(ctx.message.successful_payment.telegram_payment_charge_id);
      });
    });
    await api.sendInvoice(student.id, 'Course', 'FEEDBACK tariff', 'order-1', 'XTR', [
      { label: 'FEEDBACK', amount: 250 },
    ]);
    expect(telegram.sent(student.id)[0]).toMatchObject({
      kind: 'invoice',
      invoice: { payload: 'order-1', currency: 'XTR', totalAmount: 250 },
    });

    const paid = await telegram.payInvoice({ botToken: TOKEN, from: student });
    if (!paid.ok) throw new Error(paid.error);
    expect(paid.message.successful_payment).toMatchObject({ total_amount: 250, invoice_payload: 'order-1' });
    await telegram.waitFor(() => payments.length > 0);
    expect(payments).toEqual([paid.chargeId]);
    await api.refundStarPayment(student.id, paid.chargeId);
    expect(telegram.refunded(paid.chargeId)).toBe(true);
    expect(await failure(api.refundStarPayment(student.id, paid.chargeId))).toMatchObject({
      description: 'Bad Request: CHARGE_ALREADY_REFUNDED',
    });

    const forged = { currency: 'XTR', totalAmount: 1, payload: 'forged' };
    expect(await telegram.payInvoice({ botToken: TOKEN, from: student, invoice: forged })).toEqual({
      ok: false,
      error: 'Unknown order',
    });
    expect(telegram.charges()).toHaveLength(1);
  });

  it('gives up on a payment the bot does not confirm in time', async () => {
    const { telegram, api } = await standIn();
    await api.sendInvoice(student.id, 'Course', 'BASIC', 'order-2', 'XTR', [{ label: 'BASIC', amount: 100 }]);
    const outcome = await telegram.payInvoice({ botToken: TOKEN, from: student, payload: 'order-2', timeoutMs: 100 });
    expect(outcome).toMatchObject({ ok: false, error: expect.stringContaining('did not answer') });
    const [update] = await api.getUpdates();
    expect(update?.pre_checkout_query?.invoice_payload).toBe('order-2');
  });

  it('honours invite links: member limit, revocation, expiry, bans and join requests', async () => {
    const { telegram, api } = await standIn();
    const invite = await api.createChatInviteLink(GROUP, { member_limit: 1, name: 'Ada' });
    expect(invite).toMatchObject({ invite_link: expect.stringMatching(/^https:\/\/t\.me\/\+/), member_limit: 1 });
    expect(telegram.joinViaLink(student, invite.invite_link)).toBe('joined');
    expect(telegram.joinViaLink(student, invite.invite_link)).toBe('already-member');
    expect(telegram.joinViaLink({ id: 6002, first_name: 'Eve' }, invite.invite_link)).toBe('full');
    expect(telegram.memberStatus(GROUP, student.id)).toBe('member');
    expect(telegram.inviteLinks(GROUP)[0]?.joined).toEqual([student.id]);

    const revoked = await api.revokeChatInviteLink(GROUP, (await api.createChatInviteLink(GROUP)).invite_link);
    expect(revoked.is_revoked).toBe(true);
    expect(telegram.joinViaLink(6003, revoked.invite_link)).toBe('revoked');
    const expired = await api.createChatInviteLink(GROUP, { expire_date: Math.floor(Date.now() / 1000) - 1 });
    expect(telegram.joinViaLink(6004, expired.invite_link)).toBe('expired');

    await api.banChatMember(GROUP, student.id);
    expect(telegram.joinViaLink(student, (await api.createChatInviteLink(GROUP)).invite_link)).toBe('banned');
    await api.unbanChatMember(GROUP, student.id);
    expect(await api.getChatMember(GROUP, student.id)).toMatchObject({ status: 'left', user: { first_name: 'Ada' } });

    // chat_member updates are opt-in through allowed_updates, as in Telegram: these joins and bans were dropped.
    expect(await api.getUpdates()).toEqual([]);
    await api.getUpdates({ allowed_updates: ['chat_join_request', 'chat_member'] });
    const byRequest = await api.createChatInviteLink(GROUP, { creates_join_request: true });
    expect(telegram.joinViaLink(6005, byRequest.invite_link)).toBe('requested');
    const [request] = await api.getUpdates({ timeout: 1 });
    expect(request?.chat_join_request).toMatchObject({ user_chat_id: 6005, chat: { id: GROUP } });
    await api.approveChatJoinRequest(GROUP, 6005);
    const updates = await api.getUpdates({ offset: request!.update_id + 1 });
    expect(updates.map((u) => u.chat_member?.new_chat_member.status)).toEqual(['member']);
    expect(telegram.members(GROUP)).toContainEqual({ userId: 6005, status: 'member' });
  });

  it('explains a wait that times out, and slows answers down on request', async () => {
    const { telegram, api } = await standIn();
    await api.sendMessage(student.id, 'only one');
    await expect(telegram.waitForMessages(student.id, 2, { timeoutMs: 100 })).rejects.toThrow(
      `timed out after 100 ms waiting for 2 message(s) in chat ${student.id}; it has ${student.id}#1 "only one"`,
    );
    telegram.setLatency(300);
    const started = Date.now();
    await api.getMe();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    telegram.reset();
    expect(telegram.sent()).toEqual([]);
    expect(telegram.calls()).toEqual([]);
  });
});
