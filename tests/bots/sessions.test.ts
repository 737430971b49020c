import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresSessionStorage, SESSION_RETENTION_MS } from '../../bots/session';
import { insertCourse } from '../helpers/fixtures';
import { startSalesPlatform } from '../helpers/sales';
import type { SalesPlatform } from '../helpers/sales';

const HOUR = 60 * 60 * 1000;
let nextId = 930_000_000 + Math.floor(Math.random() * 1_000_000) * 10;

/** Sessions hold what a bot waits for; they must not pile up one row per chat forever. */
describe('bot sessions', () => {
  let p: SalesPlatform;
  beforeAll(async () => {
    const slug = `sessions-${Math.random().toString(36).slice(2, 8)}`;
    p = await startSalesPlatform({ courseSlug: slug });
    await insertCourse(p.db.sql, { slug, intervalMs: 60_000, lessons: [{ day: 1 }] });
  });
  afterAll(async () => p?.close());

  const rows = async (prefix: string) =>
    (await p.db.sql<{ key: string }[]>`select key from bot_sessions where key like ${`${prefix}%`} order by key`).map(
      (r) => r.key,
    );

  it('leaves no row behind for users who only sent /start, and keeps one that waits for something', async () => {
    const before = await rows('sales:');
    const crowd = Array.from({ length: 20 }, () => p.student({ id: nextId++, first_name: 'Ana', language_code: 'en' }));
    for (const student of crowd) await student.send('/start');
    await Promise.all(crowd.map((student) => student.waitForText(/Choose a tariff/)));
    // One of them asks for a human: the bot waits for the question, so that session is kept.
    const asking = crowd[0]!;
    await asking.send('/support');
    await asking.waitForText(/.+/, 2);
    const after = await rows('sales:');
    const added = after.filter((key) => !before.includes(key));
    expect(added).toEqual([expect.stringMatching(new RegExp(`:${asking.user.id}$`))]);
  });

  it('reads a session untouched for the retention as absent and sweeps it on a later write', async () => {
    let now = Date.now();
    const storage = postgresSessionStorage<{ awaiting?: string }>(p.db.sql, 'retention-test', { now: () => now });
    await storage.write('1', { awaiting: 'promo' });
    await storage.write('2', { awaiting: 'email' });
    expect(await storage.read('1')).toEqual({ awaiting: 'promo' });

    now += SESSION_RETENTION_MS + HOUR;
    expect(await storage.read('1')).toBeUndefined();
    // Another chat's write sweeps both expired rows, and only this bot's.
    await storage.write('3', { awaiting: 'question' });
    expect(await rows('retention-test:')).toEqual(['retention-test:3']);
    // An emptied session deletes its row.
    await storage.write('3', {});
    expect(await rows('retention-test:')).toEqual([]);
  });
});
