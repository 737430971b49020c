import { WorkflowNotFoundError } from '@temporalio/client';
import type { Sql } from '../db';
import { studentReturnedSignal } from './definitions';
import type { EnrollmentClient } from './client';

/**
 * The student can be reached again (they unblocked a bot or wrote to it, or ops said so): each of their journeys
 * that is blocked gets studentReturnedSignal and at once retries what it could not deliver; the signal changes
 * nothing in a journey that is not waiting. Postgres' stage picks the journeys, so a student who was never blocked
 * costs one indexed query and no call to Temporal. A journey that already gave up (ended blocked) is skipped.
 * Returns how many journeys were told.
 */
export async function signalStudentReturned(
  deps: { sql: Sql; enrollments: EnrollmentClient },
  telegramId: number,
): Promise<number> {
  const journeys = await deps.sql<{ userId: number; courseSlug: string }[]>`
    select e.user_id, c.slug as course_slug from enrollments e
    join users u on u.id = e.user_id join courses c on c.id = e.course_id
    where u.telegram_id = ${telegramId} and e.stage = 'blocked'`;
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
