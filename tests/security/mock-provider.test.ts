import { Api } from 'grammy';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadPlatformConfig, loadSalesConfig } from '../../config';
import type { SalesConfig } from '../../config';
import { demoEnvironment } from '../../apps/demo';
import { createPaymentProviders } from '../../apps/payment-providers';

const secret = { MOCK_PAYMENT_SECRET: 'sixteen-chars-at-least' };
/** What the sales process needs besides its payment providers. */
const sales = {
  DATABASE_URL: 'postgres://localhost/course',
  SALES_BOT_TOKEN: '1:x',
  OFFER_URL: 'https://example.com/offer',
  PRIVACY_URL: 'https://example.com/privacy',
};
const api = new Api('1:x', { apiRoot: 'http://127.0.0.1:9' });
/** A config built in code that adds the mock provider after parsing. */
const withMock = (config: SalesConfig, allowMock: boolean): SalesConfig => ({
  ...config,
  payments: { ...config.payments, providers: [{ name: 'mock', secret: secret.MOCK_PAYMENT_SECRET }], allowMock },
});

/** The mock provider's checkout page grants access for free: it must never be on by accident, nor in production. */

/** Production needs payload keys (issue #16): given, so the refusal tested is the mock provider's. */
const PRODUCTION_KEYS = `test-1:${Buffer.alloc(32, 7).toString('base64')}`;

describe('the mock payment provider', () => {
  it('is refused without the explicit opt-in, naming the variable', () => {
    const attempt = () => loadSalesConfig({ ...sales, PAYMENT_PROVIDERS: 'stars,mock', ...secret });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/ALLOW_MOCK_PAYMENTS/);
  });

  it('is refused in production even with the opt-in', () => {
    const env = {
      ...sales,
      PAYMENT_PROVIDERS: 'stars,mock',
      NODE_ENV: 'production',
      PAYLOAD_KEYS: PRODUCTION_KEYS,
      PUBLIC_URL: 'https://pay.example.com',
      ALLOW_MOCK_PAYMENTS: 'true',
      ...secret,
    };
    expect(() => loadSalesConfig(env)).toThrow(ConfigError);
    expect(() => loadSalesConfig(env)).toThrow(/NODE_ENV=production/);
    // Nor can a config built in code slip it past the provider factory, nor the demo's environment past the parse.
    const config = loadSalesConfig({ ...env, PAYMENT_PROVIDERS: 'stars' });
    expect(() => createPaymentProviders(withMock(config, true), api)).toThrow(/NODE_ENV=production/);
    const demo = {
      apiRoot: 'http://127.0.0.1:9',
      salesToken: '1:a',
      courseToken: '2:b',
      adminChatId: -1,
      reviewerId: 7,
    };
    expect(() =>
      loadPlatformConfig(demoEnvironment({ NODE_ENV: 'production', PAYLOAD_KEYS: PRODUCTION_KEYS }, demo)),
    ).toThrow(/NODE_ENV=production/);
  });

  it('is refused by the provider factory without the opt-in', () => {
    const config = loadSalesConfig({ ...sales, PAYMENT_PROVIDERS: 'stars', ...secret });
    expect(() => createPaymentProviders(withMock(config, false), api)).toThrow(/ALLOW_MOCK_PAYMENTS/);
  });

  it('runs in development with the opt-in, and rejects a malformed opt-in', () => {
    const config = loadSalesConfig({ ...sales, PAYMENT_PROVIDERS: 'mock', ALLOW_MOCK_PAYMENTS: 'true', ...secret });
    expect(createPaymentProviders(config, api).map((p) => p.name)).toEqual(['mock']);
    const malformed = { ...sales, PAYMENT_PROVIDERS: 'stars', ALLOW_MOCK_PAYMENTS: 'yes please' };
    expect(() => loadSalesConfig(malformed)).toThrow(/ALLOW_MOCK_PAYMENTS/);
  });
});
