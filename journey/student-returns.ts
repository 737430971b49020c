import { WorkflowNotFoundError } from '@temporalio/client';
import type { Sql } from '../db';
import { studentReturnedSignal } from './definitions';
import type { EnrollmentInput } from './definitions';

/** What telling a journey takes: the journey client (client.ts) or anything shaped like it. */
export interface ReturnSignaller {
  handle(input: EnrollmentInput): { signal(definition: typeof studentReturnedSignal): Promise<void> };
}

/**
 * The student can be reached again (they unblocked a bot or wrote to it, or ops said so): their journeys get
 * studentReturnedSignal and at once retry what they could not deliver; the signal changes nothing in a journey that
 * is not waiting. Which journeys:
 * - `blocked` (someone wrote to the bot, ops said so): those whose stage in Postgres is `blocked`, so a student who
 *   was never blocked costs one indexed query and no call to Temporal;
 * - `unfinished` (the student unblocked a bot: rare, and the moment that matters): every journey not yet ended. The
 *   stage in Postgres lags the journey by a step (a 403 is written as `blocked` by a step of its own, which a worker
 *   stop or a Postgres restart delays), and a return that comes in that gap must not be lost; the journey also
 *   counts a return that reached it while the refused step was still running (workflows/student-line.ts).
 * A journey that already gave up (ended) answers not found and is skipped, and so is every journey of a student ops
 * hold (/block: they come back through /unblock, not by writing). Returns how many journeys were told.
 */
export async function signalStudentReturned(
  deps: { sql: Sql; enrollments: ReturnSignaller },
  telegramId: number,
  which: 'blocked' | 'unfinished' = 'blocked',
): Promise<number> {
  const journeys = await deps.sql<{ userId: number; courseSlug: string }[]>`
    select e.user_id, c.slug as course_slug from enrollments e
    join users u on u.id = e.user_id join courses c on c.id = e.course_id
    where u.telegram_id = ${telegramId} and u.blocked_at is null
    and ${which === 'blocked' ? deps.sql`e.stage = 'blocked'` : deps.sql`e.stage not in ('completed', 'expired', 'refunded')`}`;
  let told = 0;
  for (const journey of journeys) {
    try {
      await deps.enrollments.handle(journey).signal(studentReturnedSignal);
      told++;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  return told;
}
