import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSendPacer, withLane } from '../../activities/pacing';
import type { Lane, LaneSettings } from '../../activities/pacing';
import { createSql } from '../../db';
import type { Sql } from '../../db';
import { createTestDatabase } from '../helpers/database';
import type { TestDatabase } from '../helpers/database';

const PER_SECOND = 50; // a slot every 20 ms: a backlog of seconds in a test of seconds
const SPACING_MS = 1000 / PER_SECOND;
const LANES: LaneSettings = { scheduledAheadMs: 100, bulkShare: 0.2 };

/**
 * Lanes of a bot's rate across processes (issue #15): an answer to a user goes within about the horizon however many
 * lessons two processes have waiting, lessons keep the rate, bulk keeps to its share while lessons wait, and the sum
 * of all lanes never exceeds the bot's limit.
 */
describe('send lanes', () => {
  let db: TestDatabase;
  const pools: Sql[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(pools.map((sql) => sql.end({ timeout: 5 })));
    await db?.drop();
  });

  /** A "process": its own connection pool and pacer over the shared database. */
  function processes(count: number, lanes: LaneSettings | false = LANES) {
    return Array.from({ length: count }, () => {
      const sql = createSql(db.url, { max: 4 });
      pools.push(sql);
      return createSendPacer(sql, PER_SECOND, undefined, lanes);
    });
  }
  type Pacer = ReturnType<typeof processes>[number];

  /** Sends one message of `lane` for `botId` through `pacer` and resolves with when it went, and how long it waited. */
  async function send(pacer: Pacer, botId: number, lane: Lane) {
    const asked = Date.now();
    const at = await withLane(lane, () => pacer.pace(botId, undefined, async () => Date.now()));
    return { lane, at, waitedMs: at - asked };
  }
  const many = (pacer: Pacer, botId: number, lane: Lane, count: number) =>
    Array.from({ length: count }, () => send(pacer, botId, lane));
  const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** A backlog of 100 lessons from two processes, and 0.5 s into it an answer: how long the answer waits. */
  async function answerDuringBacklog(botId: number, lanes: LaneSettings | false) {
    const [a, b] = processes(2, lanes);
    const lessons = [...many(a!, botId, 'scheduled', 50), ...many(b!, botId, 'scheduled', 50)];
    await later(500);
    const answer = await send(a!, botId, 'interactive');
    const sent = await Promise.all(lessons);
    return { answer, lessonsAfter: sent.filter((s) => s.at > answer.at).length };
  }

  it('answers within the horizon and a spacing while two processes have lessons waiting', async () => {
    const { answer, lessonsAfter } = await answerDuringBacklog(9_001, LANES);
    expect(lessonsAfter, 'the backlog was still there').toBeGreaterThan(20);
    expect(answer.waitedMs).toBeLessThan(LANES.scheduledAheadMs + SPACING_MS + 150);
  });

  it('with PRIORITIES=off (no lanes), the answer waits behind the backlog', async () => {
    const { answer, lessonsAfter } = await answerDuringBacklog(9_002, false);
    expect(lessonsAfter).toBeLessThan(5);
    expect(answer.waitedMs).toBeGreaterThan(700);
  });

  it('keeps every lane of every process together under the limit', async () => {
    const [a, b] = processes(2);
    const botId = 9_003;
    const sends = [
      ...[a!, b!].flatMap((p) => [...many(p, botId, 'scheduled', 40), ...many(p, botId, 'bulk', 30)]),
      ...[0, 1, 2, 3, 4, 5].map(async (i) => {
        await later(200 * i);
        return send(i % 2 ? a! : b!, botId, 'interactive');
      }),
    ];
    const times = (await Promise.all(sends)).map((s) => s.at).sort((x, y) => x - y);
    expect(times).toHaveLength(146);
    // In any window of T s at most PER_SECOND × (T + 0.5) (the bucket's half-second burst), plus a message and 0.1 s
    // for timers that fire late on a busy machine and bunch sends together.
    times.forEach((from, i) =>
      times.slice(i).forEach((to, k) => {
        const allowed = PER_SECOND * ((to - from) / 1000 + 0.6) + 1;
        if (k + 1 > allowed) expect.fail(`${k + 1} messages within ${to - from} ms`);
      }),
    );
  });

  /** Messages per second from the 31st to the last message, past the idle bucket's burst. */
  function steadyRate(times: number[]) {
    const sorted = [...times].sort((x, y) => x - y).slice(30);
    return ((sorted.length - 1) * 1000) / (sorted.at(-1)! - sorted[0]!);
  }

  it('gives lessons at least 90% of the rate when nothing else waits', async () => {
    const [a, b] = processes(2);
    const sent = await Promise.all([...many(a!, 9_004, 'scheduled', 60), ...many(b!, 9_004, 'scheduled', 60)]);
    expect(steadyRate(sent.map((s) => s.at))).toBeGreaterThanOrEqual(0.9 * PER_SECOND);
  });

  it('keeps bulk to its share while lessons wait, and gives it the whole rate when nothing else does', async () => {
    const [a, b] = processes(2);
    const mixed = await Promise.all(
      [a!, b!].flatMap((p) => [...many(p, 9_005, 'scheduled', 80), ...many(p, 9_005, 'bulk', 60)]),
    );
    // From the end of the idle bucket's burst to the last lesson, lessons were waiting all along (and bulk too).
    const lastLesson = Math.max(...mixed.filter((s) => s.lane === 'scheduled').map((s) => s.at));
    const firstAt = Math.min(...mixed.map((s) => s.at));
    const window = mixed.filter((s) => s.at > firstAt + 600 && s.at <= lastLesson);
    const bulkShare = window.filter((s) => s.lane === 'bulk').length / window.length;
    expect(window.length).toBeGreaterThan(40);
    expect(bulkShare).toBeLessThanOrEqual(LANES.bulkShare + 0.05);

    const alone = await Promise.all([...many(a!, 9_006, 'bulk', 60), ...many(b!, 9_006, 'bulk', 60)]);
    expect(steadyRate(alone.map((s) => s.at))).toBeGreaterThanOrEqual(0.9 * PER_SECOND);
  });
});
