import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { importCourses } from '../content/catalog';
import type { Sql } from '../db';
import { ENROLLMENT_WORKFLOW_TYPE, searchAttributes } from '../journey/definitions';
import { STAGES } from '../domain/stages';
import { TARIFFS } from '../domain/tariffs';
import type { Tariff } from '../domain/tariffs';
import { createAdminOps } from '../journey/admin-ops';
import type { AdminActor } from '../journey/admin-ops';
import { enrollmentClient } from '../journey/client';
import { promoCli } from './promo';
import { partnerCli } from './partners';
import { createCohortOps } from '../journey/cohort-ops';
import { studentsCsv } from './students-csv';
import { funnelCli } from './funnel';

export const USAGE = `Usage: npm run admin -- <command> [options]

  import [dir ...]                              import or update courses (every folder under content/ by default)
  journeys [--stage S] [--tariff T] [--course C] [--limit N]
                                                list journeys from Temporal, newest first
  grant <telegram id> <BASIC|FEEDBACK|PREMIUM> [--course C]
                                                access by hand (granting the same tariff again changes nothing)
  pause <telegram id> [--course C]              hold the student's lessons
  resume <telegram id> [--course C]             go on with them
  move <telegram id> <day> [--course C]         that lesson now, the next ones on the usual rhythm
  revoke <telegram id> [--course C]             end access as a refund does (refund the money at the provider)
  export-students [--course C]                  students as CSV on stdout
  promo add CODE <N% | AMOUNT CUR> [--max N] [--until YYYY-MM-DD] [--tariff T] [--course C] [--partner P]
                                                a promo code (e.g. SPRING 20%, TENOFF 10.00 USD)
  promo list                                    codes with uses, limit, expiry and status
  promo off CODE                                switch a code off (orders made with it stay)
  cohort add <course> <name> <YYYY-MM-DD>       a new cohort of a course that runs in cohorts
  cohort list [--course C]                      cohorts with their start dates, students and completions
  funnel [--course C] [--since 30d|A..B] [--by tariff|partner|promo|cohort|language] [--csv]
                                                the sales and course funnel (/funnel's numbers), as CSV with --csv
  partner add CODE <telegram id> N% --course C [--tariff T]
                                                a partner and their commission (link: t.me/<sales bot>?start=CODE)
  partner list | partner report | partner paid CODE
                                                rates; the payout report as CSV; mark available money paid out

Stages: ${STAGES.join(', ')}. The course defaults to the student's newest enrollment.`;

/** A mistake in the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface AdminCliDeps {
  sql: Sql;
  /** Connected on first use: `import` and `export-students` need only Postgres. */
  client: () => Promise<Client>;
  taskQueue: string;
  out: (text: string) => void;
  /** PARTNER_MIN_PAYOUT (#18), minor units per currency; unset: any amount. */
  partnerMinPayout?: Record<string, number>;
}

/**
 * The ops CLI over the same operations the review desk uses. Journeys are listed from Temporal's visibility store
 * (what the Temporal UI shows); changes to a journey are signals, and each is written to admin_actions.
 */
export async function runAdminCli(argv: string[], deps: AdminCliDeps): Promise<void> {
  const [command, ...rest] = argv;
  // The same words as /promo in the review chat, parsed by the same module.
  if (command === 'promo') return promoCli(rest, deps, { telegramId: 0, via: 'cli', operator: userInfo().username });
  if (command === 'funnel') return funnelCli(rest, deps);
  if (command === 'partner')
    return partnerCli(rest, deps, { telegramId: 0, via: 'cli', operator: userInfo().username });
  const { values, positionals } = parseOptions(rest);
  const ops = async () =>
    createAdminOps({ sql: deps.sql, enrollments: enrollmentClient(await deps.client(), deps.taskQueue) });
  const actor: AdminActor = { telegramId: 0, via: 'cli', operator: userInfo().username };
  const course = values.course === undefined ? undefined : slugArg(values.course);

  switch (command) {
    case 'import': {
      for (const r of await importCourses(deps.sql, positionals.length > 0 ? positionals : undefined)) {
        deps.out(`${r.slug}: ${r.lessons} lessons, ${r.changed ? 'updated' : 'unchanged'}`);
      }
      return;
    }
    case 'journeys':
      return listJourneys(deps, {
        stage: values.stage === undefined ? undefined : oneOf('stage', values.stage, STAGES),
        tariff: values.tariff === undefined ? undefined : oneOf('tariff', values.tariff.toUpperCase(), TARIFFS),
        course,
        limit: values.limit === undefined ? 50 : positiveInt('limit', values.limit),
      });
    case 'grant': {
      const [id, tariffArg = ''] = expectArgs(positionals, 2, 'grant <telegram id> <tariff>');
      const telegramId = telegramIdArg(id);
      const tariff: Tariff = oneOf('tariff', tariffArg.toUpperCase(), TARIFFS);
      // The same grant twice is one payment id, so the journey takes it once.
      const requestId = `cli:${telegramId}:${course ?? 'newest'}:${tariff}`;
      const { courseSlug } = await (await ops()).grant(actor, { telegramId, tariff, slug: course, requestId });
      return deps.out(`${telegramId} has ${tariff} access to ${courseSlug}`);
    }
    case 'pause':
    case 'resume': {
      const [id] = expectArgs(positionals, 1, `${command} <telegram id>`);
      const telegramId = telegramIdArg(id);
      const { courseSlug } = await (
        await ops()
      ).pause(actor, { telegramId, slug: course, resume: command === 'resume' });
      return deps.out(`${telegramId}: ${courseSlug} ${command === 'pause' ? 'paused' : 'resumed'}`);
    }
    case 'move': {
      const [id, dayArg] = expectArgs(positionals, 2, 'move <telegram id> <day>');
      const telegramId = telegramIdArg(id);
      const day = positiveInt('day', dayArg);
      const { courseSlug } = await (await ops()).move(actor, { telegramId, day, slug: course });
      return deps.out(`${telegramId} moves to day ${day} of ${courseSlug}`);
    }
    case 'revoke': {
      const [id] = expectArgs(positionals, 1, 'revoke <telegram id>');
      const telegramId = telegramIdArg(id);
      const { courseSlug, payments } = await (await ops()).revoke(actor, { telegramId, slug: course });
      return deps.out(`${telegramId}: access to ${courseSlug} revoked (${payments} payment(s) marked refunded)`);
    }
    case 'export-students':
      return deps.out(await studentsCsv(deps.sql, course));
    case 'cohort':
      return cohortCommand(positionals, { sql: deps.sql, out: deps.out, actor, course });
    case undefined:
    case 'help':
    case '--help':
      return deps.out(USAGE);
    default:
      throw new UsageError(`Unknown command "${command}"`);
  }
}

