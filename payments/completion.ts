import { WorkflowNotFoundError } from '@temporalio/client';
import { paymentReceivedSignal, paymentRefundedSignal } from '../journey/definitions';
import type { PaymentReceived } from '../journey/definitions';
import type { EnrollmentClient } from '../journey/client';
import { refusalOf } from './order-checks';
import type { OrderStore, StoredOrder } from './orders';
import type { VerifiedPaymentEvent } from './types';

export type CompletionOutcome =
  /** The journey has the payment (durably, in its history). */
  | 'accepted'
  /** This provider payment was already handled: nothing changes. */
  | 'duplicate'
  /** Not an order of ours for this provider: nothing changes. */
  | 'unknown-order'
  /** The journey has the refund. */
  | 'refunded'
  /** A second payment for an order already paid, whose journey has ended: recorded in refunds_due; refund it. */
  | 'extra-payment'
  /**
   * Money for an order that can no longer be honoured (expired, cancelled, its enrollment refunded or completed, an
   * upgrade from a tariff no longer held): nothing is granted, the payment is recorded in refunds_due.
   */
  | 'refund-due';

/**
 * Where every verified payment lands, whatever the provider (webhooks, Telegram Stars, a 100% promo code): the
 * order is checked against the enrollment as it is now, the journey gets the payment by signal-with-start, and only
 * then is the order marked paid, so a crash in between makes the provider's retry deliver it again (the journey
 * ignores a payment id it has seen).
 */
export function createPaymentCompletion({
  orders,
  enrollments,
  log = () => {},
}: {
  orders: OrderStore;
  enrollments: EnrollmentClient;
  log?: (line: string) => void;
}) {
  async function refundDue(order: StoredOrder, provider: string, event: VerifiedPaymentEvent, reason: string) {
    const recorded = await orders.flagRefund(order, provider, event, reason);
    if (recorded)
      log(`payment ${provider} ${event.providerPaymentId} for order ${order.publicId}: refund due, ${reason}`);
    return recorded ? 'refund-due' : 'duplicate';
  }

  return {
    async succeeded(provider: string, event: VerifiedPaymentEvent): Promise<CompletionOutcome> {
      const order = await orders.find(event.orderPublicId);
      if (!order || order.provider !== provider) return 'unknown-order';
      if (order.status !== 'pending' && order.providerPaymentId === event.providerPaymentId) return 'duplicate';
      const payment: PaymentReceived = {
        provider,
        providerPaymentId: event.providerPaymentId,
        amountMinor: event.amountMinor,
        currency: event.currency,
        tariff: order.tariff,
        order: {
          publicId: order.publicId,
          amountMinor: order.amountMinor,
          currency: order.currency,
          upgradeFrom: order.upgradeFrom,
        },
        rawEvent: event.raw,
      };
      if (order.status === 'paid') {
        // Paid twice: the running journey records it (for a refund); an ended journey is never started again for it.
        try {
          await enrollments
            .handle({ userId: order.userId, courseSlug: order.courseSlug })
            .signal(paymentReceivedSignal, payment);
          return 'accepted';
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          await orders.flagRefund(order, provider, event, 'a second payment for a paid order whose journey has ended');
          return 'extra-payment';
        }
      }
      // Checked against today: the order's lifetime and the enrollment as it is now, not as it was at checkout.
      const verdict = refusalOf(order, await orders.standing(order), event);
      if (verdict.refusal) {
        if (verdict.close) await orders.close(order, verdict.close);
        return refundDue(order, provider, event, verdict.refusal);
      }
      // An upgrade that starts from nothing any more, paid in full: a purchase of the tariff at its list price.
      if (verdict.asPurchase)
        payment.order = { ...payment.order!, amountMinor: order.listPriceMinor, upgradeFrom: null };
      await enrollments.pay({ userId: order.userId, courseSlug: order.courseSlug }, payment);
      if (event.currency === order.currency && event.amountMinor >= order.amountMinor) {
        await orders.markPaid(order, event.providerPaymentId);
      }
      return 'accepted';
    },

    async refunded(
      provider: string,
      event: Pick<VerifiedPaymentEvent, 'providerPaymentId'>,
    ): Promise<CompletionOutcome> {
      const order = await orders.markRefunded(provider, event.providerPaymentId);
      if (!order) return 'unknown-order';
      // Orders still open for this course were priced against what the student held: none of them can be paid now.
      await orders.cancelPending(order.userId, order.courseId);
      try {
        await enrollments
          .handle({ userId: order.userId, courseSlug: order.courseSlug })
          .signal(paymentRefundedSignal, { provider, providerPaymentId: event.providerPaymentId });
      } catch (err) {
        // A journey that already ended has nothing left to revoke.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
      return 'refunded';
    },
  };
}

export type PaymentCompletion = ReturnType<typeof createPaymentCompletion>;
