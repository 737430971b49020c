import { existsSync } from 'node:fs';
import { z } from 'zod';
import type { BotModeConfig, CodecServerConfig, PaymentsConfig, ProviderConfig } from './types';
import type { AdminConfig, CourseConfig, CourseProcessConfig, DatabaseConfig, PlatformConfig } from './types';
import type { SalesConfig, StartConfig, WorkerConfig, WorkerSettings } from './types';
import { addressRanges, botToken, chatId, commaList, duration, origin, payloadKeys, postgresUrl } from './env';
import { moneyPerCurrency, tcpPort, trustProxy } from './env';
import { ConfigError, parseEnv, withoutBlanks } from './env';
import type { Env } from './env';
import { YOOKASSA_NOTIFICATION_IPS } from '../payments/yookassa';

export type * from './types';
export { ConfigError };

/** Messages one assignment submission may hold when SUBMISSION_MAX_PARTS is unset. */
export const DEFAULT_SUBMISSION_MAX_PARTS = 20;

/** What every process reads: which Temporal namespace and queue, how much to log, which Bot API, production or not. */
const base = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('enrollments'),
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  NODE_ENV: z.string().min(1).optional(),
  // Rush hour (issue #15): answers before lessons, lessons before bulk, in Temporal's task queue and in the send pacer.
  // `off` puts every task and message in arrival order, as before, to measure what the priorities buy.
  PRIORITIES: z.enum(['on', 'off']).default('on'),
  // Issue #16: every payload given to Temporal is encrypted with the first key; all of them decrypt (rotation).
  PAYLOAD_KEYS: payloadKeys.optional(),
  // Issue #18: the least `/partner paid` pays a partner at once, per currency ("50.00 USD, 3000 RUB"); unset: any.
  PARTNER_MIN_PAYOUT: moneyPerCurrency,
});
type BaseVariables = z.output<typeof base>;

/**
 * Without keys payloads go to Temporal in clear: fine for a developer's machine, refused in production. Its own part
 * for every process with a Temporal client, as `base` is extended by schemas that a refinement would close.
 */
const encryption = z
  .object({ NODE_ENV: z.string().optional(), PAYLOAD_KEYS: z.string().optional() })
  .superRefine((e, ctx) => {
    if (e.NODE_ENV === 'production' && e.PAYLOAD_KEYS === undefined) {
      ctx.addIssue({ code: 'custom', path: ['PAYLOAD_KEYS'], message: 'required when NODE_ENV=production' });
    }
  });

/** The codec server for the Temporal UI and CLI (`/codec/decode`, `/codec/encode`), served by the sales process. */
const codecServer = {
  CODEC_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9_+/=-]{32,512}$/, 'must be 32-512 characters of A-Z a-z 0-9 _ - + / = (openssl rand -hex 32)')
    .optional(),
  // `npm start`'s dev server UI by default.
  CODEC_UI_ORIGINS: commaList(origin).transform((list) =>
    list.length > 0 ? list : ['http://localhost:8233', 'http://127.0.0.1:8233'],
  ),
};

/** Its own part, not in `base`: `npm start` runs an embedded Postgres when DATABASE_URL is unset. */
const database = z
  .object({ DATABASE_URL: postgresUrl })
  .transform((e): DatabaseConfig => ({ databaseUrl: e.DATABASE_URL }));

/** Sending to Telegram, for the worker and both bots: the per-bot rate, each chat's burst and rate, the admin chat. */
const telegramSends = {
  TELEGRAM_SENDS_PER_SECOND: z.coerce.number().positive().max(1000).default(28),
  TELEGRAM_CHAT_BURST: z.coerce.number().int().min(1).max(100).default(3),
  TELEGRAM_CHAT_SENDS_PER_SECOND: z.coerce.number().positive().max(30).default(1),
  TELEGRAM_GROUP_BURST: z.coerce.number().int().min(1).max(100).default(20),
  TELEGRAM_GROUP_SENDS_PER_MINUTE: z.coerce.number().positive().max(1800).default(20),
  // Lanes of the per-bot rate (PRIORITIES=on): how close to now lessons book slots, and bulk's share while they wait.
  TELEGRAM_SCHEDULED_AHEAD_MS: z.coerce.number().int().min(0).max(5000).default(100),
  TELEGRAM_BULK_SHARE: z.coerce.number().positive().max(1).default(0.1),
  ADMIN_CHAT_ID: chatId.optional(),
};

