import { Api } from 'grammy';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config';
import { createPaymentProviders } from '../../services/payment-providers';

const secret = { MOCK_PAYMENT_SECRET: 'sixteen-chars-at-least' };
const api = new Api('1:x', { apiRoot: 'http://127.0.0.1:9' });

/** The mock provider's checkout page grants access for free: it must never be on by accident, nor in production. */
describe('the mock payment provider', () => {
  it('is refused without the explicit opt-in, naming the variable', () => {
    const attempt = () => loadConfig({ PAYMENT_PROVIDERS: 'stripe,mock', ...secret });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/ALLOW_MOCK_PAYMENTS/);
  });

  it('is refused in production even with the opt-in', () => {
    const env = {
      PAYMENT_PROVIDERS: 'stripe,mock',
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://pay.example.com',
      ALLOW_MOCK_PAYMENTS: 'true',
      ...secret,
    };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/NODE_ENV=production/);
    // Nor can code that adds it after parsing (as the demo does) slip it past the provider factory.
    const config = loadConfig({ ...env, PAYMENT_PROVIDERS: 'stripe' });
    config.payments.providers = ['mock'];
    config.payments.allowMock = true;
    expect(() => createPaymentProviders(config, api)).toThrow(/NODE_ENV=production/);
  });

  it('is refused by the provider factory without the opt-in', () => {
    const config = loadConfig({ ...secret });
    config.payments.providers = ['mock'];
    expect(() => createPaymentProviders(config, api)).toThrow(/ALLOW_MOCK_PAYMENTS/);
  });

  it('runs in development with the opt-in, and rejects a malformed opt-in', () => {
    const config = loadConfig({ PAYMENT_PROVIDERS: 'mock', ALLOW_MOCK_PAYMENTS: 'true', ...secret });
    expect(createPaymentProviders(config, api).map((p) => p.name)).toEqual(['mock']);
    expect(() => loadConfig({ ALLOW_MOCK_PAYMENTS: 'yes please' })).toThrow(/ALLOW_MOCK_PAYMENTS/);
  });
});
