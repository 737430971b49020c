import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSql, withDatabase } from '../../db';
import { progressQuery } from '../../journey/definitions';
import type { ClusterProcess } from '../../infra/temporal-cluster';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { lessonArrivals } from '../helpers/journey';
import { eventually, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';

const INTERVAL = 2_000;
const LESSONS = [1, 2, 3, 4, 5];
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * The Temporal cluster itself (npm run test:cluster): its services run as processes of their own on Postgres, the
 * journeys' search attributes live in SQL visibility, and the history service survives losing one of its processes.
 */
describe('the Temporal cluster on Postgres', () => {
  let platform: Platform;
  const processes = JSON.parse(inject('clusterProcesses')) as ClusterProcess[];
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(async () => platform?.close());

  it('runs frontend, matching, the internal worker and two history services as separate processes', () => {
    const names = processes.map((p) => p.name).sort();
    expect(names).toEqual(expect.arrayContaining(['frontend', 'history-1', 'history-2', 'matching', 'worker']));
    expect(new Set(processes.map((p) => p.pid)).size).toBe(processes.length);
    for (const p of processes) expect(alive(p.pid), p.name).toBe(true);
  });

  it('keeps every journey going, each lesson once, when a history process is killed mid-journey', async () => {
    const slug = platform.slug('failover');
    await insertCourse(platform.db.sql, { slug, intervalMs: INTERVAL, lessons: LESSONS.map((day) => ({ day })) });
    // Enough journeys that both history processes own some: 16 shards split between them.
    const students = await Promise.all(Array.from({ length: 8 }, () => insertUser(platform.db.sql)));
    for (const { userId } of students) {
      await platform.temporal.enrollments.pay({ userId, courseSlug: slug }, payment('BASIC'));
    }
    await eventually(
      () =>
        Promise.all(
          students.map(({ userId }) =>
            platform.temporal.enrollments.handle({ userId, courseSlug: slug }).query(progressQuery),
          ),
        ),
      (all) => all.every((p) => p.lessonsDelivered.length >= 2),
      60_000,
    );

    const victim = processes.find((p) => p.name === 'history-2')!;
    process.kill(victim.pid, 'SIGKILL');
    await eventually(
      async () => alive(victim.pid),
      (up) => !up,
    );

    // The shards it owned move to history-1; every journey finishes, no lesson lost or sent twice.
    for (const { userId, telegramId } of students) {
      const handle = platform.temporal.enrollments.handle({ userId, courseSlug: slug });
      expect(await handle.result()).toEqual({ stage: 'completed', lessonsDelivered: LESSONS });
      const arrivals = lessonArrivals(platform, telegramId);
      expect([...arrivals.keys()]).toEqual(LESSONS);
      for (const times of arrivals.values()) expect(times).toHaveLength(1);
    }
  }, 240_000);

  it('finds journeys by their search attributes in SQL visibility on Postgres', async () => {
    const slug = platform.slug('visibility');
    await insertCourse(platform.db.sql, { slug, intervalMs: 60_000, lessons: [{ day: 1 }, { day: 2 }] });
    const { userId } = await insertUser(platform.db.sql);
    await platform.temporal.enrollments.pay({ userId, courseSlug: slug }, payment('PREMIUM'));
    const workflowId = platform.temporal.enrollments.handle({ userId, courseSlug: slug }).workflowId;
    const query = `CourseSlug = "${slug}" AND EnrollmentTariff = "PREMIUM" AND EnrollmentStage = "active"`;
    const found = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const w of platform.temporal.client.workflow.list({ query })) ids.push(w.workflowId);
        return ids;
      },
      (ids) => ids.length === 1,
    );
    expect(found).toEqual([workflowId]);
    // The rows behind that answer: the server's visibility database in Postgres.
    const visibility = createSql(withDatabase(inject('pgAdminUrl'), 'temporal_visibility'), { max: 1 });
    try {
      const rows = await visibility`select workflow_id from executions_visibility where workflow_id = ${workflowId}`;
      expect(rows).toHaveLength(1);
    } finally {
      await visibility.end();
    }
  });
});
