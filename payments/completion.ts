import { WorkflowNotFoundError } from '@temporalio/client';
import { paymentReceivedSignal, paymentRefundedSignal } from '../lib/enrollment-definitions';
import type { EnrollmentClient } from '../services/enrollments';
import type { OrderStore } from './orders';
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
  /** A second payment for an order already paid, whose journey has ended: recorded nowhere but the log; refund it. */
  | 'extra-payment';

/**
 * Where every verified payment lands, whatever the provider (webhooks, Telegram Stars, a 100% promo code): the
 * order is checked, the journey gets the payment by signal-with-start, and only then is the order marked paid, so a
 * crash in between makes the provider's retry deliver it again (the journey ignores a payment id it has seen).
 */
export function createPaymentCompletion({
  orders,
  enrollments,
}: {
  orders: OrderStore;
  enrollments: EnrollmentClient;
}) {
  return {
    async succeeded(provider: string, event: VerifiedPaymentEvent): Promise<CompletionOutcome> {
      const order = await orders.find(event.orderPublicId);
      if (!order || order.provider !== provider) return 'unknown-order';
      if (order.status !== 'pending' && order.providerPaymentId === event.providerPaymentId) return 'duplicate';
      const payment = {
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
      if (order.status !== 'pending') {
        // Paid twice: the running journey records it (for a refund); an ended journey is never started again for it.
        try {
          await enrollments
            .handle({ userId: order.userId, courseSlug: order.courseSlug })
            .signal(paymentReceivedSignal, payment);
          return 'accepted';
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) return 'extra-payment';
          throw err;
        }
      }
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
