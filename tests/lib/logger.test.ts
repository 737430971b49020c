import { describe, expect, it } from 'vitest';
import { GrammyError } from 'grammy';
import { createLogger } from '../../lib/logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const destination = {
    write(line: string) {
      raw.push(line);
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  };
  return { lines, raw, destination };
}

describe('the logger', () => {
  it('redacts secret-named keys at any depth, without touching the caller’s objects', () => {
    const { lines, raw, destination } = capture();
    const logger = createLogger('test', { destination });
    const req = {
      method: 'POST',
      headers: {
        authorization: 'Bearer abc.def.ghi',
        'x-telegram-bot-api-secret-token': 'hook-secret-value',
        'Stripe-Signature': 't=1,v1=deadbeef',
        cookie: 'session=s3cr3t',
        'content-type': 'application/json',
      },
      body: { items: [{ apiKey: 'k-123', name: 'kept' }] },
    };
    logger.info({ req, config: { salesBot: { token: 'tok-1', username: 'bot' } } }, 'request');
    const line = lines[0] as {
      req: { method: string; headers: Record<string, string>; body: { items: Record<string, string>[] } };
      config: { salesBot: Record<string, string> };
    };
    expect(line.req.headers.authorization).toBe('[redacted]');
    expect(line.req.headers['x-telegram-bot-api-secret-token']).toBe('[redacted]');
    expect(line.req.headers['Stripe-Signature']).toBe('[redacted]');
    expect(line.req.headers.cookie).toBe('[redacted]');
    expect(line.req.headers['content-type']).toBe('application/json');
    expect(line.req.body.items[0]).toEqual({ apiKey: '[redacted]', name: 'kept' });
    expect(line.config.salesBot).toEqual({ token: '[redacted]', username: 'bot' });
    expect(line.req.method).toBe('POST');
    for (const secret of ['abc.def.ghi', 'hook-secret-value', 'deadbeef', 's3cr3t', 'k-123', 'tok-1'])
      expect(raw.join('')).not.toContain(secret);
    // The caller's object still holds its values.
    expect(req.headers.authorization).toBe('Bearer abc.def.ghi');
  });

  it('redacts child-logger bindings and survives cycles; errors keep their message', () => {
    const { lines, raw, destination } = capture();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const child = createLogger('test', { destination }).child({ deps: { webhookSecret: 'w-secret-1' } });
    child.error({ err: new Error('boom'), cyclic }, 'failed');
    expect(raw.join('')).not.toContain('w-secret-1');
    expect(lines[0]).toMatchObject({ deps: { webhookSecret: '[redacted]' }, err: { message: 'boom' } });
    expect((lines[0]?.cyclic as Record<string, unknown>).name).toBe('loop');
  });

  it('logs a failed Telegram call without its payload: no chat id, no message text', () => {
    const { lines, raw, destination } = capture();
    const failed = new GrammyError(
      "Call to 'sendMessage' failed! (502: Bad Gateway)",
      { ok: false, error_code: 502, description: 'Bad Gateway' },
      'sendMessage',
      { chat_id: 860000123, text: 'Dear Ada, your homework on day 3…' },
    );
    createLogger('test', { destination }).warn({ error: failed }, 'Activity failed');
    expect(raw.join('')).not.toContain('860000123');
    expect(raw.join('')).not.toContain('Dear Ada');
    expect(lines[0]).toMatchObject({ error: { method: 'sendMessage', error_code: 502, description: 'Bad Gateway' } });
  });
});
