import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, requireSettings } from '../config';
import { messagesFor } from '../locales';

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
});

describe('messagesFor', () => {
  it('uses the Telegram language, then the course default, then English', () => {
    expect(messagesFor('ru').completion({ course: 'X' })).toContain('последний урок');
    expect(messagesFor('de', 'ru').completion({ course: 'X' })).toContain('последний урок');
    expect(messagesFor(null, 'fr').completion({ course: 'X' })).toContain('last lesson');
  });
});