const reviewerIds = commaList(
  z
    .string()
    .regex(/^\d{1,15}$/, 'must be Telegram user ids, comma-separated')
    .transform(Number),
);

const worker = base
  .extend({
    ...telegramSends,
    SALES_BOT_TOKEN: botToken,
    COURSE_BOT_TOKEN: botToken.optional(),
    WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
    METRICS_ADDRESS: z
      .string()
      .regex(/^(off|[\w.-]+:\d{1,5})$/, 'must be host:port (like 0.0.0.0:9464) or off')
      .default('0.0.0.0:9464'),
  })
  .transform((e): WorkerSettings => ({
    ...baseOf(e),
    temporal: { ...temporalOf(e), workflowBundlePath: e.WORKFLOW_BUNDLE_PATH },
    telegram: {
      ...telegramOf(e),
      salesBotToken: e.SALES_BOT_TOKEN,
      courseBotToken: e.COURSE_BOT_TOKEN ?? e.SALES_BOT_TOKEN,
    },
    metricsAddress: e.METRICS_ADDRESS === 'off' ? undefined : e.METRICS_ADDRESS,
  }));

const sales = base
  .extend({
    ...telegramSends,
    ...codecServer,
    BUSINESS_METRICS_TOKEN: z
      .string()
      .regex(/^[A-Za-z0-9_+/=-]{32,512}$/, 'must be 32-512 characters of A-Z a-z 0-9 _ - + / = (openssl rand -hex 32)')
      .optional(),
    SALES_BOT_TOKEN: botToken,
    REVIEWER_IDS: reviewerIds,
    PUBLIC_URL: z.url().default('http://localhost:3000'),
    HTTP_PORT: tcpPort.default(3000),
    HTTP_TRUST_PROXY: trustProxy.optional(),
    SALES_COURSE: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a course slug')
      .optional(),
    OFFER_URL: z.url(),
    PRIVACY_URL: z.url(),
    TERMS_VERSION: z.string().min(1).default('1'),
    SUPPORT_CONTACT: z.string().min(1).default('/support'),
  })
  .transform((e): Omit<SalesConfig, 'bot' | 'payments'> => ({
    ...baseOf(e),
    telegram: { ...telegramOf(e), salesBotToken: e.SALES_BOT_TOKEN, reviewerIds: e.REVIEWER_IDS },
    http: { publicUrl: withoutSlash(e.PUBLIC_URL), port: e.HTTP_PORT, trustProxy: e.HTTP_TRUST_PROXY },
    codec: codecOf(e),
    // Off in production without a token: revenue is nobody's business but the seller's.
    businessMetrics:
      e.BUSINESS_METRICS_TOKEN !== undefined || e.NODE_ENV !== 'production'
        ? { token: e.BUSINESS_METRICS_TOKEN }
        : undefined,
    sales: {
      courseSlug: e.SALES_COURSE,
      offerUrl: e.OFFER_URL,
      privacyUrl: e.PRIVACY_URL,
      termsVersion: e.TERMS_VERSION,
      supportContact: e.SUPPORT_CONTACT,
    },
  }));

const course = base
  .extend({
    ...telegramSends,
    // Falls back to SALES_BOT_TOKEN (see `environment`); read here so a malformed one is named as itself.
    COURSE_BOT_TOKEN: botToken,
    SALES_BOT_TOKEN: botToken.optional(),
    REVIEWER_IDS: reviewerIds,
    SUBMISSION_MAX_PARTS: z.coerce.number().int().min(1).max(1000).default(DEFAULT_SUBMISSION_MAX_PARTS),
    SALES_BOT_USERNAME: z
      .string()
      .regex(/^@?\w{5,32}$/, 'must be a bot username like @my_sales_bot')
      .optional(),
    HTTP_PORT: tcpPort.default(3000),
  })
  .transform((e): Omit<CourseConfig, 'bot'> => ({
    ...baseOf(e),
    telegram: {
      ...telegramOf(e),
      courseBotToken: e.COURSE_BOT_TOKEN,
      reviewerIds: e.REVIEWER_IDS,
      submissionMaxParts: e.SUBMISSION_MAX_PARTS,
    },
    http: { port: e.HTTP_PORT },
    salesBotUsername: e.SALES_BOT_USERNAME && `@${e.SALES_BOT_USERNAME.replace(/^@/, '')}`,
  }));

