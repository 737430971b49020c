import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, requireSettings } from '../config';
import { Api } from 'grammy';
import { messagesFor } from '../locales';
import { createPaymentProviders } from '../services/payment-providers';

describe('loadConfig', () => {
  it('applies defaults and treats empty variables as unset', () => {
    const config = loadConfig({ DATABASE_URL: '', SALES_BOT_TOKEN: '123:abc' });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.temporal).toMatchObject({ address: 'localhost:7233', external: false, taskQueue: 'enrollments' });
    expect(config.telegram.courseBotToken).toBe('123:abc');
    expect(config.telegram.apiRoot).toBe('https://api.telegram.org');
  });

  it('names the variable at fault without echoing a secret', () => {
    const attempt = () => loadConfig({ SALES_BOT_TOKEN: 'not-a-token-secret' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/SALES_BOT_TOKEN/);
    expect(attempt).not.toThrow(/not-a-token-secret/);
  });

  it('lists every missing setting a process needs', () => {
    expect(() => requireSettings(loadConfig({}), ['databaseUrl', 'salesBotToken'])).toThrow(
      'Missing required environment variable(s): DATABASE_URL, SALES_BOT_TOKEN',
    );
  });

  it("paces each chat at Telegram's limits unless told otherwise", () => {
    expect(loadConfig({}).telegram.chatLimits).toEqual({
      chatBurst: 3,
      chatPerSecond: 1,
      groupBurst: 20,
      groupPerMinute: 20,
    });
    const custom = loadConfig({ TELEGRAM_CHAT_SENDS_PER_SECOND: '0.5', TELEGRAM_GROUP_SENDS_PER_MINUTE: '10' });
    expect(custom.telegram.chatLimits).toMatchObject({ chatPerSecond: 0.5, groupPerMinute: 10 });
    expect(() => loadConfig({ TELEGRAM_CHAT_BURST: '0' })).toThrow(/TELEGRAM_CHAT_BURST/);
  });
});

describe('payment providers', () => {
  const api = new Api('1:x', { apiRoot: 'http://127.0.0.1:9' });

  it('needs PAYMENT_PROVIDERS chosen, from the known ones', () => {
    expect(() => createPaymentProviders(loadConfig({}), api)).toThrow(
      'Missing required environment variable(s): PAYMENT_PROVIDERS',
    );
    expect(() => loadConfig({ PAYMENT_PROVIDERS: 'mock,paypal' })).toThrow(/PAYMENT_PROVIDERS/);
  });

  it('names the secrets a chosen provider lacks, and builds them in order when present', () => {
    expect(() => createPaymentProviders(loadConfig({ PAYMENT_PROVIDERS: 'stripe' }), api)).toThrow(
      'Missing required environment variable(s): STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET',
    );
    expect(() => createPaymentProviders(loadConfig({ PAYMENT_PROVIDERS: 'yookassa' }), api)).toThrow(
      /YOOKASSA_SHOP_ID/,
    );
    const warnings: string[] = [];
    const config = loadConfig({
      PAYMENT_PROVIDERS: 'stars, mock',
      MOCK_PAYMENT_SECRET: 'sixteen-chars-at-least',
      ALLOW_MOCK_PAYMENTS: 'true',
    });
    expect(createPaymentProviders(config, api, (line) => warnings.push(line)).map((p) => p.name)).toEqual([
      'stars',
      'mock',
    ]);
    expect(warnings.join()).toContain('MOCK provider is on');
  });
});

describe('messagesFor', () => {
  it('uses the Telegram language, then the course default, then English', () => {
    expect(messagesFor('ru').completion({ course: 'X' })).toContain('последний урок');
    expect(messagesFor('de', 'ru').completion({ course: 'X' })).toContain('последний урок');
    expect(messagesFor(null, 'fr').completion({ course: 'X' })).toContain('last lesson');
  });
});
