import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_CONSTANTS, Api } from 'grammy';
import { createSalesBot, GROUP_UPDATES } from '../../bots/sales';
import type { SalesSettings } from '../../bots/sales';
import { createPaymentCompletion } from '../../payments/completion';
import { createMockProvider } from '../../payments/mock';
import { createOrderStore } from '../../payments/orders';
import { createStarsProvider } from '../../payments/stars';
import { createStripeProvider } from '../../payments/stripe';
import { createYooKassaProvider } from '../../payments/yookassa';
import { createHttpApp, platformReadiness } from '../../server/app';
import type { SentMessage, TgUser } from '../../testing/bot-api';
import { startStripeStandIn } from '../../testing/stripe-api';
import { startYooKassaStandIn } from '../../testing/yookassa-api';
import { EMAIL_REQUIRED_BY } from '../../apps/payment-providers';
import { ADMIN_CHAT_ID, SALES_TOKEN, startPlatform } from './platform';
import type { Platform } from './platform';

export const MOCK_SECRET = 'test-mock-secret';
export const STRIPE_WEBHOOK_SECRET = 'whsec_test_sales';

export interface SalesPlatform extends Platform {
  salesToken: string;
  adminChatId: number;
  httpUrl: string;
  /** What the sales bot logged: a handler that threw shows up here as "update N failed". */
  botLog: string[];
  mock: ReturnType<typeof createMockProvider>;
  stripe: Awaited<ReturnType<typeof startStripeStandIn>>;
  yookassa: Awaited<ReturnType<typeof startYooKassaStandIn>>;
  orders: ReturnType<typeof createOrderStore>;
  student(user: TgUser): Student;
  postWebhook(provider: string, body: string | Buffer, headers?: Record<string, string>): Promise<Response>;
}

/** A student driving the real sales bot through the Bot API stand-in. */
export interface Student {
  user: TgUser;
  send(text: string): Promise<void>;
  /** Presses the button with this callback data on the newest message that has it; returns the callback answer. */
  press(data: string): Promise<Record<string, unknown>>;
  /** Presses a button by its exact data even if no message shows it (a forged or stale callback). */
  pressRaw(data: string): Promise<Record<string, unknown>>;
  /** Messages the sales bot sent to this student. */
  messages(): SentMessage[];
  /** The `nth` (1-based) message matching `pattern`, once it has arrived. */
  waitForText(pattern: RegExp, nth?: number): Promise<SentMessage>;
}

/** The admins (REVIEWER_IDS) the sales tests act as in the admin chat. */
export const SALES_ADMIN_IDS = [1, 2];

const settings: SalesSettings = {
  adminChatId: ADMIN_CHAT_ID,
  reviewerIds: SALES_ADMIN_IDS,
  offerUrl: 'https://example.com/offer',
  privacyUrl: 'https://example.com/privacy',
  termsVersion: '2026-01',
  supportContact: 'support@example.com',
  emailRequiredBy: EMAIL_REQUIRED_BY,
};

/** The real platform plus the sales bot (long polling the stand-in) and the HTTP server with the mock provider. */
export async function startSalesPlatform(options: { courseSlug: string }): Promise<SalesPlatform> {
  const platform = await startPlatform();
  const botLog: string[] = [];
  const orders = createOrderStore(platform.db.sql);
  const completion = createPaymentCompletion({ orders, enrollments: platform.temporal.enrollments });
  // Listen first: the mock provider's pages and webhooks need the real address.
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const httpUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const mock = createMockProvider({ secret: MOCK_SECRET, publicUrl: httpUrl });
  const stripe = await startStripeStandIn({ secretKey: 'sk_test_sales' });
  const yookassa = await startYooKassaStandIn({ shopId: '100500', secretKey: 'test_yoo_secret' });
  const stripeProvider = createStripeProvider({
    secretKey: 'sk_test_sales',
    webhookSecret: STRIPE_WEBHOOK_SECRET,
    returnUrl: `${httpUrl}/paid`,
    apiBase: stripe.apiBase,
  });
  const yooProvider = createYooKassaProvider({
    shopId: '100500',
    secretKey: 'test_yoo_secret',
    returnUrl: `${httpUrl}/paid`,
    apiBase: yookassa.apiBase,
  });
  const app = createHttpApp({
    payments: { providers: [mock, stripeProvider, yooProvider], completion },
    readiness: platformReadiness(platform.db.sql, platform.temporal.client),
    mockCheckout: { publicUrl: httpUrl, orders, provider: mock },
  });
  server.on('request', app);

  const stars = createStarsProvider(new Api(SALES_TOKEN, { apiRoot: platform.telegram.apiRoot }));
  const bot = createSalesBot(
    SALES_TOKEN,
    {
      sql: platform.db.sql,
      enrollments: platform.temporal.enrollments,
      orders,
      completion,
      providers: [mock, stars, stripeProvider, yooProvider],
      log: (line) => botLog.push(line),
      settings: { ...settings, courseSlug: options.courseSlug },
    },
    { apiRoot: platform.telegram.apiRoot },
  );
  await bot.init();
  const polling = bot.start({ timeout: 1, allowed_updates: [...API_CONSTANTS.DEFAULT_UPDATE_TYPES, ...GROUP_UPDATES] });
  const salesBotId = bot.botInfo.id;
  const close = platform.close;

  return {
    ...platform,
    salesToken: SALES_TOKEN,
    adminChatId: ADMIN_CHAT_ID,
    httpUrl,
    botLog,
    mock,
    stripe,
    yookassa,
    orders,
    async close() {
      await bot.stop();
      await polling;
      await new Promise((resolve) => server.close(resolve).closeAllConnections());
      await stripe.stop();
      await yookassa.stop();
      await close();
    },
    postWebhook: (provider, body, headers = {}) =>
      fetch(`${httpUrl}/webhooks/${provider}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      }),
    student(user) {
      const telegram = platform.telegram;
      const messages = () => telegram.sent(user.id).filter((m) => m.botId === salesBotId);
      const answered = async (queryId: string) => {
        await telegram.waitUntilHandled(SALES_TOKEN);
        return telegram.callbackAnswer(queryId) ?? {};
      };
      return {
        user,
        messages,
        async send(text) {
          telegram.sendUserMessage({ botToken: SALES_TOKEN, from: user, text });
          await telegram.waitUntilHandled(SALES_TOKEN);
        },
        async press(data) {
          const message = [...messages()]
            .reverse()
            .find((m) => JSON.stringify(m.replyMarkup ?? {}).includes(JSON.stringify(data)));
          if (!message) throw new Error(`No message to ${user.id} has a button "${data}"`);
          return answered(
            telegram.pressButton({ botToken: SALES_TOKEN, from: user, messageId: message.messageId, data }),
          );
        },
        async pressRaw(data) {
          const last = messages().at(-1);
          return answered(
            telegram.pressButton({ botToken: SALES_TOKEN, from: user, messageId: last?.messageId ?? 1, data }),
          );
        },
        waitForText: (pattern, nth = 1) =>
          telegram.waitFor(() => messages().filter((m) => pattern.test(m.text ?? m.caption ?? ''))[nth - 1], {
            what: () =>
              `a message matching ${pattern} for ${user.id}; got ${JSON.stringify(messages().map((m) => m.text))}`,
          }),
      };
    },
  };
}