/** The course process answers assignments in its review chat, so it needs one; `npm start` runs without. */
const reviewChat = z.object({ ADMIN_CHAT_ID: chatId });

/**
 * Long polling, or webhooks, which need their secret token and the address Telegram posts to: PUBLIC_URL has a default
 * for a local checkout page, none for Telegram.
 */
const botMode = z
  .discriminatedUnion(
    'BOT_MODE',
    [
      z.object({ BOT_MODE: z.literal('polling').default('polling') }),
      z.object({
        BOT_MODE: z.literal('webhook'),
        TELEGRAM_WEBHOOK_SECRET: z
          .string()
          .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16-256 characters of A-Z, a-z, 0-9, _ and -'),
        PUBLIC_URL: z.url(),
      }),
    ],
    { error: 'must be polling or webhook' },
  )
  .transform((e): BotModeConfig =>
    e.BOT_MODE === 'webhook'
      ? { kind: 'webhook', secret: e.TELEGRAM_WEBHOOK_SECRET, publicUrl: withoutSlash(e.PUBLIC_URL) }
      : { kind: 'polling' },
  );

const payments = z
  .object({
    NODE_ENV: z.string().min(1).optional(),
    PAYMENT_PROVIDERS: commaList(
      z.enum(['mock', 'stars', 'stripe', 'yookassa'], 'must list mock, stars, stripe or yookassa'),
    ).refine((list) => list.length > 0, 'must list mock, stars, stripe or yookassa'),
    MOCK_PAYMENT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    ALLOW_MOCK_PAYMENTS: z
      .enum(['true', 'false'], 'must be true or false')
      .default('false')
      .transform((value) => value === 'true'),
    ORDER_LIFETIME: duration('24h', 60_000, 'must be a duration of at least 1m, like 24h or 90m'),
    STRIPE_SECRET_KEY: z.string().min(1).optional(),
    STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
    STRIPE_API_BASE: z.url().optional(),
    YOOKASSA_SHOP_ID: z.string().min(1).optional(),
    YOOKASSA_SECRET_KEY: z.string().min(1).optional(),
    YOOKASSA_API_BASE: z.url().optional(),
    YOOKASSA_ALLOWED_IPS: addressRanges.optional(),
    YOOKASSA_NOTIFICATIONS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
  })
  .transform((e, ctx): PaymentsConfig => {
    // Each provider's secrets are required only when PAYMENT_PROVIDERS lists it.
    const need = (variable: ProviderSecret): string => {
      const value = e[variable];
      if (typeof value === 'string') return value;
      ctx.addIssue({ code: 'custom', path: [variable], message: 'required by PAYMENT_PROVIDERS' });
      return ''; // never seen: the issue fails the parse
    };
    const providers = e.PAYMENT_PROVIDERS.map((name): ProviderConfig => {
      switch (name) {
        case 'mock':
          return { name, secret: need('MOCK_PAYMENT_SECRET') };
        case 'stars':
          return { name };
        case 'stripe':
          return {
            name,
            secretKey: need('STRIPE_SECRET_KEY'),
            webhookSecret: need('STRIPE_WEBHOOK_SECRET'),
            apiBase: e.STRIPE_API_BASE,
          };
        case 'yookassa':
          return {
            name,
            shopId: need('YOOKASSA_SHOP_ID'),
            secretKey: need('YOOKASSA_SECRET_KEY'),
            apiBase: e.YOOKASSA_API_BASE,
            // Unsigned notifications: in production only YooKassa's published addresses are heard unless told otherwise.
            allowedIps:
              e.YOOKASSA_ALLOWED_IPS === 'off'
                ? undefined
                : (e.YOOKASSA_ALLOWED_IPS ??
                  (e.NODE_ENV === 'production' ? [...YOOKASSA_NOTIFICATION_IPS] : undefined)),
            notificationsPerMinute: e.YOOKASSA_NOTIFICATIONS_PER_MINUTE,
          };
      }
    });
    const config = { providers, orderLifetimeMs: e.ORDER_LIFETIME, allowMock: e.ALLOW_MOCK_PAYMENTS };
    const refusal = e.PAYMENT_PROVIDERS.includes('mock')
      ? mockRefusal({ production: e.NODE_ENV === 'production', payments: config })
      : undefined;
    if (refusal) ctx.addIssue({ code: 'custom', path: ['PAYMENT_PROVIDERS'], message: refusal });
    return config;
  });

