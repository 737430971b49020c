import type { Api } from 'grammy';
import type { Checkout, PaymentProvider, VerifiedPaymentEvent } from './types';
import { WebhookSignatureError } from './types';

/**
 * Telegram Stars (currency XTR): the bot sends an invoice, answers the pre-checkout query, and grants access only
 * on successful_payment (see bots/sales/stars.ts). There is no webhook: Telegram's update is the notification.
 */
export function createStarsProvider(
  api: Api,
): PaymentProvider & { refundTo(userTelegramId: number, chargeId: string): Promise<void> } {
  return {
    name: 'stars',
    async createCheckout(): Promise<Checkout> {
      return { kind: 'invoice' };
    },
    async verifyWebhook(): Promise<VerifiedPaymentEvent | null> {
      throw new WebhookSignatureError('Telegram Stars payments arrive as bot updates, never as webhooks');
    },
    async refundTo(userTelegramId, chargeId) {
      await api.refundStarPayment(userTelegramId, chargeId);
    },
  };
}
