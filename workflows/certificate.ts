import { patched } from '@temporalio/workflow';
import { telegram } from './activity-steps';
import type { Journey } from './journey';

/** Certificates are issued from here on; a journey whose course issues none (every one before #17) never asks. */
export const CERTIFICATE_PATCH = 'course-certificate';

/**
 * After the completion message: the certificate, for courses that issue one (plan.certificate). Completing is passing
 * every gate (the last lesson comes only through them). False when the student could not be reached for it: the
 * journey ends blocked, as for the completion message.
 */
export async function issueCertificate({ state, plan, student }: Journey): Promise<boolean> {
  if (!plan.certificate || state.refunded || !patched(CERTIFICATE_PATCH)) return true;
  return student.reach(() => telegram.issueCertificate({ enrollmentId: plan.enrollmentId }));
}
