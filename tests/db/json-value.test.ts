import { describe, expect, it } from 'vitest';
import { jsonValue } from '../../db';

describe('jsonValue', () => {
  it('passes JSON through as it is', () => {
    const event = {
      id: 'ch_1',
      amount: 490,
      paid: true,
      at: new Date(0),
      items: [{ sku: 'a' }, null],
      note: undefined,
    };
    expect(jsonValue(event, 'The payment event')).toBe(event);
    expect(jsonValue(null, 'The payment event')).toBeNull();
  });

  it('refuses what JSON cannot hold, naming the value', () => {
    const cyclic: Record<string, unknown> = { id: 'x' };
    cyclic.self = cyclic;
    for (const bad of [undefined, 1n, Symbol('s'), { amount: 1n }, [undefined], cyclic]) {
      expect(() => jsonValue(bad, 'The payment event')).toThrow(
        'The payment event is not JSON, so it cannot be stored',
      );
    }
  });

  it('takes an object seen twice that is not its own ancestor', () => {
    const shared = { currency: 'XTR' };
    expect(() => jsonValue({ a: shared, b: [shared] }, 'The payment event')).not.toThrow();
  });
});