type ProviderSecret =
  'MOCK_PAYMENT_SECRET' | 'STRIPE_SECRET_KEY' | 'STRIPE_WEBHOOK_SECRET' | 'YOOKASSA_SHOP_ID' | 'YOOKASSA_SECRET_KEY';

const start = base
  .extend({
    DATABASE_URL: postgresUrl.optional(),
    EMBEDDED_PG_PORT: tcpPort.default(54329),
    SALES_BOT_TOKEN: botToken.optional(),
    DEMO_LESSON_INTERVAL: duration('15s', 1000, 'must be a duration of at least 1s, like 15s or 2m'),
  })
  .transform((e): StartConfig => ({
    stack: {
      databaseUrl: e.DATABASE_URL,
      embeddedPostgresPort: e.EMBEDDED_PG_PORT,
      temporal: { ...temporalOf(e), external: e.TEMPORAL_ADDRESS !== undefined },
    },
    demo: e.SALES_BOT_TOKEN === undefined ? { lessonIntervalMs: e.DEMO_LESSON_INTERVAL } : undefined,
  }));

/** Every environment variable the platform reads (docs and deployment files must name each one). */
export const CONFIG_VARIABLES = [
  ...new Set(
    [base, encryption, database.in, worker.in, sales.in, course.in, reviewChat, payments.in, start.in]
      .flatMap((schema) => Object.keys(schema.shape))
      .concat(botMode.in.options.flatMap((option) => Object.keys(option.shape))),
  ),
];

/** `npm run worker`. */
export function loadWorkerConfig(env: Env): WorkerConfig {
  const parts = load(env, { database, worker, encryption });
  return { ...parts.database, ...parts.worker };
}

/** `npm run sales`: the sales bot, its payment providers and the HTTP server. */
export function loadSalesConfig(env: Env): SalesConfig & DatabaseConfig {
  const parts = load(env, { database, sales, bot: botMode, payments, encryption });
  return { ...parts.database, ...parts.sales, bot: parts.bot, payments: parts.payments };
}

/** `npm run course`: the course bot and the review desk in ADMIN_CHAT_ID. */
export function loadCourseConfig(env: Env): CourseProcessConfig {
  const parts = load(env, { database, course, reviewChat, bot: botMode, encryption });
  const telegram = { ...parts.course.telegram, adminChatId: parts.reviewChat.ADMIN_CHAT_ID };
  return { ...parts.database, ...parts.course, telegram, bot: parts.bot };
}

/** `npm run admin`: Postgres and the Temporal client. */
export function loadAdminConfig(env: Env): AdminConfig {
  const parts = load(env, { database, base, encryption });
  return { ...parts.database, ...baseOf(parts.base) };
}

/** `npm run db:migrate`: only the database. */
export function loadMigrateConfig(env: Env): DatabaseConfig {
  return load(env, { database }).database;
}

/** `npm start`: where Postgres and Temporal are (or that it runs its own), and whether it runs the demo. */
export function loadStartConfig(env: Env): StartConfig {
  return load(env, { start }).start;
}

/**
 * The worker and both bots as `npm start` runs them in one process, on the Postgres and Temporal it found or started.
 * The demo passes an environment of its own (the stand-in's Bot API, its example documents) instead of changing this.
 */
export function loadPlatformConfig(env: Env): PlatformConfig {
  const parts = load(env, { worker, sales, course, bot: botMode, payments, encryption });
  return {
    worker: parts.worker,
    sales: { ...parts.sales, bot: parts.bot, payments: parts.payments },
    course: { ...parts.course, bot: parts.bot },
  };
}

/**
 * The mock provider's checkout page grants access without any money moving: it runs only when ALLOW_MOCK_PAYMENTS
 * says so, and never with NODE_ENV=production. Checked when the config is parsed and again where providers are built.
 */