async function cohortCommand(
  positionals: string[],
  { sql, out, actor, course }: { sql: Sql; out: (text: string) => void; actor: AdminActor; course?: string },
): Promise<void> {
  const [action, ...args] = positionals;
  const ops = createCohortOps({ sql });
  if (action === 'add') {
    const [slug, name = '', startsOn = ''] = expectArgs(args, 3, 'cohort add <course> <name> <YYYY-MM-DD>');
    const added = await ops.add(actor, { courseSlug: slugArg(slug ?? ''), name, startsOn });
    return out(`${added.courseSlug}: cohort ${added.name} starts on ${added.startsOn}`);
  }
  if (action !== 'list' || args.length > 0) throw new UsageError('Expected: cohort add … or cohort list [--course C]');
  const cohorts = await ops.list(course);
  if (cohorts.length === 0) return out('No cohorts.');
  const rows = cohorts.map((c) => [
    c.courseSlug,
    c.name,
    c.startsOn,
    c.source,
    String(c.students),
    String(c.completed),
  ]);
  out(table([['COURSE', 'COHORT', 'STARTS', 'SOURCE', 'STUDENTS', 'COMPLETED'], ...rows]));
}

async function listJourneys(
  deps: AdminCliDeps,
  filter: { stage?: string; tariff?: string; course?: string; limit: number },
): Promise<void> {
  // Every value was checked against a closed list or a slug pattern, so the query cannot be bent.
  const clauses = [`WorkflowType = '${ENROLLMENT_WORKFLOW_TYPE}'`];
  if (filter.stage) clauses.push(`${searchAttributes.stage.name} = '${filter.stage}'`);
  if (filter.tariff) clauses.push(`${searchAttributes.tariff.name} = '${filter.tariff}'`);
  if (filter.course) clauses.push(`${searchAttributes.course.name} = '${filter.course}'`);
  const rows: string[][] = [];
  const client = await deps.client();
  for await (const wf of client.workflow.list({ query: clauses.join(' AND '), pageSize: 100 })) {
    const attributes = wf.typedSearchAttributes;
    rows.push([
      wf.workflowId,
      wf.status.name,
      attributes.get(searchAttributes.stage) ?? '',
      attributes.get(searchAttributes.tariff) ?? '',
      String(attributes.get(searchAttributes.day) ?? ''),
      wf.startTime.toISOString(),
    ]);
    if (rows.length >= filter.limit) break;
  }
  if (rows.length === 0) return deps.out('No journeys match.');
  deps.out(table([['JOURNEY', 'STATUS', 'STAGE', 'TARIFF', 'DAY', 'STARTED'], ...rows]));
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function parseOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        course: { type: 'string' },
        stage: { type: 'string' },
        tariff: { type: 'string' },
        limit: { type: 'string' },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

function expectArgs(positionals: string[], n: number, shape: string): string[] {
  if (positionals.length !== n) throw new UsageError(`Expected: ${shape}`);
  return positionals;
}

function telegramIdArg(value: string | undefined): number {
  if (!value || !/^\d{1,15}$/.test(value)) throw new UsageError(`Not a Telegram user id: "${value ?? ''}"`);
  return Number(value);
}

function slugArg(value: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(value)) throw new UsageError(`Not a course slug: "${value}"`);
  return value;
}

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a whole number from 1: "${value ?? ''}"`);
  return n;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === value);
  if (!found) throw new UsageError(`Unknown ${name} "${value}"; one of: ${allowed.join(', ')}`);
  return found;
}
