import { existsSync } from 'node:fs';
import { z } from 'zod';
import { isAddressRange } from './lib/address-ranges';
import { YOOKASSA_NOTIFICATION_IPS } from './payments/yookassa';
import { parseDuration } from './lib/schedule';

/** Messages one assignment submission may hold when SUBMISSION_MAX_PARTS is unset. */
export const DEFAULT_SUBMISSION_MAX_PARTS = 20;

const botToken = z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, 'must look like 123456:ABC-DEF (from @BotFather)');

/** A comma-separated list of addresses and CIDR ranges, or `off`. */
const addressRanges = z
  .string()
  .transform((value) => value.split(',').map((entry) => entry.trim()))
  .refine((entries) => entries.join() === 'off' || entries.every(isAddressRange), {
    message: 'must be off or comma-separated addresses and CIDR ranges (like 185.71.76.0/27)',
  })
  .transform((entries) => (entries.join() === 'off' ? ('off' as const) : entries));

const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('enrollments'),
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
  SALES_BOT_TOKEN: botToken.optional(),
  COURSE_BOT_TOKEN: botToken.optional(),
  ADMIN_CHAT_ID: z.coerce.number().int().optional(),
  REVIEWER_IDS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(/^\d{1,15}$/, 'must be Telegram user ids, comma-separated')
          .transform(Number),
      ),
    ),
  SUBMISSION_MAX_PARTS: z.coerce.number().int().min(1).max(1000).default(DEFAULT_SUBMISSION_MAX_PARTS),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  METRICS_ADDRESS: z
    .string()
    .regex(/^(off|[\w.-]+:\d{1,5})$/, 'must be host:port (like 0.0.0.0:9464) or off')
    .default('0.0.0.0:9464'),
  TELEGRAM_SENDS_PER_SECOND: z.coerce.number().positive().max(1000).default(28),
  TELEGRAM_CHAT_BURST: z.coerce.number().int().min(1).max(100).default(3),
  TELEGRAM_CHAT_SENDS_PER_SECOND: z.coerce.number().positive().max(30).default(1),
  TELEGRAM_GROUP_BURST: z.coerce.number().int().min(1).max(100).default(20),
  TELEGRAM_GROUP_SENDS_PER_MINUTE: z.coerce.number().positive().max(1800).default(20),
  BOT_MODE: z.enum(['polling', 'webhook'], 'must be polling or webhook').default('polling'),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16-256 characters of A-Z, a-z, 0-9, _ and -')
    .optional(),
  PUBLIC_URL: z.url().default('http://localhost:3000'),
  HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HTTP_TRUST_PROXY: z
    .string()
    .transform((value) => (/^\d{1,2}$/.test(value) ? Number(value) : value.split(',').map((entry) => entry.trim())))
    .refine(
      (value) =>
        typeof value === 'number' ||
        value.every((entry) => ['loopback', 'linklocal', 'uniquelocal'].includes(entry) || isAddressRange(entry)),
      { message: 'must be a number of proxy hops, or addresses, CIDR ranges, loopback, linklocal, uniquelocal' },
    )
    .optional(),
  SALES_BOT_USERNAME: z
    .string()
    .regex(/^@?\w{5,32}$/, 'must be a bot username like @my_sales_bot')
    .optional(),
  SALES_COURSE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a course slug')
    .optional(),
  OFFER_URL: z.url().optional(),
  PRIVACY_URL: z.url().optional(),
  TERMS_VERSION: z.string().min(1).default('1'),
  SUPPORT_CONTACT: z.string().min(1).default('/support'),
  PAYMENT_PROVIDERS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(['mock', 'stars', 'stripe', 'yookassa'], 'must list mock, stars, stripe or yookassa'))),
  MOCK_PAYMENT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  ORDER_LIFETIME: z
    .string()
    .default('24h')
    .transform((value, ctx) => {
      try {
        const ms = parseDuration(value);
        if (ms >= 60_000) return ms;
      } catch {
        // reported below
      }
      ctx.addIssue({ code: 'custom', message: 'must be a duration of at least 1m, like 24h or 90m' });
      return z.NEVER;
    }),
  ALLOW_MOCK_PAYMENTS: z
    .enum(['true', 'false'], 'must be true or false')
    .default('false')
    .transform((value) => value === 'true'),
  NODE_ENV: z.string().min(1).optional(),
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  STRIPE_API_BASE: z.url().optional(),
  YOOKASSA_SHOP_ID: z.string().min(1).optional(),
  YOOKASSA_SECRET_KEY: z.string().min(1).optional(),
  YOOKASSA_API_BASE: z.url().optional(),
  YOOKASSA_ALLOWED_IPS: addressRanges.optional(),
  YOOKASSA_NOTIFICATIONS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
  DEMO_LESSON_INTERVAL: z
    .string()
    .default('15s')
    .transform((value, ctx) => {
      try {
        const ms = parseDuration(value);
        if (ms >= 1000) return ms;
      } catch {
        // reported below
      }
      ctx.addIssue({ code: 'custom', message: 'must be a duration of at least 1s, like 15s or 2m' });
      return z.NEVER;
    }),
});

