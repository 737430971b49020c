import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSendPacer } from '../../activities/pacing';
import { startBotApiStandIn } from '../../testing/bot-api';
import { createTestDatabase } from '../helpers/database';
import type { TestDatabase } from '../helpers/database';

const TOKEN = '4242:pacing-test-bot';

/**
 * Global pacing: however many workers send for one bot, together they stay under the configured rate, because each
 * message reserves its slot in Postgres. Against the stand-in with Telegram's flood limits, that means no 429s.
 */
describe('send pacing', () => {
  let db: TestDatabase;
  let standIn: Awaited<ReturnType<typeof startBotApiStandIn>>;
  beforeAll(async () => {
    db = await createTestDatabase();
    standIn = await startBotApiStandIn({ port: 0, rateLimits: { perBotPerSecond: 30 } });
  });
  afterAll(async () => {
    await standIn?.stop();
    await db?.drop();
  });

  /** Three "workers" (Api instances with pacers of their own) send `count` messages at once to different chats. */
  async function blast(count: number, paced: boolean) {
    standIn.reset();
    const workers = [0, 1, 2].map(() => {
      const api = new Api(TOKEN, { apiRoot: standIn.apiRoot });
      if (paced) createSendPacer(db.sql, 28).install(api);
      return api;
    });
    const started = Date.now();
    const results = await Promise.allSettled(
      Array.from({ length: count }, (_, i) => workers[i % 3]!.sendMessage(5_000_000 + i, `message ${i}`)),
    );
    return {
      seconds: (Date.now() - started) / 1000,
      delivered: results.filter((r) => r.status === 'fulfilled').length,
      refused: standIn.calls('sendMessage').filter((c) => c.status === 429).length,
      firstError: String(results.find((r) => r.status === 'rejected')?.reason ?? ''),
    };
  }

  it('keeps three workers together under the limit: no 429s, every message sent', async () => {
    const unpaced = await blast(90, false);
    expect(unpaced.refused).toBeGreaterThan(0); // the stand-in enforces the limit: this is what pacing prevents
    await db.sql`delete from send_pacing`;

    const paced = await blast(90, true);
    expect(paced).toMatchObject({ delivered: 90, refused: 0 });
    // 90 messages at 28/s across all three, the first 14 at once (half a second's burst): at least (90 - 14 - 1) / 28 s.
    expect(paced.seconds).toBeGreaterThanOrEqual(75 / 28 - 0.05);
    expect(paced.seconds).toBeLessThan(75 / 28 + 1.5);
  });
});
