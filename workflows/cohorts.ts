import { patched, upsertSearchAttributes } from '@temporalio/workflow';
import type { EnrollmentPlan } from '../activities';
import type { CohortPlace } from '../domain/cohorts';
import { searchAttributes } from '../journey/definitions';
import { db } from './activity-steps';
import type { JourneyState } from './journey-state';

/** Courses in cohorts schedule from the cohort's start from here on; self-paced journeys never ask. */
export const COHORTS_PATCH = 'cohorts';

/**
 * Joins the course's cohort, for a course that runs in cohorts (#17): the cohort (a search attribute from then on)
 * and the student's place in it, or null when the student goes at their own pace (a self-paced course, no cohort
 * running or to come, a journey from before cohorts).
 */
export async function joinCohort(state: JourneyState, plan: EnrollmentPlan): Promise<CohortPlace | null> {
  if (!plan.cohorts || !patched(COHORTS_PATCH)) return null;
  const place = await db.joinCohort({ enrollmentId: plan.enrollmentId, at: Date.now() });
  if (!place) return null;
  state.cohort = place;
  upsertSearchAttributes([{ key: searchAttributes.cohort, value: place.name }]);
  return place;
}
