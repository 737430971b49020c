import { WorkflowNotFoundError } from '@temporalio/client';
import { paymentRefundedSignal } from '../lib/enrollment-definitions';
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
  | 'refunded';

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
      await enrollments.pay(
        { userId: order.userId, courseSlug: order.courseSlug },
        {
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
        },
      );
      // A second, different payment for a paid order reaches the journey (recorded there for a refund) but the
      // order keeps its first payment.
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
