import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TELEGRAM_CHAT_LIMITS } from '../../activities/chat-pacing';
import { createSendPacer } from '../../activities/pacing';
import { createSql } from '../../db';
import type { Sql } from '../../db';
import { startBotApiStandIn } from '../../testing/bot-api';
import { createTestDatabase } from '../helpers/database';
import type { TestDatabase } from '../helpers/database';

const STUDENT = 7_100_001;
const GROUP = -1_005_550_001;

/**
 * Per-chat pacing on top of the per-bot rate: against the stand-in with Telegram's flood limits (3 at once then 1/s
 * per private chat, 20 a minute per group, 30/s per bot), paced sends are never refused, and they leave exactly as
 * fast as the configured limits allow, however many processes send.
 */
describe('per-chat and per-group pacing', () => {
  let db: TestDatabase;
  let standIn: Awaited<ReturnType<typeof startBotApiStandIn>>;
  const extraSql: Sql[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    standIn = await startBotApiStandIn({ port: 0 }); // Telegram's limits
  });
  afterAll(async () => {
    await Promise.all(extraSql.map((sql) => sql.end({ timeout: 5 })));
    await standIn?.stop();
    await db?.drop();
  });

  /** A "process": its own connection pool and pacer over the shared database. */
  function sender(token: string) {
    const sql = createSql(db.url, { max: 4 });
    extraSql.push(sql);
    const pacer = createSendPacer(sql, 28, TELEGRAM_CHAT_LIMITS);
    const api = new Api(token, { apiRoot: standIn.apiRoot });
    pacer.install(api);
    return { api, pacer };
  }

  /** Sends without stopping at a refusal, so a run without pacing shows how many were refused. */
  const attempt = (send: Promise<unknown>) =>
    send.then(
      () => true,
      () => false,
    );

  /** Arrival times (ms after the first) of the messages the stand-in took into `chatId`, and how many it refused. */
  function arrivals(botId: number, chatId: number) {
    const calls = standIn.calls().filter((c) => c.botId === botId && Number(c.params.chat_id) === chatId);
    const taken = calls.filter((c) => c.ok).map((c) => c.at);
    return { offsets: taken.map((at) => at - taken[0]!), refused: calls.filter((c) => c.status === 429).length };
  }

  /** Message i may arrive no sooner than the bucket allows: `burst` at once, then one every `spacingMs`. */
  function expectPacedLike(offsets: number[], burst: number, spacingMs: number) {
    offsets.forEach((offset, i) => {
      if (i >= burst) expect(offset, `message ${i + 1}`).toBeGreaterThanOrEqual((i - burst + 1) * spacingMs - 5);
    });
    const last = Math.max(0, offsets.length - burst) * spacingMs;
    expect(offsets.at(-1), 'the last message waits no longer than the rate requires').toBeLessThan(last + 700);
  }

  it("sends a lesson's 5 parts to a student and a burst of 22 to a group with no 429, at the configured rates", async () => {
    const { api } = sender('4301:chat-pacing-lesson');
    const lesson = (async () => {
      for (let part = 1; part <= 5; part++) await attempt(api.sendMessage(STUDENT, `lesson 1, part ${part}`));
    })();
    const burst = Promise.all(
      Array.from({ length: 22 }, (_, i) => attempt(api.sendMessage(GROUP, `group message ${i + 1}`))),
    );
    await Promise.all([lesson, burst]);

    const student = arrivals(4301, STUDENT);
    const group = arrivals(4301, GROUP);
    expect({ student: student.refused, group: group.refused }).toEqual({ student: 0, group: 0 });
    expect(student.offsets).toHaveLength(5);
    expect(group.offsets).toHaveLength(22);
    // 3 at once, then 1/s: parts 4 and 5 one and two seconds after the first.
    expect(student.offsets[2]).toBeLessThan(500);
    expectPacedLike(student.offsets, 3, 1000);
    // 20 at once, then one every 3 s (20 a minute).
    expect(group.offsets[19]).toBeLessThan(1000);
    expectPacedLike(group.offsets, 20, 3000);
  });

  it('follows configured limits: one at once then 2/s to a private chat, 3 at once then 1/s to a group', async () => {
    const limits = { chatBurst: 1, chatPerSecond: 2, groupBurst: 3, groupPerMinute: 60 };
    const strict = await startBotApiStandIn({
      port: 0,
      rateLimits: { chatBurst: 1, perChatPerSecond: 2 }, // groups: Telegram's 20 a minute, laxer than 3 then 1/s
    });
    try {
      const sql = createSql(db.url, { max: 4 });
      extraSql.push(sql);
      const api = new Api('4304:chat-pacing-configured', { apiRoot: strict.apiRoot });
      createSendPacer(sql, 28, limits).install(api);
      await Promise.all([
        (async () => {
          for (let part = 1; part <= 5; part++) await attempt(api.sendMessage(STUDENT, `part ${part}`));
        })(),
        ...Array.from({ length: 5 }, (_, i) => attempt(api.sendMessage(GROUP, `group message ${i + 1}`))),
      ]);
      const times = (chatId: number) => {
        const taken = strict.calls().filter((c) => c.ok && Number(c.params.chat_id) === chatId);
        return taken.map((c) => c.at - taken[0]!.at);
      };
      expect(strict.calls().filter((c) => c.status === 429)).toHaveLength(0);
      expectPacedLike(times(STUDENT), 1, 500);
      expectPacedLike(times(GROUP), 3, 1000);
    } finally {
      await strict.stop();
    }
  });

  it('keeps two processes sending to one chat together under its rate', async () => {
    const senders = [sender('4302:chat-pacing-two'), sender('4302:chat-pacing-two')];
    await Promise.all(
      senders.map(async ({ api }, s) => {
        for (let part = 1; part <= 4; part++) await attempt(api.sendMessage(STUDENT, `sender ${s + 1}, part ${part}`));
      }),
    );

    const { offsets, refused } = arrivals(4302, STUDENT);
    expect(refused).toBe(0);
    expect(offsets).toHaveLength(8);
    expectPacedLike(offsets, 3, 1000);
  });

  it("still holds the bot's rate across many chats, and forgets chats once idle", async () => {
    const senders = [0, 1, 2].map(() => sender('4303:chat-pacing-many'));
    const started = Date.now();
    // 30 chats × 4 messages, all at once from three processes: each chat's 4th waits a second, the bot's rate more.
    const sends = Array.from({ length: 120 }, (_, i) =>
      senders[i % 3]!.api.sendMessage(8_000_000 + (i % 30), `message ${i}`),
    );
    const results = await Promise.allSettled(sends);
    const seconds = (Date.now() - started) / 1000;

    const calls = standIn.calls().filter((c) => c.botId === 4303);
    expect({
      delivered: results.filter((r) => r.status === 'fulfilled').length,
      refused: calls.filter((c) => c.status === 429).length,
    }).toEqual({ delivered: 120, refused: 0 });
    // 28/s for the bot, its first second's worth at once: at least (120 - 28 - 1) / 28 s, and not much more.
    expect(seconds).toBeGreaterThanOrEqual(91 / 28 - 0.05);
    expect(seconds).toBeLessThan(91 / 28 + 1.5);

    const rows = async () =>
      (await db.sql<{ n: number }[]>`select count(*)::int as n from chat_pacing where bot_id = 4303`)[0]!.n;
    expect(await rows()).toBeGreaterThanOrEqual(30);
    await new Promise((resolve) => setTimeout(resolve, 3_500)); // 3 s after its last message a chat's bucket is full
    await senders[0]!.pacer.sweepIdle();
    expect(await rows(), 'idle chats leave no row behind').toBe(0);
  });
});
