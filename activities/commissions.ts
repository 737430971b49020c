import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Sql } from '../db';

/** The workflow that holds one commission for its course's refund window (workflows/commission-hold.ts). */
export const COMMISSION_HOLD_WORKFLOW_TYPE = 'commissionHoldWorkflow';
export const commissionHoldWorkflowId = (commissionId: number) => `commission-${commissionId}`;

/** A held commission and how long its hold lasts: ids and a duration only, nothing personal. */
export interface CommissionHoldInput {
  commissionId: number;
  holdMs: number;
}

/**
 * Accrues the commission of one accepted payment, at most once (commissions.payment_id is unique), and returns it
 * while it is held. Whose sale it is, first match wins: the partner bound to the order's promo code; the partner of
 * an earlier commission of the same enrollment (an upgrade follows its sale); the partner of the student's first
 * /start link. Nothing when that partner has no rate for the course (and tariff), when the buyer is the partner
 * (same Telegram id), or when the amount rounds to zero.
 */
export async function accrueCommission(
  sql: Sql,
  input: { paymentId: number; orderPublicId?: string },
): Promise<CommissionHoldInput | undefined> {
  await sql`
    with pay as (
      select p.id, p.amount_minor, p.currency, p.tariff, e.id as enrollment_id, e.user_id, e.course_id,
             c.partner_hold_ms, u.telegram_id as buyer
      from payments p join enrollments e on e.id = p.enrollment_id join courses c on c.id = e.course_id
      join users u on u.id = e.user_id
      where p.id = ${input.paymentId} and p.status = 'accepted'
    ), candidate as (
      select 1 as rank, 'promo' as source, pc.partner_id
      from pay join orders o on o.public_id = ${input.orderPublicId ?? null} and o.user_id = pay.user_id
      join promo_codes pc on pc.id = o.promo_code_id
      where pc.partner_id is not null
      union all
      select 2, 'sale', (select cm.partner_id from commissions cm join payments p2 on p2.id = cm.payment_id
                         where p2.enrollment_id = pay.enrollment_id order by cm.id limit 1)
      from pay
      union all
      select 3, 'link', pa.id
      from pay join referrals r on r.referred_user_id = pay.user_id join partners pa on pa.code = upper(r.partner_id)
    ), chosen as (
      select source, partner_id from candidate where partner_id is not null order by rank limit 1
    )
    insert into commissions (partner_id, payment_id, source, percent, amount_minor, currency, hold_ms)
    select pa.id, pay.id, chosen.source, rate.percent, pay.amount_minor * rate.percent / 100, pay.currency,
           pay.partner_hold_ms
    from pay cross join chosen join partners pa on pa.id = chosen.partner_id
    cross join lateral (
      select percent from partner_rates r
      where r.partner_id = pa.id and r.course_id = pay.course_id and (r.tariff = pay.tariff or r.tariff is null)
      order by r.tariff nulls last limit 1
    ) rate
    where pa.telegram_id <> pay.buyer and pay.amount_minor * rate.percent / 100 > 0
    on conflict (payment_id) do nothing`;
  const [held]: [CommissionHoldInput?] = await sql`
    select id as commission_id, hold_ms from commissions where payment_id = ${input.paymentId} and status = 'held'`;
  return held;
}

/**
 * A refunded payment's commission: still held (inside the refund window), it is clawed back; already available or
 * paid out, it stays and a negative adjustment of the same amount comes off the next payout. One statement, its row
 * locked against the hold's release; idempotent.
 */
export async function reverseCommission(
  sql: Sql,
  payment: { enrollmentId: number; provider: string; providerPaymentId: string },
) {
  await sql`
    with c as (
      select cm.id, cm.status, cm.partner_id, cm.amount_minor, cm.currency from commissions cm
      join payments p on p.id = cm.payment_id
      where p.enrollment_id = ${payment.enrollmentId} and p.provider = ${payment.provider}
        and p.provider_payment_id = ${payment.providerPaymentId} and p.status = 'refunded'
      for update of cm
    ), clawed as (
      update commissions set status = 'clawed_back', clawed_back_at = now()
      from c where commissions.id = c.id and c.status = 'held' returning commissions.id
    )
    insert into commission_adjustments (commission_id, partner_id, amount_minor, currency)
    select id, partner_id, -amount_minor, currency from c where status in ('available', 'paid_out')
    on conflict (commission_id) do nothing`;
}

/**
 * Starts the hold of a commission from inside an activity, with the worker's own client and task queue. The id is
 * the commission's, and a second start (a retried step) is refused by Temporal and ignored here.
 */
export async function startCommissionHold(hold: CommissionHoldInput): Promise<void> {
  const { client, info } = Context.current();
  try {
    await client.workflow.start(COMMISSION_HOLD_WORKFLOW_TYPE, {
      workflowId: commissionHoldWorkflowId(hold.commissionId),
      taskQueue: info.taskQueue,
      args: [hold],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/** The commission hold's one activity. */
export function createCommissionSteps({ sql }: { sql: Sql }) {
  return {
    /** Ends the hold: held → available. A commission clawed back (or released) meanwhile is left as it is. */
    async releaseCommission(input: { commissionId: number }): Promise<{ released: boolean }> {
      const rows = await sql`
        update commissions set status = 'available', released_at = now()
        where id = ${input.commissionId} and status = 'held' returning id`;
      return { released: rows.length > 0 };
    },
  };
}
