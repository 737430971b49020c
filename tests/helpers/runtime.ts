import { loadCourseConfig, loadSalesConfig } from '../../config';
import { startCourseRuntime } from '../../apps/course-runtime';
import type { BotMode } from '../../bots/launch';
import { startSalesRuntime } from '../../apps/sales-runtime';
import { ADMIN_CHAT_ID, COURSE_TOKEN, SALES_TOKEN } from './platform';
import type { Platform } from './platform';

/** The environment `npm run sales` / `npm run course` would read, pointed at this platform; `extra` adds or overrides. */
export function runtimeEnv(p: Platform, port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: p.db.url,
    TEMPORAL_TASK_QUEUE: p.temporal.taskQueue,
    TELEGRAM_API_ROOT: p.telegram.apiRoot,
    SALES_BOT_TOKEN: SALES_TOKEN,
    COURSE_BOT_TOKEN: COURSE_TOKEN,
    ADMIN_CHAT_ID: String(ADMIN_CHAT_ID),
    REVIEWER_IDS: '42',
    HTTP_PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SALES_COURSE: 'demo',
    OFFER_URL: 'https://example.com/offer',
    PRIVACY_URL: 'https://example.com/privacy',
    PAYMENT_PROVIDERS: 'mock',
    MOCK_PAYMENT_SECRET: 'mock-secret-for-runtime-tests',
    ALLOW_MOCK_PAYMENTS: 'true',
    ...extra,
  };
}

/** The sales runtime (`npm run sales`) on this platform, configured by `env` (a config error rejects). */
export async function startSalesRuntimeOn(
  p: Platform,
  env: Record<string, string>,
  log: (line: string) => void = () => {},
) {
  return startSalesRuntime({ config: loadSalesConfig(env), sql: p.db.sql, client: p.temporal.client, log });
}

/** The course runtime (`npm run course`) on this platform, configured by `env`; `mode` shares the sales server. */
export async function startCourseRuntimeOn(
  p: Platform,
  env: Record<string, string>,
  options: { salesBot: string; mode?: BotMode; log?: (line: string) => void },
) {
  const { salesBot, mode, log = () => {} } = options;
  const config = loadCourseConfig(env);
  return startCourseRuntime({ config, sql: p.db.sql, client: p.temporal.client, salesBot, mode, log });
}

/** The allowed_updates a recorded getUpdates or setWebhook call asked for (grammY sends them as a JSON array). */
export function allowedUpdatesOf(params: Record<string, unknown> | undefined): string[] | undefined {
  const value = params?.allowed_updates;
  return typeof value === 'string' ? (JSON.parse(value) as string[]) : (value as string[] | undefined);
}
