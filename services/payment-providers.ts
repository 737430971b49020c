import type { RequestHandler } from 'express';
import type { Api } from 'grammy';
import type { AppConfig, Setting } from '../config';
import { assertMockAllowed, requireSettings } from '../config';
import { createMockProvider } from '../payments/mock';
import { createStarsProvider } from '../payments/stars';
import { createStripeProvider } from '../payments/stripe';
import { createYooKassaProvider } from '../payments/yookassa';
import type { PaymentProvider } from '../payments/types';
import { addressMatcher } from '../lib/address-ranges';
import { sourceGuard } from '../server/source-guard';

/** Providers that need a receipt e-mail before checkout. */
export const EMAIL_REQUIRED_BY = ['yookassa'];

/**
 * The payment providers PAYMENT_PROVIDERS lists, in its order, each with the secrets it needs (a missing one is a
 * ConfigError naming the variable).
 */
export function createPaymentProviders(
  config: AppConfig,
  salesApi: Api,
  log: (line: string) => void = () => {},
): PaymentProvider[] {
  const { payments, http } = config;
  requireSettings(config, ['paymentProviders']);
  return payments.providers.map((name): PaymentProvider => {
    const need = (settings: Setting[]) => requireSettings(config, settings);
    switch (name) {
      case 'mock':
        assertMockAllowed(config);
        need(['mockSecret']);
        log(
          'payments: the MOCK provider is on: anyone who opens its checkout page gets access for free (development only)',
        );
        return createMockProvider({ secret: payments.mockSecret!, publicUrl: http.publicUrl });
      case 'stars':
        return createStarsProvider(salesApi);
      case 'stripe':
        need(['stripeSecretKey', 'stripeWebhookSecret']);
        return createStripeProvider({
          secretKey: payments.stripe.secretKey!,
          webhookSecret: payments.stripe.webhookSecret!,
          returnUrl: `${http.publicUrl}/paid`,
          apiBase: payments.stripe.apiBase,
        });
      case 'yookassa':
        need(['yookassaShopId', 'yookassaSecretKey']);
        return createYooKassaProvider({
          shopId: payments.yookassa.shopId!,
          secretKey: payments.yookassa.secretKey!,
          returnUrl: `${http.publicUrl}/paid`,
          apiBase: payments.yookassa.apiBase,
        });
    }
  });
}

/**
 * Source checks for webhooks that are not signed. Every YooKassa notification costs an authenticated API call, so
 * notifications come only from the allowed addresses (YooKassa's own in production unless YOOKASSA_ALLOWED_IPS says
 * otherwise) and at most YOOKASSA_NOTIFICATIONS_PER_MINUTE from one address.
 */
export function webhookGuards(
  config: AppConfig,
  log: (line: string) => void = () => {},
): Record<string, RequestHandler> {
  const { allowedIps, notificationsPerMinute } = config.payments.yookassa;
  if (!config.payments.providers.includes('yookassa')) return {};
  return {
    yookassa: sourceGuard({
      name: 'webhook yookassa',
      allowed: allowedIps ? addressMatcher(allowedIps) : undefined,
      perMinute: notificationsPerMinute,
      log,
    }),
  };
}
