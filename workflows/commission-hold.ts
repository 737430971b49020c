import { proxyActivities, sleep } from '@temporalio/workflow';
import type { CommissionHoldInput } from '../activities/commissions';
import type { Activities } from '../activities';
import { DATABASE_STEP } from './activity-steps';

const { releaseCommission } = proxyActivities<Pick<Activities, 'releaseCommission'>>(DATABASE_STEP);

/**
 * One partner commission's refund window (#18), started by the payment's step with the commission's id: a durable
 * timer for the course's hold, then held → available. A refund meanwhile has clawed it back already (the release
 * then changes nothing), so the workflow needs no signal. Its input is ids and a duration, nothing personal.
 */
export async function commissionHoldWorkflow(input: CommissionHoldInput): Promise<{ released: boolean }> {
  await sleep(input.holdMs);
  return releaseCommission({ commissionId: input.commissionId });
}
