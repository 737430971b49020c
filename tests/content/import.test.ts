import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCourse } from '../../content/import';
import { loadCourseFromDir } from '../../content/loader';
import { createSql } from '../../db';
import type { Sql } from '../../db';
import { runMigrations } from '../../db/migrate';
import { startEmbeddedPostgres } from '../../infra/embedded-postgres';
import type { EmbeddedPostgresHandle } from '../../infra/embedded-postgres';

const DEMO_DIR = path.join(__dirname, '..', '..', 'content', 'demo');

let scratch: string;
let postgres: EmbeddedPostgresHandle;
let sql: Sql;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'content-pg-'));
  // mkdtemp makes the folder private (0700); as root, Postgres runs as the `postgres` user, who must reach data/.
  chmodSync(scratch, 0o755);
  postgres = await startEmbeddedPostgres({
    dataDir: `${scratch}/data`,
    port: await freePortBetween(40_000, 50_000),
    persistent: false,
  });
  await runMigrations(postgres.adminUrl);
  sql = createSql(postgres.adminUrl, { max: 2 });
});

afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await postgres?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

interface CourseRow {
  id: number;
  title: string;
  lessonIntervalMs: number;
  contentHash: string;
  updatedAt: Date;
}

const courseRow = async (slug: string) => (await sql<CourseRow[]>`select * from courses where slug = ${slug}`)[0]!;
const lessonRows = (courseId: number) =>
  sql<
    {
      day: number;
      title: string;
      silent: boolean;
      parts: unknown[];
      tasks: Record<string, string>;
      gate: string | null;
    }[]
  >`
    select day, title, silent, parts, tasks, gate from lessons where course_id = ${courseId} order by day`;
const tariffRows = (courseId: number) =>
  sql<{ tariff: string; priceMinor: number; currency: string; includes: string[]; groupChatIds: number[] }[]>`
    select tariff, price_minor, currency, includes, group_chat_ids from course_tariffs where course_id = ${courseId}
    order by tariff`;

