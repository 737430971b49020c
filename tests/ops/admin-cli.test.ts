import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { UsageError, runAdminCli } from '../../admin/cli';
import { AdminOpError } from '../../journey/admin-ops';
import { enrollmentWorkflowId, progressQuery } from '../../journey/definitions';
import { insertCourse, insertUser } from '../helpers/fixtures';
import { enrollmentRows } from '../helpers/journey';
import { eventually, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';

const ROOT = path.resolve(__dirname, '..', '..');

/** `npm run admin`: the ops CLI against real Postgres and Temporal, in-process and as the real command. */
describe('the admin CLI', () => {
  let p: Platform;
  let output: string[];
  const admin = async (...argv: string[]) => {
    output = [];
    await runAdminCli(argv, {
      sql: p.db.sql,
      client: async () => p.temporal.client,
      taskQueue: p.temporal.taskQueue,
      out: (text) => output.push(text),
    });
    return output.join('\n');
  };
  beforeAll(async () => {
    p = await startPlatform();
  });
  afterAll(async () => p?.close());

  it('grants, lists by stage, pauses and resumes journeys, and exports students as CSV', async () => {
    const { sql } = p.db;
    const slug = p.slug('cli');
    await insertCourse(sql, { slug, lessons: [{ day: 1 }, { day: 2 }] });
    const ada = await insertUser(sql, { firstName: '=HYPERLINK("http://x"), "Evil"' });
    const bob = await insertUser(sql, { firstName: 'Bob' });
    const adaInput = { userId: ada.userId, courseSlug: slug };
    await p.temporal.enrollments.start({ userId: bob.userId, courseSlug: slug });

    // Access by hand; the same grant again is the same payment, taken once.
    expect(await admin('grant', String(ada.telegramId), 'feedback', '--course', slug)).toBe(
      `${ada.telegramId} has FEEDBACK access to ${slug}`,
    );
    await admin('grant', String(ada.telegramId), 'FEEDBACK', '--course', slug);
    const handle = p.temporal.enrollments.handle(adaInput);
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.stage === 'active' && pr.lessonsDelivered.includes(1),
    );
    expect((await enrollmentRows(sql, adaInput))?.payments).toHaveLength(1);

    // Listing by stage comes from Temporal's visibility store, as in the UI.
    const active = await eventually(
      () => admin('journeys', '--course', slug, '--stage', 'active'),
      (text) => text.includes(enrollmentWorkflowId(adaInput)),
    );
    expect(active.split('\n')[0]).toMatch(/^JOURNEY\s+STATUS\s+STAGE\s+TARIFF\s+DAY\s+STARTED$/);
    expect(active).toMatch(new RegExp(`${enrollmentWorkflowId(adaInput)}\\s+RUNNING\\s+active\\s+FEEDBACK\\s+1\\s`));
    expect(active).not.toContain(`-${bob.userId} `);
    const unpaid = await eventually(
      () => admin('journeys', '--course', slug, '--stage', 'awaiting-payment'),
      (text) => text.includes(`enrollment-${slug}-${bob.userId}`),
    );
    expect(unpaid).not.toContain(enrollmentWorkflowId(adaInput));
    expect(await admin('journeys', '--course', slug, '--stage', 'completed')).toBe('No journeys match.');

    // Pause and resume are signals to the journey.
    await admin('pause', String(ada.telegramId), '--course', slug);
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.stage === 'paused',
    );
    await admin('resume', String(ada.telegramId));
    await eventually(
      () => handle.query(progressQuery),
      (pr) => pr.stage === 'active',
    );
    const actions = await sql<{ action: string; details: { via: string } }[]>`
      select action, details from admin_actions where target = ${`user:${ada.telegramId}`} order by id`;
    expect(actions.map((a) => a.action)).toEqual(['grant', 'grant', 'pause', 'resume']);
    expect(actions.every((a) => a.details.via === 'cli')).toBe(true);

    // CSV: one row per enrollment, quoted where needed, and a name that is a formula stays text.
    const csv = (await admin('export-students', '--course', slug)).split('\r\n');
    expect(csv[0]).toBe(
      'telegram_id,username,first_name,last_name,email,language,course,tariff,stage,current_day,enrolled_at,' +
        'access_granted_at,completed_at,paid_minor,currency,referred_by',
    );
    expect(csv).toHaveLength(3);
    const rowOf = (telegramId: number) => csv.find((line) => line.startsWith(`${telegramId},`));
    expect(rowOf(bob.telegramId)).toMatch(
      new RegExp(`^${bob.telegramId},,Bob,,,en,${slug},,awaiting-payment,0,\\d{4}-[^,]+Z,,,0,,$`),
    );
    expect(rowOf(ada.telegramId)).toContain(
      `${ada.telegramId},,"'=HYPERLINK(""http://x""), ""Evil""",,,en,${slug},FEEDBACK,`,
    );
  });

  it('explains mistakes and changes nothing', async () => {
    await expect(admin('journeys', '--stage', 'nope')).rejects.toThrow(UsageError);
    await expect(admin('pause', 'abc')).rejects.toThrow('Not a Telegram user id: "abc"');
    await expect(admin('pause', '123456789')).rejects.toThrow(new AdminOpError('No enrollment for 123456789.'));
    await expect(admin('frobnicate')).rejects.toThrow('Unknown command "frobnicate"');
    const [{ n }] = await p.db.sql<
      [{ n: number }]
    >`select count(*)::int as n from admin_actions where target = 'user:123456789'`;
    expect(n).toBe(0);
  });

  it('runs as `npm run admin`: lists journeys, and exits 2 with the usage on a mistake', async () => {
    const env = {
      PATH: process.env.PATH,
      DATABASE_URL: p.db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: p.temporal.taskQueue,
    };
    const run = (...argv: string[]) =>
      spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'apps', 'admin.ts'), ...argv], {
        cwd: ROOT,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
    const listed = run('journeys', '--stage', 'active');
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(/^JOURNEY\s+STATUS/);
    const wrong = run('journeys', '--stage', 'sleeping');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('Unknown stage "sleeping"');
    expect(wrong.stderr).toContain('Usage: npm run admin');
  });

  it('adds and lists cohorts, audited, and refuses a bad one with nothing changed', async () => {
    const { sql } = p.db;
    const slug = p.slug('cli-cohorts');
    await insertCourse(sql, { slug, lessons: [{ day: 1 }], cohorts: { policy: 'from-today', starts: [] } });
    const startsOn = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    expect(await admin('cohort', 'add', slug, 'june', startsOn)).toBe(`${slug}: cohort june starts on ${startsOn}`);
    await expect(admin('cohort', 'add', slug, 'june', startsOn)).rejects.toThrow(
      new AdminOpError(`${slug} already has a cohort "june".`),
    );
    await expect(admin('cohort', 'add', slug, 'july')).rejects.toThrow(UsageError);
    await expect(admin('cohort', 'add', slug, 'july', '2027-13-01')).rejects.toThrow(AdminOpError);
    const listed = await admin('cohort', 'list', '--course', slug);
    expect(listed.split('\n')).toEqual([
      expect.stringMatching(/^COURSE\s+COHORT\s+STARTS\s+SOURCE\s+STUDENTS\s+COMPLETED$/),
      expect.stringMatching(new RegExp(`^${slug}\\s+june\\s+${startsOn}\\s+admin\\s+0\\s+0$`)),
    ]);
    const audit = await sql<{ action: string; details: { via: string } }[]>`
      select action, details from admin_actions where target = ${`course:${slug}`}`;
    expect(audit).toEqual([{ action: 'add-cohort', details: expect.objectContaining({ name: 'june', via: 'cli' }) }]);
  });
});