export function assertMockAllowed(config: MockGate): void {
  const refusal = mockRefusal(config);
  if (refusal) throw new ConfigError(`PAYMENT_PROVIDERS: ${refusal}`);
}
type MockGate = { production: boolean; payments: { allowMock: boolean } };

function mockRefusal({ production, payments }: MockGate): string | undefined {
  if (production) return 'the mock provider grants access without payment and is refused when NODE_ENV=production';
  if (!payments.allowMock) {
    return 'the mock provider grants access without payment; set ALLOW_MOCK_PAYMENTS=true to use it (development and demos only)';
  }
  return undefined;
}

const SECRET_VARIABLES = [
  'SALES_BOT_TOKEN',
  'COURSE_BOT_TOKEN',
  'TELEGRAM_WEBHOOK_SECRET',
  'MOCK_PAYMENT_SECRET',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'YOOKASSA_SECRET_KEY',
  'CODEC_TOKEN',
  'BUSINESS_METRICS_TOKEN',
  'PAYLOAD_KEYS',
];

/** Every secret value in the environment, for the logger to scrub from any line that would carry one. */
export function secretsIn(env: Env): string[] {
  const vars = environment(env);
  const password = vars.DATABASE_URL && URL.canParse(vars.DATABASE_URL) ? new URL(vars.DATABASE_URL).password : '';
  // Each payload key on its own too, so a line that quotes one key of PAYLOAD_KEYS is scrubbed.
  const keys = (vars.PAYLOAD_KEYS ?? '').split(',').flatMap((pair) => pair.split(':').slice(1));
  return [...SECRET_VARIABLES.map((name) => vars[name]), ...keys, password].filter((value): value is string =>
    Boolean(value),
  );
}

/** Loads `.env` from the working directory into process.env when present (variables already set win). */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

/** The course bot token falls back to the sales bot's (a one-bot deployment). */
function environment(env: Env): Env {
  const set = withoutBlanks(env);
  return { ...set, COURSE_BOT_TOKEN: set.COURSE_BOT_TOKEN ?? set.SALES_BOT_TOKEN };
}

function load<P extends Record<string, z.ZodType>>(env: Env, parts: P) {
  return parseEnv(environment(env), parts);
}

function baseOf(e: BaseVariables) {
  return {
    temporal: temporalOf(e),
    logLevel: e.LOG_LEVEL,
    production: e.NODE_ENV === 'production',
    priorities: e.PRIORITIES === 'on',
    partnerMinPayout: e.PARTNER_MIN_PAYOUT,
  };
}

function temporalOf(e: BaseVariables) {
  return {
    address: e.TEMPORAL_ADDRESS ?? 'localhost:7233',
    namespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.TEMPORAL_TASK_QUEUE,
    payloadKeys: e.PAYLOAD_KEYS ?? [],
  };
}

/**
 * Who may use the codec server: a bearer CODEC_TOKEN; or, outside production and without a token, the UI origins
 * themselves (the dev server's UI has no login, so it has no token to send). In production without a token it is off.
 */
function codecOf(e: BaseVariables & z.output<z.ZodObject<typeof codecServer>>): CodecServerConfig {
  return {
    token: e.CODEC_TOKEN,
    uiOrigins: e.CODEC_UI_ORIGINS,
    trustUiOrigins: e.NODE_ENV !== 'production' && !e.CODEC_TOKEN,
  };
}

function telegramOf(e: BaseVariables & z.output<z.ZodObject<typeof telegramSends>>) {
  return {
    apiRoot: e.TELEGRAM_API_ROOT,
    adminChatId: e.ADMIN_CHAT_ID,
    sendsPerSecond: e.TELEGRAM_SENDS_PER_SECOND,
    chatLimits: {
      chatBurst: e.TELEGRAM_CHAT_BURST,
      chatPerSecond: e.TELEGRAM_CHAT_SENDS_PER_SECOND,
      groupBurst: e.TELEGRAM_GROUP_BURST,
      groupPerMinute: e.TELEGRAM_GROUP_SENDS_PER_MINUTE,
    },
    lanes: e.PRIORITIES === 'on' && {
      scheduledAheadMs: e.TELEGRAM_SCHEDULED_AHEAD_MS,
      bulkShare: e.TELEGRAM_BULK_SHARE,
    },
  };
}

function withoutSlash(url: string): string {
  return url.replace(/\/$/, '');
}
