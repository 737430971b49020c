/**
 * What each process is given by config/index.ts. A setting a process cannot run without is not optional in its type,
 * so no reader needs `!`: the parse has already failed, naming the variable, when it was missing.
 */

import type { PayloadKey } from '../lib/payload-codec';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  /**
   * PAYLOAD_KEYS: the first encrypts every payload given to Temporal, all decrypt. Empty (development only): payloads
   * go in clear, and encrypted ones cannot be read.
   */
  payloadKeys: PayloadKey[];
}

/** Every process. */
export interface BaseConfig {
  temporal: TemporalConfig;
  logLevel: LogLevel;
  /** NODE_ENV=production: development-only features (the mock provider) are refused. */
  production: boolean;
  /**
   * PRIORITIES (default on): a user's answer goes before lessons and lessons before bulk sends, in Temporal's task
   * queue (priority keys) and in each bot's send pacer (lanes). Off: everything in arrival order, for comparison.
   */
  priorities: boolean;
  /** PARTNER_MIN_PAYOUT (#18): the least paid out to a partner at once, minor units per currency; empty: any amount. */
  partnerMinPayout: Record<string, number>;
}

export interface DatabaseConfig {
  databaseUrl: string;
}

/** Sending to Telegram: the worker and both bots. */
export interface TelegramConfig {
  apiRoot: string;
  /** Chat where FEEDBACK/PREMIUM assignments are routed for review and support questions are relayed. */
  adminChatId?: number;
  /** Messages per second per bot that workers and bots send, together (Telegram allows about 30). */
  sendsPerSecond: number;
  /** Per chat, within `sendsPerSecond` and across all processes: a burst, then a steady rate. */
  chatLimits: { chatBurst: number; chatPerSecond: number; groupBurst: number; groupPerMinute: number };
  /**
   * Lanes of `sendsPerSecond` (false with PRIORITIES=off: one queue): answers go first, lessons book slots at most
   * `scheduledAheadMs` ahead, bulk sends take at most `bulkShare` of the slots while lessons wait.
   */
  lanes: { scheduledAheadMs: number; bulkShare: number } | false;
}

/** The worker's settings; `npm start` runs one on the database it found or started. */
export interface WorkerSettings extends BaseConfig {
  /** `workflowBundlePath`: pre-bundled workflow code (`npm run build`); bundled at start-up when absent. */
  temporal: TemporalConfig & { workflowBundlePath?: string };
  /** Lessons and feedback go through the course bot; a one-bot deployment gives the sales bot's token to both. */
  telegram: TelegramConfig & { salesBotToken: string; courseBotToken: string };
  /** host:port of the worker's Prometheus endpoint (Temporal SDK metrics), or undefined when off. */
  metricsAddress?: string;
}

export type WorkerConfig = WorkerSettings & DatabaseConfig;

/** Long polling, or webhooks at `<publicUrl>/telegram/<bot>` checked against `secret`. */
export type BotModeConfig = { kind: 'polling' } | { kind: 'webhook'; publicUrl: string; secret: string };

export interface HttpConfig {
  /** Where providers reach the webhooks and students the mock checkout page. */
  publicUrl: string;
  port: number;
  /** Express's `trust proxy`: which reverse proxies may say who the client is (X-Forwarded-For); none when unset. */
  trustProxy?: number | string[];
}

/** A provider PAYMENT_PROVIDERS lists, with the secrets it cannot work without. */
export type ProviderConfig =
  | { name: 'mock'; secret: string }
  | { name: 'stars' }
  | { name: 'stripe'; secretKey: string; webhookSecret: string; apiBase?: string }
  | {
      name: 'yookassa';
      shopId: string;
      secretKey: string;
      apiBase?: string;
      /** Sources notifications are taken from; undefined: every source (YooKassa's own list by default in production). */
      allowedIps?: string[];
      /** Notifications taken per minute from one source address. */
      notificationsPerMinute: number;
    };

export interface PaymentsConfig {
  /** In the order the sales bot offers them; never empty. */
  providers: ProviderConfig[];
  /** How long an order can be paid; a payment for an older one is recorded for a refund, never granted. */
  orderLifetimeMs: number;
  /** ALLOW_MOCK_PAYMENTS: the explicit opt-in the mock provider needs (never honoured in production). */
  allowMock: boolean;
}

/** The codec server (`/codec/decode`, `/codec/encode`) that shows ops decoded payloads in the Temporal UI and CLI. */
export interface CodecServerConfig {
  /** CODEC_TOKEN: the bearer token the CLI (`--codec-auth`) and scripts send. */
  token?: string;
  /** Origins the Temporal UI is served from, allowed by CORS. */
  uiOrigins: string[];
  /** Outside production without a token: a request from a UI origin needs no token (the dev server's UI has none). */
  trustUiOrigins: boolean;
}

/** The sales bot, its payment providers and the HTTP server. */
export interface SalesConfig extends BaseConfig {
  /** `reviewerIds`: the admin allow-list, the only users whose commands and replies in the admin chat do anything. */
  telegram: TelegramConfig & { salesBotToken: string; reviewerIds: number[] };
  bot: BotModeConfig;
  http: HttpConfig;
  codec: CodecServerConfig;
  /**
   * GET /metrics with the business figures for Prometheus; a bearer BUSINESS_METRICS_TOKEN when set. Undefined (not
   * served) in production without a token.
   */
  businessMetrics: { token: string | undefined } | undefined;
  sales: {
    courseSlug?: string;
    offerUrl: string;
    privacyUrl: string;
    termsVersion: string;
    supportContact: string;
  };
  payments: PaymentsConfig;
}

/** The course bot and the review desk. */
export interface CourseConfig extends BaseConfig {
  /** `submissionMaxParts`: messages one assignment submission may hold; each becomes a copy in the review chat. */
  telegram: TelegramConfig & { courseBotToken: string; reviewerIds: number[]; submissionMaxParts: number };
  bot: BotModeConfig;
  /** The port of its own HTTP server, which it runs only for webhooks. */
  http: { port: number };
  /** "@username" the course bot points unpaid users to. */
  salesBotUsername?: string;
}

/** `npm run course` answers assignments in its review chat, so it has one. */
export type CourseProcessConfig = CourseConfig & DatabaseConfig & { telegram: { adminChatId: number } };

export type AdminConfig = BaseConfig & DatabaseConfig;

/** Postgres and Temporal for `npm start`: the configured ones, or its own. */
export interface StackConfig {
  /** Unset: an embedded Postgres on `embeddedPostgresPort`. */
  databaseUrl?: string;
  embeddedPostgresPort: number;
  /** `external`: TEMPORAL_ADDRESS was given, so no dev server is started. */
  temporal: TemporalConfig & { external: boolean };
}

export interface StartConfig {
  stack: StackConfig;
  /** Without SALES_BOT_TOKEN `npm start` runs the demo against the local Bot API stand-in, at this lesson pace. */
  demo?: { lessonIntervalMs: number };
}

/** The worker and both bots in one process (`npm start`). */
export interface PlatformConfig {
  worker: WorkerSettings;
  sales: SalesConfig;
  course: CourseConfig;
}