/** Every environment variable the platform reads (docs and deployment files must name each one). */
export const CONFIG_VARIABLES = Object.keys(schema.shape);

export interface AppConfig {
  databaseUrl?: string;
  /** Port for the embedded Postgres that `npm start` runs when DATABASE_URL is unset. */
  embeddedPostgresPort: number;
  temporal: {
    address: string;
    /** True when TEMPORAL_ADDRESS was given; `npm start` then uses that server instead of starting a dev server. */
    external: boolean;
    namespace: string;
    taskQueue: string;
    workflowBundlePath?: string;
  };
  telegram: {
    apiRoot: string;
    salesBotToken?: string;
    /** Lessons and feedback go through the course bot; a one-bot deployment leaves it unset. */
    courseBotToken?: string;
    /** Chat where FEEDBACK/PREMIUM assignments are routed for review. */
    adminChatId?: number;
    /** The admin allow-list: the only users whose commands, buttons and replies in the admin chat do anything. */
    reviewerIds: number[];
    /** Messages one assignment submission may hold; each becomes a copy in the review chat. */
    submissionMaxParts: number;
    /** Messages per second per bot that workers send, together (Telegram allows about 30). */
    sendsPerSecond: number;
    /** Per chat, within `sendsPerSecond` and across all processes: a burst, then a steady rate. */
    chatLimits: { chatBurst: number; chatPerSecond: number; groupBurst: number; groupPerMinute: number };
    /** Long polling, or webhooks at `<PUBLIC_URL>/telegram/<bot>` checked against `webhookSecret`. */
    mode: 'polling' | 'webhook';
    webhookSecret?: string;
  };
  /** NODE_ENV=production: development-only features (the mock provider) are refused. */
  production: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** host:port of the worker's Prometheus endpoint (Temporal SDK metrics), or undefined when off. */
  metricsAddress?: string;
  /** Lesson interval of the local demo (`npm start` without bot tokens). */
  demoLessonIntervalMs: number;
  http: {
    /** Where providers reach the webhooks and students the mock checkout page. */
    publicUrl: string;
    port: number;
    /** Express's `trust proxy`: which reverse proxies may say who the client is (X-Forwarded-For); none when unset. */
    trustProxy?: number | string[];
  };
  sales: {
    /** "@username" the course bot points unpaid users to. */
    botUsername?: string;
    courseSlug?: string;
    offerUrl?: string;
    privacyUrl?: string;
    termsVersion: string;
    supportContact: string;
  };
  payments: {
    /** In the order the sales bot offers them; empty when PAYMENT_PROVIDERS is unset (the sales bot refuses to start). */
    providers: ('mock' | 'stars' | 'stripe' | 'yookassa')[];
    mockSecret?: string;
    /** How long an order can be paid; a payment for an older one is recorded for a refund, never granted. */
    orderLifetimeMs: number;
    /** ALLOW_MOCK_PAYMENTS: the explicit opt-in the mock provider needs (never honoured in production). */
    allowMock: boolean;
    stripe: { secretKey?: string; webhookSecret?: string; apiBase?: string };
    yookassa: {
      shopId?: string;
      secretKey?: string;
      apiBase?: string;
      /** Sources notifications are taken from; undefined: every source (YooKassa's own list by default in production). */
      allowedIps?: string[];
      /** Notifications taken per minute from one source address. */
      notificationsPerMinute: number;
    };
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once; every message names the variable at fault and never echoes its value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // `VAR=` in a .env file means "not set", not "set to the empty string".
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid environment:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  const config: AppConfig = {
    databaseUrl: e.DATABASE_URL,
    embeddedPostgresPort: e.EMBEDDED_PG_PORT,
    temporal: {
      address: e.TEMPORAL_ADDRESS ?? 'localhost:7233',
      external: e.TEMPORAL_ADDRESS !== undefined,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      workflowBundlePath: e.WORKFLOW_BUNDLE_PATH,
    },
    telegram: {
      apiRoot: e.TELEGRAM_API_ROOT,
      salesBotToken: e.SALES_BOT_TOKEN,
      courseBotToken: e.COURSE_BOT_TOKEN ?? e.SALES_BOT_TOKEN,
      adminChatId: e.ADMIN_CHAT_ID,
      reviewerIds: e.REVIEWER_IDS,
      submissionMaxParts: e.SUBMISSION_MAX_PARTS,
      sendsPerSecond: e.TELEGRAM_SENDS_PER_SECOND,
      chatLimits: {
        chatBurst: e.TELEGRAM_CHAT_BURST,
        chatPerSecond: e.TELEGRAM_CHAT_SENDS_PER_SECOND,
        groupBurst: e.TELEGRAM_GROUP_BURST,
        groupPerMinute: e.TELEGRAM_GROUP_SENDS_PER_MINUTE,
      },
      mode: e.BOT_MODE,
      webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
    },
    production: e.NODE_ENV === 'production',
    logLevel: e.LOG_LEVEL,
    metricsAddress: e.METRICS_ADDRESS === 'off' ? undefined : e.METRICS_ADDRESS,
    demoLessonIntervalMs: e.DEMO_LESSON_INTERVAL,
    http: { publicUrl: e.PUBLIC_URL.replace(/\/$/, ''), port: e.HTTP_PORT, trustProxy: e.HTTP_TRUST_PROXY },
    sales: {
      botUsername: e.SALES_BOT_USERNAME ? `@${e.SALES_BOT_USERNAME.replace(/^@/, '')}` : undefined,
      courseSlug: e.SALES_COURSE,
      offerUrl: e.OFFER_URL,
      privacyUrl: e.PRIVACY_URL,
      termsVersion: e.TERMS_VERSION,
      supportContact: e.SUPPORT_CONTACT,
    },
    payments: {
      providers: e.PAYMENT_PROVIDERS,
      mockSecret: e.MOCK_PAYMENT_SECRET,
      orderLifetimeMs: e.ORDER_LIFETIME,
      allowMock: e.ALLOW_MOCK_PAYMENTS,
      stripe: { secretKey: e.STRIPE_SECRET_KEY, webhookSecret: e.STRIPE_WEBHOOK_SECRET, apiBase: e.STRIPE_API_BASE },
      yookassa: {
        shopId: e.YOOKASSA_SHOP_ID,
        secretKey: e.YOOKASSA_SECRET_KEY,
        apiBase: e.YOOKASSA_API_BASE,
        // Unsigned notifications: in production only YooKassa's published addresses are heard unless told otherwise.
        allowedIps:
          e.YOOKASSA_ALLOWED_IPS === 'off'
            ? undefined
            : (e.YOOKASSA_ALLOWED_IPS ?? (e.NODE_ENV === 'production' ? [...YOOKASSA_NOTIFICATION_IPS] : undefined)),
        notificationsPerMinute: e.YOOKASSA_NOTIFICATIONS_PER_MINUTE,
      },
    },
  };
  if (config.payments.providers.includes('mock')) assertMockAllowed(config);
  return config;
}

/**
 * The mock provider's checkout page grants access without any money moving: it runs only when ALLOW_MOCK_PAYMENTS
 * says so, and never with NODE_ENV=production. Checked when the config is parsed and again where providers are built
 * (the demo adds the mock provider after parsing).
 */
export function assertMockAllowed(config: AppConfig): void {
  if (config.production) {
    throw new ConfigError(
      'PAYMENT_PROVIDERS: the mock provider grants access without payment and is refused when NODE_ENV=production',
    );
  }
  if (!config.payments.allowMock) {
    throw new ConfigError(
      'PAYMENT_PROVIDERS: the mock provider grants access without payment; set ALLOW_MOCK_PAYMENTS=true to use it (development and demos only)',
    );
  }
}

const variableOf = {
  databaseUrl: 'DATABASE_URL',
  salesBotToken: 'SALES_BOT_TOKEN',
  courseBotToken: 'COURSE_BOT_TOKEN',
  adminChatId: 'ADMIN_CHAT_ID',
  offerUrl: 'OFFER_URL',
  privacyUrl: 'PRIVACY_URL',
  mockSecret: 'MOCK_PAYMENT_SECRET',
  paymentProviders: 'PAYMENT_PROVIDERS',
  stripeSecretKey: 'STRIPE_SECRET_KEY',
  stripeWebhookSecret: 'STRIPE_WEBHOOK_SECRET',
  yookassaShopId: 'YOOKASSA_SHOP_ID',
  yookassaSecretKey: 'YOOKASSA_SECRET_KEY',
  webhookSecret: 'TELEGRAM_WEBHOOK_SECRET',
} as const;

/** Fails with the names of the variables a process needs but did not get. */
export type Setting = keyof typeof variableOf;

export function requireSettings(config: AppConfig, needed: Setting[]): void {
  const values: Record<keyof typeof variableOf, unknown> = {
    databaseUrl: config.databaseUrl,
    salesBotToken: config.telegram.salesBotToken,
    courseBotToken: config.telegram.courseBotToken,
    adminChatId: config.telegram.adminChatId,
    offerUrl: config.sales.offerUrl,
    privacyUrl: config.sales.privacyUrl,
    mockSecret: config.payments.mockSecret,
    paymentProviders: config.payments.providers.length > 0 ? config.payments.providers : undefined,
    stripeSecretKey: config.payments.stripe.secretKey,
    stripeWebhookSecret: config.payments.stripe.webhookSecret,
    yookassaShopId: config.payments.yookassa.shopId,
    yookassaSecretKey: config.payments.yookassa.secretKey,
    webhookSecret: config.telegram.webhookSecret,
  };
  const missing = needed.filter((key) => values[key] === undefined).map((key) => variableOf[key]);
  if (missing.length > 0) throw new ConfigError(`Missing required environment variable(s): ${missing.join(', ')}`);
}

/** Every secret value the config holds, for the logger to scrub from any line that would carry one. */
export function secretsOf(config: AppConfig): (string | undefined)[] {
  return [
    config.telegram.salesBotToken,
    config.telegram.courseBotToken,
    config.telegram.webhookSecret,
    config.payments.mockSecret,
    config.payments.stripe.secretKey,
    config.payments.stripe.webhookSecret,
    config.payments.yookassa.secretKey,
    config.databaseUrl ? new URL(config.databaseUrl).password || undefined : undefined,
  ];
}

/** Loads `.env` from the working directory into process.env when present (variables already set win). */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}
