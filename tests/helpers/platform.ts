import { randomUUID } from 'node:crypto';
import { createTelegramBots } from '../../activities';
import type { EnrollmentInput } from '../../journey/definitions';
import { searchAttributes } from '../../journey/definitions';
import type { PayloadKey } from '../../lib/payload-codec';
import { startBotApiStandIn } from '../../testing/bot-api';
import { createTestDatabase } from './database';
import type { TestDatabase } from './database';
import { connectTemporal } from './temporal';
import type { RunningWorker, TemporalHarness } from './temporal';

export const SALES_TOKEN = '1111:sales-test-token';
export const COURSE_TOKEN = '2222:course-test-token';
export const ADMIN_CHAT_ID = -100_777;

/** Real services for one test file: its own database, task queue, Bot API stand-in, and a worker on all three. */
export interface Platform {
  db: TestDatabase;
  temporal: TemporalHarness;
  telegram: Awaited<ReturnType<typeof startBotApiStandIn>>;
  worker: RunningWorker;
  /** A new worker in place of the old one; with other payload keys, a key rotation. */
  restartWorker(payloadKeys?: PayloadKey[]): Promise<void>;
  slug(prefix: string): string;
  close(): Promise<void>;
}

/** `payloadKeys: []` runs the platform's Temporal payloads in clear (what a history holds without any codec). */
export async function startPlatform(options: { payloadKeys?: PayloadKey[] } = {}): Promise<Platform> {
  const db = await createTestDatabase();
  const temporal = await connectTemporal(options.payloadKeys);
  const telegram = await startBotApiStandIn({ port: 0, rateLimits: false });
  const deps = {
    sql: db.sql,
    telegram: createTelegramBots({ salesToken: SALES_TOKEN, courseToken: COURSE_TOKEN, apiRoot: telegram.apiRoot }),
    adminChatId: ADMIN_CHAT_ID,
  };
  const platform: Platform = {
    db,
    temporal,
    telegram,
    worker: await temporal.startWorker(deps),
    async restartWorker(payloadKeys) {
      await platform.worker.stop();
      platform.worker = await temporal.startWorker(deps, payloadKeys);
    },
    slug: (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`,
    async close() {
      await temporal.close();
      await telegram.stop();
      await db.drop();
    },
  };
  return platform;
}

/** The journey's search attributes as the Temporal server reports them (what ops filter on in the UI). */
export async function searchAttributesOf(platform: Platform, input: EnrollmentInput) {
  const description = await platform.temporal.enrollments.handle(input).describe();
  const attributes = description.typedSearchAttributes;
  return {
    stage: attributes.get(searchAttributes.stage),
    tariff: attributes.get(searchAttributes.tariff),
    day: attributes.get(searchAttributes.day),
    course: attributes.get(searchAttributes.course),
    cohort: attributes.get(searchAttributes.cohort),
  };
}

/** Polls `probe` until it returns a value `accept`s, or fails with the last value seen. */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
}
