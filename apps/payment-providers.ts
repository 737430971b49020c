import type { RequestHandler } from 'express';
import type { Api } from 'grammy';
import type { SalesConfig } from '../config';
import { assertMockAllowed } from '../config';
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
 * The payment providers PAYMENT_PROVIDERS lists, in its order; the config has already checked that each has the
 * secrets it needs. The mock provider is checked once more here, so no config built in code can slip it past.
 */
export function createPaymentProviders(
  config: Pick<SalesConfig, 'production' | 'payments' | 'http'>,
  salesApi: Api,
  log: (line: string) => void = () => {},
): PaymentProvider[] {
  const { publicUrl } = config.http;
  return config.payments.providers.map((provider): PaymentProvider => {
    switch (provider.name) {
      case 'mock':
        assertMockAllowed(config);
        log(
          'payments: the MOCK provider is on: anyone who opens its checkout page gets access for free (development only)',
        );
        return createMockProvider({ secret: provider.secret, publicUrl });
      case 'stars':
        return createStarsProvider(salesApi);
      case 'stripe':
        return createStripeProvider({
          secretKey: provider.secretKey,
          webhookSecret: provider.webhookSecret,
          returnUrl: `${publicUrl}/paid`,
          apiBase: provider.apiBase,
        });
      case 'yookassa':
        return createYooKassaProvider({
          shopId: provider.shopId,
          secretKey: provider.secretKey,
          returnUrl: `${publicUrl}/paid`,
          apiBase: provider.apiBase,
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
  config: Pick<SalesConfig, 'payments'>,
  log: (line: string) => void = () => {},
): Record<string, RequestHandler> {
  const yookassa = config.payments.providers.find((provider) => provider.name === 'yookassa');
  if (!yookassa) return {};
  return {
    yookassa: sourceGuard({
      name: 'webhook yookassa',
      allowed: yookassa.allowedIps ? addressMatcher(yookassa.allowedIps) : undefined,
      perMinute: yookassa.notificationsPerMinute,
      log,
    }),
  };
}
