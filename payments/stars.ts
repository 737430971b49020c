import type { Api } from 'grammy';
import type { Checkout, PaymentProvider } from './types';

/** The Stars provider: it also gives a charge back to the user who paid it (the admin chat's /refund). */
export type StarsProvider = PaymentProvider & { refundTo(userTelegramId: number, chargeId: string): Promise<void> };

/** Whether a configured provider is Telegram Stars, which refunds through the bot. */
export function isStarsProvider(provider: PaymentProvider): provider is StarsProvider {
  return provider.name === 'stars' && 'refundTo' in provider && typeof provider.refundTo === 'function';
}

/**
 * Telegram Stars (currency XTR): the bot sends an invoice, answers the pre-checkout query, and grants access only
 * on successful_payment (see bots/sales/stars.ts). There is no webhook: Telegram's update is the notification.
 */
export function createStarsProvider(api: Api): StarsProvider {
  return {
    name: 'stars',
    async createCheckout(): Promise<Checkout> {
      return { kind: 'invoice' };
    },
    async refundTo(userTelegramId, chargeId) {
      await api.refundStarPayment(userTelegramId, chargeId);
    },
  };
}