describe('importCourse', () => {
  it('imports the demo course, then leaves it unchanged on a second run, then applies an edit in place', async () => {
    const demo = await loadCourseFromDir(DEMO_DIR);
    expect(await importCourse(sql, demo)).toEqual({ slug: 'demo', lessons: 7, changed: true });

    const course = await courseRow('demo');
    expect(course).toMatchObject({ title: demo.title, lessonIntervalMs: 86_400_000, contentHash: demo.contentHash });
    expect(course).toMatchObject({ certificate: true });
    const lessons = await lessonRows(course.id);
    expect(lessons.map((l) => l.day)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(lessons.filter((l) => l.silent).map((l) => l.day)).toEqual([4]);
    expect(lessons.map((l) => l.gate)).toEqual(['submitted', null, null, null, null, null, null]);
    expect(lessons[3]).toMatchObject({ parts: [], tasks: {} });
    expect(lessons[0]?.parts).toEqual(demo.lessons[0]?.parts);
    expect(lessons[0]?.tasks).toEqual(demo.lessons[0]?.tasks);
    expect((await tariffRows(course.id)).map((t) => [t.tariff, t.priceMinor, t.currency])).toEqual([
      ['BASIC', 1900, 'USD'],
      ['FEEDBACK', 4900, 'USD'],
      ['PREMIUM', 9900, 'USD'],
    ]);

    expect(await importCourse(sql, await loadCourseFromDir(DEMO_DIR))).toEqual({
      slug: 'demo',
      lessons: 7,
      changed: false,
    });
    const again = await courseRow('demo');
    expect(again.id).toBe(course.id);
    expect(again.updatedAt).toEqual(course.updatedAt);

    const edited = await loadCourseFromDir(editedDemoCopy());
    expect(await importCourse(sql, edited)).toEqual({ slug: 'demo', lessons: 6, changed: true });
    const after = await courseRow('demo');
    expect(after.id).toBe(course.id);
    expect(after.contentHash).toBe(edited.contentHash);
    expect(after.updatedAt.getTime()).toBeGreaterThan(course.updatedAt.getTime());
    const editedLessons = await lessonRows(course.id);
    expect(editedLessons.map((l) => l.day)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(editedLessons[0]?.title).toBe('How Telegram bots really work');
    expect((await tariffRows(course.id)).map((t) => t.tariff)).toEqual(['BASIC', 'FEEDBACK']);
  });

  it('stores tariff includes and group chat ids as arrays', async () => {
    const demo = await loadCourseFromDir(DEMO_DIR);
    const course = { ...demo, slug: 'demo-groups', contentHash: 'groups' };
    course.tariffs = demo.tariffs.map((t) => (t.tariff === 'PREMIUM' ? { ...t, groupChatIds: [-1001234567890] } : t));
    await importCourse(sql, course);
    const tariffs = await tariffRows((await courseRow('demo-groups')).id);
    expect(tariffs.find((t) => t.tariff === 'PREMIUM')).toMatchObject({ groupChatIds: [-1001234567890] });
    expect(tariffs.find((t) => t.tariff === 'BASIC')?.includes).toEqual(demo.tariffs[0]?.includes);
  });

  it("keeps a course's cohorts in step with course.yaml, leaving those added by hand and those students joined", async () => {
    const demo = await loadCourseFromDir(DEMO_DIR);
    const rules = { policy: 'catch-up' as const, catchUpEveryMs: 60_000, lessonTime: '08:15', joinUntilDay: 3 };
    const withCohorts = (starts: { name: string; startsOn: string }[], hash: string) => ({
      ...demo,
      slug: 'demo-cohorts',
      cohorts: { ...rules, starts },
      contentHash: hash,
    });
    await importCourse(
      sql,
      withCohorts(
        [
          { name: 'spring', startsOn: '2027-03-01' },
          { name: 'summer', startsOn: '2027-06-01' },
        ],
        'c1',
      ),
    );
    const { id } = await courseRow('demo-cohorts');
    await sql`insert into cohorts (course_id, name, starts_on, source) values (${id}, 'by-hand', '2027-04-01', 'admin')`;
    const [user] = await sql<
      { id: number }[]
    >`insert into users (telegram_id, first_name) values (5550001, 'Ann') returning id`;
    await sql`insert into enrollments (user_id, course_id, workflow_id, cohort_id)
              select ${user!.id}, ${id}, 'wf-cohort-import', c.id from cohorts c where c.course_id = ${id} and c.name = 'summer'`;
    // summer moves to July; spring is no longer listed and goes; by-hand stays; autumn is new.
    await importCourse(
      sql,
      withCohorts(
        [
          { name: 'summer', startsOn: '2027-07-01' },
          { name: 'autumn', startsOn: '2027-09-01' },
        ],
        'c2',
      ),
    );
    const cohorts = await sql<{ name: string; startsOn: string; source: string }[]>`
      select name, to_char(starts_on, 'YYYY-MM-DD') as starts_on, source from cohorts where course_id = ${id} order by name`;
    expect(cohorts).toEqual([
      { name: 'autumn', startsOn: '2027-09-01', source: 'file' },
      { name: 'by-hand', startsOn: '2027-04-01', source: 'admin' },
      { name: 'summer', startsOn: '2027-07-01', source: 'file' },
    ]);
    const [course] = await sql<{ policy: string; catchUpMs: number; lessonTime: string; joinUntil: number }[]>`
      select cohort_policy as policy, cohort_catch_up_ms as catch_up_ms, cohort_lesson_time::text as lesson_time,
             cohort_join_until_day as join_until from courses where id = ${id}`;
    expect(course).toEqual({ policy: 'catch-up', catchUpMs: 60_000, lessonTime: '08:15:00', joinUntil: 3 });
    // Self-paced again: the policy goes, the joined cohort stays for its students.
    await importCourse(sql, { ...demo, slug: 'demo-cohorts', contentHash: 'c3' });
    expect((await sql`select cohort_policy from courses where id = ${id}`)[0]).toEqual({ cohortPolicy: null });
    expect((await sql`select name from cohorts where course_id = ${id} order by name`).map((r) => r.name)).toEqual([
      'by-hand',
      'summer',
    ]);
  });
});

/** A copy of the demo course (folder `demo`, as its slug requires) with day 1 renamed, day 7 and PREMIUM gone. */
function editedDemoCopy(): string {
  const dir = path.join(mkdtempSync(path.join(scratch, 'edit-')), 'demo');
  cpSync(DEMO_DIR, dir, { recursive: true });
  const courseFile = path.join(dir, 'course.yaml');
  const doc = parseDocument(readFileSync(courseFile, 'utf8'));
  doc.deleteIn(['tariffs', 'PREMIUM']);
  writeFileSync(courseFile, doc.toString());
  const first = path.join(dir, 'lessons', '01-how-bots-work.md');
  writeFileSync(
    first,
    readFileSync(first, 'utf8').replace('title: How Telegram bots work', 'title: How Telegram bots really work'),
  );
  rmSync(path.join(dir, 'lessons', '07-payments.md'));
  return dir;
}

/** A random port in [min, max) that is free on loopback now; random so parallel runs rarely collide. */
async function freePortBetween(min: number, max: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = min + Math.floor(Math.random() * (max - min));
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`No free port between ${min} and ${max}`);
}
