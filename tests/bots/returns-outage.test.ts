import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tellReturn } from '../../bots/returns';
import { createSql } from '../../db';
import type { Sql } from '../../db';
import type { EnrollmentInput } from '../../journey/definitions';
import type { ReturnSignaller } from '../../journey/student-returns';
import { insertCourse, insertUser } from '../helpers/fixtures';
import { startOwnPostgres } from '../helpers/own-postgres';
import type { OwnPostgres } from '../helpers/own-postgres';

/**
 * A student unblocks the bot while Postgres restarts (the chaos run lost a returning student that way: the update
 * failed and was dropped). The bots' return handling waits for Postgres and then tells the journey; a Postgres of
 * this file's own is restarted under it. What the journey does with the signal is tests/bots/returning-student.test.ts.
 */
describe('a return while Postgres restarts', () => {
  let pg: OwnPostgres;
  let sql: Sql;
  const told: EnrollmentInput[] = [];
  const enrollments: ReturnSignaller = {
    handle: (input) => ({ signal: async () => void told.push(input) }),
  };

  beforeAll(async () => {
    pg = await startOwnPostgres('returns-outage');
    sql = createSql(pg.url, { max: 2 });
  });
  afterAll(async () => {
    await sql?.end({ timeout: 1 });
    await pg?.close();
  });

  /** A student whose journey in `slug` Postgres shows at `stage`. */
  async function student(slug: string, stage: string, opsHold = false) {
    const courseId = await insertCourse(sql, { slug, lessons: [{ day: 1 }] });
    const { userId, telegramId } = await insertUser(sql);
    await sql`insert into enrollments (user_id, course_id, workflow_id, tariff, stage)
              values (${userId}, ${courseId}, ${`returns-${userId}`}, 'BASIC', ${stage})`;
    if (opsHold) await sql`update users set blocked_at = now() where id = ${userId}`;
    return { userId, telegramId };
  }

  it('tells the journey once Postgres is back, whatever stage Postgres still shows', async () => {
    const ada = await student('returns-a', 'active');
    await pg.stop();
    const returned = tellReturn({ sql, enrollments }, ada.telegramId, 'unfinished');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await pg.start();
    expect(await returned).toBe(1);
    expect(told).toEqual([{ userId: ada.userId, courseSlug: 'returns-a' }]);
  });

  it('tells no journey of a student ops hold, and none that Postgres does not show blocked on a mere message', async () => {
    told.length = 0;
    const held = await student('returns-b', 'blocked', true);
    expect(await tellReturn({ sql, enrollments }, held.telegramId, 'unfinished')).toBe(0);
    const active = await student('returns-c', 'active');
    expect(await tellReturn({ sql, enrollments }, active.telegramId, 'blocked')).toBe(0);
    const blocked = await student('returns-d', 'blocked');
    expect(await tellReturn({ sql, enrollments }, blocked.telegramId, 'blocked')).toBe(1);
    expect(told).toEqual([{ userId: blocked.userId, courseSlug: 'returns-d' }]);
  });

  it('gives up with the connection error when Postgres stays away past the retry time', async () => {
    const bo = await student('returns-e', 'blocked');
    await pg.stop();
    try {
      await expect(tellReturn({ sql, enrollments }, bo.telegramId, 'unfinished', 1_000)).rejects.toMatchObject({
        code: expect.stringMatching(/ECONNREFUSED|CONNECTION/),
      });
    } finally {
      await pg.start();
    }
  });
});
