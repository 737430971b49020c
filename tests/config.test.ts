import { describe, expect, it } from 'vitest';
import {
  CONFIG_VARIABLES,
  ConfigError,
  loadAdminConfig,
  loadCourseConfig,
  loadMigrateConfig,
  loadPlatformConfig,
  loadSalesConfig,
  loadStartConfig,
  loadWorkerConfig,
  secretsIn,
} from '../config';
import { Api } from 'grammy';
import { messagesFor } from '../locales';
import { demoEnvironment } from '../apps/demo';
import { createPaymentProviders } from '../apps/payment-providers';

const DATABASE_URL = 'postgres://app:db-password-123@localhost:5432/course';
const worker = { DATABASE_URL, SALES_BOT_TOKEN: '123:abc' };
const sales = {
  ...worker,
  OFFER_URL: 'https://example.com/offer',
  PRIVACY_URL: 'https://example.com/privacy',
  PAYMENT_PROVIDERS: 'stars',
};
const course = { DATABASE_URL, COURSE_BOT_TOKEN: '456:def', ADMIN_CHAT_ID: '-100123' };
const missing = (...names: string[]) =>
  new ConfigError(`Missing required environment variable(s): ${names.join(', ')}`);

describe('config per process', () => {
  it('names every variable each process needs and did not get', () => {
    expect(() => loadWorkerConfig({})).toThrow(missing('DATABASE_URL', 'SALES_BOT_TOKEN'));
    expect(() => loadSalesConfig({})).toThrow(
      missing('DATABASE_URL', 'SALES_BOT_TOKEN', 'OFFER_URL', 'PRIVACY_URL', 'PAYMENT_PROVIDERS'),
    );
    expect(() => loadCourseConfig({})).toThrow(missing('DATABASE_URL', 'COURSE_BOT_TOKEN', 'ADMIN_CHAT_ID'));
    expect(() => loadAdminConfig({})).toThrow(missing('DATABASE_URL'));
    expect(() => loadMigrateConfig({})).toThrow(missing('DATABASE_URL'));
    // Each process reads only its own variables: the worker does not care about a sales setting.
    expect(loadWorkerConfig({ ...worker, OFFER_URL: 'not a url' }).databaseUrl).toBe(DATABASE_URL);
  });

  it('applies defaults and treats empty variables as unset', () => {
    const config = loadWorkerConfig({ ...worker, COURSE_BOT_TOKEN: '', METRICS_ADDRESS: '' });
    expect(config.temporal).toMatchObject({
      address: 'localhost:7233',
      namespace: 'default',
      taskQueue: 'enrollments',
    });
    expect(config.telegram).toMatchObject({ salesBotToken: '123:abc', courseBotToken: '123:abc' });
    expect(config.telegram.apiRoot).toBe('https://api.telegram.org');
    expect(config.metricsAddress).toBe('0.0.0.0:9464');
    expect(loadWorkerConfig({ ...worker, METRICS_ADDRESS: 'off' }).metricsAddress).toBeUndefined();
    expect(() => loadWorkerConfig({ ...worker, DATABASE_URL: '' })).toThrow(missing('DATABASE_URL'));
  });

  it('gives the course bot the sales bot token in a one-bot deployment', () => {
    const { COURSE_BOT_TOKEN: _, ...oneBot } = course;
    expect(loadCourseConfig({ ...oneBot, SALES_BOT_TOKEN: '123:abc' }).telegram.courseBotToken).toBe('123:abc');
    expect(loadCourseConfig(course).telegram).toMatchObject({ courseBotToken: '456:def', adminChatId: -100123 });
  });

  it('names the variable at fault without echoing a secret, next to the missing ones', () => {
    const attempt = () => loadWorkerConfig({ SALES_BOT_TOKEN: 'not-a-token-secret' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/^Missing required environment variable\(s\): DATABASE_URL\nInvalid environment:/);
    expect(attempt).toThrow(/SALES_BOT_TOKEN: must look like/);
    expect(attempt).not.toThrow(/not-a-token-secret/);
  });

  it("paces each chat at Telegram's limits unless told otherwise", () => {
    expect(loadWorkerConfig(worker).telegram.chatLimits).toEqual({
      chatBurst: 3,
      chatPerSecond: 1,
      groupBurst: 20,
      groupPerMinute: 20,
    });
    const custom = loadWorkerConfig({
      ...worker,
      TELEGRAM_CHAT_SENDS_PER_SECOND: '0.5',
      TELEGRAM_GROUP_SENDS_PER_MINUTE: '10',
    });
    expect(custom.telegram.chatLimits).toMatchObject({ chatPerSecond: 0.5, groupPerMinute: 10 });
    expect(() => loadWorkerConfig({ ...worker, TELEGRAM_CHAT_BURST: '0' })).toThrow(/TELEGRAM_CHAT_BURST/);
  });

  it("splits each bot's rate into lanes unless PRIORITIES=off", () => {
    expect(loadWorkerConfig(worker).telegram.lanes).toEqual({ scheduledAheadMs: 100, bulkShare: 0.1 });
    const custom = loadWorkerConfig({ ...worker, TELEGRAM_SCHEDULED_AHEAD_MS: '250', TELEGRAM_BULK_SHARE: '0.25' });
    expect(custom.telegram.lanes).toEqual({ scheduledAheadMs: 250, bulkShare: 0.25 });
    expect(loadWorkerConfig({ ...worker, PRIORITIES: 'off' }).telegram.lanes).toBe(false);
    expect(() => loadWorkerConfig({ ...worker, TELEGRAM_BULK_SHARE: '0' })).toThrow(/TELEGRAM_BULK_SHARE/);
    expect(() => loadWorkerConfig({ ...worker, TELEGRAM_BULK_SHARE: '1.5' })).toThrow(/TELEGRAM_BULK_SHARE/);
    expect(() => loadWorkerConfig({ ...worker, TELEGRAM_SCHEDULED_AHEAD_MS: '-1' })).toThrow(
      /TELEGRAM_SCHEDULED_AHEAD_MS/,
    );
  });

  it('scrubs every secret the environment holds, and nothing else', () => {
    const env = { ...sales, COURSE_BOT_TOKEN: '456:def', STRIPE_SECRET_KEY: 'sk_test_123', LOG_LEVEL: 'debug' };
    expect(secretsIn(env).sort()).toEqual(['123:abc', '456:def', 'db-password-123', 'sk_test_123']);
  });

  it('lists every variable some process reads', () => {
    for (const name of ['DATABASE_URL', 'BOT_MODE', 'TELEGRAM_WEBHOOK_SECRET', 'ADMIN_CHAT_ID', 'DEMO_LESSON_INTERVAL'])
      expect(CONFIG_VARIABLES).toContain(name);
    expect(new Set(CONFIG_VARIABLES).size).toBe(CONFIG_VARIABLES.length);
  });
});

describe('PAYLOAD_KEYS', () => {
  const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');
  const production = { NODE_ENV: 'production' };

  it('gives every process with a Temporal client the keys, the encrypting one first', () => {
    const keys = `2025-06:${key(1)}, 2024-11:${key(2)}`;
    const expected = [
      { id: '2025-06', key: Buffer.alloc(32, 1) },
      { id: '2024-11', key: Buffer.alloc(32, 2) },
    ];
    expect(loadWorkerConfig({ ...worker, PAYLOAD_KEYS: keys }).temporal.payloadKeys).toEqual(expected);
    expect(loadSalesConfig({ ...sales, PAYLOAD_KEYS: keys }).temporal.payloadKeys).toEqual(expected);
    expect(loadCourseConfig({ ...course, PAYLOAD_KEYS: keys }).temporal.payloadKeys).toEqual(expected);
    expect(loadAdminConfig({ DATABASE_URL, PAYLOAD_KEYS: keys }).temporal.payloadKeys).toEqual(expected);
    // Development without keys: in clear (the processes warn).
    expect(loadWorkerConfig(worker).temporal.payloadKeys).toEqual([]);
  });

  it('is required in production by the worker and every Temporal client', () => {
    expect(() => loadWorkerConfig({ ...worker, ...production })).toThrow(missing('PAYLOAD_KEYS'));
    expect(() => loadSalesConfig({ ...sales, ...production })).toThrow(missing('PAYLOAD_KEYS'));
    expect(() => loadCourseConfig({ ...course, ...production })).toThrow(missing('PAYLOAD_KEYS'));
    expect(() => loadAdminConfig({ DATABASE_URL, ...production })).toThrow(missing('PAYLOAD_KEYS'));
    expect(loadWorkerConfig({ ...worker, ...production, PAYLOAD_KEYS: `k1:${key(1)}` }).production).toBe(true);
  });

  it('names a malformed pair by its place, never echoing a key', () => {
    const secret = key(9);
    const attempt = (keys: string) => () => loadWorkerConfig({ ...worker, PAYLOAD_KEYS: keys });
    expect(attempt(`k1:${secret},k2:${secret.slice(4)}`)).toThrow(/PAYLOAD_KEYS: .*pair 2: its key must be 32 bytes/);
    expect(attempt(`${secret}:k1`)).toThrow(/pair 1: its id must be/);
    expect(attempt(secret)).toThrow(/pair 1: it is not id:key/);
    expect(attempt(`k1:${secret}:x`)).toThrow(/pair 1: its key must be/);
    expect(attempt(`k1:${key(1)},k1:${key(2)}`)).toThrow(/every key id must be different/);
    expect(attempt(`${secret}:k1`)).not.toThrow(secret);
    expect(attempt(`k1:${secret.slice(4)}`)).not.toThrow(secret.slice(4));
  });

  it('is scrubbed from logs, whole and key by key', () => {
    const keys = `k1:${key(1)},k0:${key(2)}`;
    expect(secretsIn({ PAYLOAD_KEYS: keys }).sort()).toEqual([key(1), key(2), keys].sort());
  });
});

describe('the codec server', () => {
  it('trusts the dev server UI without a token outside production only, and never in production', () => {
    expect(loadSalesConfig(sales).codec).toEqual({
      token: undefined,
      uiOrigins: ['http://localhost:8233', 'http://127.0.0.1:8233'],
      trustUiOrigins: true,
    });
    const token = 'a'.repeat(40);
    const withToken = { ...sales, CODEC_TOKEN: token, CODEC_UI_ORIGINS: 'https://temporal.example.com' };
    expect(loadSalesConfig(withToken).codec).toEqual({
      token,
      uiOrigins: ['https://temporal.example.com'],
      trustUiOrigins: false,
    });
    const production = { ...sales, NODE_ENV: 'production', PAYLOAD_KEYS: `k:${Buffer.alloc(32).toString('base64')}` };
    expect(loadSalesConfig(production).codec.trustUiOrigins).toBe(false);
    expect(() => loadSalesConfig({ ...sales, CODEC_TOKEN: 'short' })).toThrow(/CODEC_TOKEN: must be 32-512/);
    expect(() => loadSalesConfig({ ...sales, CODEC_UI_ORIGINS: 'https://ui.example.com/' })).toThrow(
      /CODEC_UI_ORIGINS: must be origins/,
    );
    expect(secretsIn({ CODEC_TOKEN: token })).toEqual([token]);
  });
});

describe('the business metrics endpoint', () => {
  it('is open outside production, needs BUSINESS_METRICS_TOKEN when set, and is off in production without one', () => {
    expect(loadSalesConfig(sales).businessMetrics).toEqual({ token: undefined });
    const token = 'b'.repeat(40);
    expect(loadSalesConfig({ ...sales, BUSINESS_METRICS_TOKEN: token }).businessMetrics).toEqual({ token });
    const production = { ...sales, NODE_ENV: 'production', PAYLOAD_KEYS: `k:${Buffer.alloc(32).toString('base64')}` };
    expect(loadSalesConfig(production).businessMetrics).toBeUndefined();
    expect(loadSalesConfig({ ...production, BUSINESS_METRICS_TOKEN: token }).businessMetrics).toEqual({ token });
    expect(() => loadSalesConfig({ ...sales, BUSINESS_METRICS_TOKEN: 'short' })).toThrow(
      /BUSINESS_METRICS_TOKEN: must be 32-512/,
    );
    expect(secretsIn({ BUSINESS_METRICS_TOKEN: token })).toEqual([token]);
  });
});

describe('BOT_MODE', () => {
  it('polls unless told otherwise', () => {
    expect(loadSalesConfig(sales).bot).toEqual({ kind: 'polling' });
    expect(loadCourseConfig(course).bot).toEqual({ kind: 'polling' });
  });

  it('takes webhooks only with their secret token and public address', () => {
    const webhook = { BOT_MODE: 'webhook', PUBLIC_URL: 'https://bots.example.com/' };
    expect(() => loadSalesConfig({ ...sales, ...webhook })).toThrow(missing('TELEGRAM_WEBHOOK_SECRET'));
    expect(() => loadCourseConfig({ ...course, ...webhook })).toThrow(missing('TELEGRAM_WEBHOOK_SECRET'));
    expect(() => loadCourseConfig({ ...course, BOT_MODE: 'webhook' })).toThrow(
      missing('TELEGRAM_WEBHOOK_SECRET', 'PUBLIC_URL'),
    );
    const secret = 'webhook-secret-0123456789';
    expect(loadCourseConfig({ ...course, ...webhook, TELEGRAM_WEBHOOK_SECRET: secret }).bot).toEqual({
      kind: 'webhook',
      secret,
      publicUrl: 'https://bots.example.com',
    });
    expect(() => loadSalesConfig({ ...sales, ...webhook, TELEGRAM_WEBHOOK_SECRET: 'short' })).toThrow(
      /TELEGRAM_WEBHOOK_SECRET: must be 16-256 characters/,
    );
    expect(() => loadSalesConfig({ ...sales, BOT_MODE: 'pigeon' })).toThrow(/BOT_MODE: must be polling or webhook/);
  });
});

describe('npm start', () => {
  it('runs its own Postgres and Temporal, and the demo without a sales bot token', () => {
    const config = loadStartConfig({});
    expect(config.stack).toMatchObject({ databaseUrl: undefined, embeddedPostgresPort: 54329 });
    expect(config.stack.temporal).toMatchObject({ address: 'localhost:7233', external: false });
    expect(config.demo).toEqual({ lessonIntervalMs: 15_000 });
    const live = loadStartConfig({ DATABASE_URL, TEMPORAL_ADDRESS: 'temporal:7233', SALES_BOT_TOKEN: '123:abc' });
    expect(live.stack).toMatchObject({ databaseUrl: DATABASE_URL, temporal: { external: true } });
    expect(live.demo).toBeUndefined();
    expect(() => loadStartConfig({ DEMO_LESSON_INTERVAL: '10ms' })).toThrow(/DEMO_LESSON_INTERVAL/);
  });

  it('with real bots, needs what the sales and course processes need, minus the database', () => {
    expect(() => loadPlatformConfig({ SALES_BOT_TOKEN: '123:abc' })).toThrow(
      missing('OFFER_URL', 'PRIVACY_URL', 'PAYMENT_PROVIDERS'),
    );
    const { DATABASE_URL: _, ...live } = sales;
    const config = loadPlatformConfig(live);
    expect(config.course.telegram.courseBotToken).toBe('123:abc');
    expect(config.course.telegram.adminChatId).toBeUndefined();
  });

  it('builds the demo its own config from a copy of the environment', () => {
    const demo = {
      apiRoot: 'http://127.0.0.1:9999',
      salesToken: '1:demo',
      courseToken: '2:demo',
      adminChatId: -5,
      reviewerId: 7,
    };
    const env = Object.freeze({
      OFFER_URL: '',
      ALLOW_MOCK_PAYMENTS: 'false',
      REVIEWER_IDS: '1',
      DEMO_LESSON_INTERVAL: '2s',
    });
    const config = loadPlatformConfig(demoEnvironment(env, demo));
    expect(config.sales.sales).toMatchObject({
      offerUrl: 'https://example.com/offer',
      privacyUrl: 'https://example.com/privacy',
    });
    expect(config.sales.payments.allowMock).toBe(true);
    expect(config.sales.payments.providers).toEqual([
      { name: 'mock', secret: expect.stringMatching(/^[0-9a-f]{48}$/) },
    ]);
    for (const telegram of [config.worker.telegram, config.sales.telegram, config.course.telegram]) {
      expect(telegram).toMatchObject({ apiRoot: demo.apiRoot, adminChatId: -5 });
    }
    expect(config.worker.telegram).toMatchObject({ salesBotToken: '1:demo', courseBotToken: '2:demo' });
    expect(config.course.telegram.reviewerIds).toEqual([7]);
    // A choice .env makes for the demo wins over the demo's example; a fresh mock secret each run otherwise.
    const own = loadPlatformConfig(demoEnvironment({ OFFER_URL: 'https://school.example/offer' }, demo));
    expect(own.sales.sales.offerUrl).toBe('https://school.example/offer');
    expect(own.sales.payments.providers).not.toEqual(config.sales.payments.providers);
  });
});

describe('payment providers', () => {
  const api = new Api('1:x', { apiRoot: 'http://127.0.0.1:9' });

  it('needs PAYMENT_PROVIDERS chosen, from the known ones', () => {
    const { PAYMENT_PROVIDERS: _, ...unchosen } = sales;
    expect(() => loadSalesConfig(unchosen)).toThrow(missing('PAYMENT_PROVIDERS'));
    expect(() => loadSalesConfig({ ...sales, PAYMENT_PROVIDERS: 'mock,paypal' })).toThrow(/PAYMENT_PROVIDERS/);
    expect(() => loadSalesConfig({ ...sales, PAYMENT_PROVIDERS: ' , ' })).toThrow(/PAYMENT_PROVIDERS: must list/);
  });

  it('names the secrets a chosen provider lacks, and builds them in order when present', () => {
    expect(() => loadSalesConfig({ ...sales, PAYMENT_PROVIDERS: 'stripe' })).toThrow(
      missing('STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'),
    );
    expect(() => loadSalesConfig({ ...sales, PAYMENT_PROVIDERS: 'yookassa' })).toThrow(/YOOKASSA_SHOP_ID/);
    const warnings: string[] = [];
    const config = loadSalesConfig({
      ...sales,
      PAYMENT_PROVIDERS: 'stars, mock',
      MOCK_PAYMENT_SECRET: 'sixteen-chars-at-least',
      ALLOW_MOCK_PAYMENTS: 'true',
    });
    expect(createPaymentProviders(config, api, (line) => warnings.push(line)).map((p) => p.name)).toEqual([
      'stars',
      'mock',
    ]);
    expect(warnings.join()).toContain('MOCK provider is on');
  });
});

describe('messagesFor', () => {
  it('uses the Telegram language, then the course default, then English', () => {
    expect(messagesFor('ru').completion({ course: 'X' })).toContain('последний урок');
    expect(messagesFor('de', 'ru').completion({ course: 'X' })).toContain('последний урок');
    expect(messagesFor(null, 'fr').completion({ course: 'X' })).toContain('last lesson');
  });
});
