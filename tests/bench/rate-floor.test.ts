import { describe, expect, it } from 'vitest';
import { beyondFloor } from '../../bench/rate-floor';
import type { Reply } from '../../bench/rate-floor';

const limits = { perSecond: 28, burst: 14, chatBurst: 3, chatPerSecond: 1 };
const slot = (i: number) => (i < 14 ? 0 : Math.ceil(((i - 13) * 1000) / 28));

describe('latency beyond the rate floor', () => {
  it('counts nothing for a burst answered at the rate, in whatever order the bot chose', () => {
    const replies: Reply[] = Array.from({ length: 200 }, (_, i) => ({ chatId: i + 1, requestedAt: 0, arrivedAt: 0 }));
    const order = replies.map((_, i) => i).sort((a, b) => ((a * 7919) % 200) - ((b * 7919) % 200));
    order.forEach((r, rank) => (replies[r]!.arrivedAt = slot(rank)));
    expect(Math.max(...beyondFloor(replies, limits).map(Math.abs))).toBeLessThanOrEqual(1);
  });

  it('counts what the bot adds on top of the queue', () => {
    const replies: Reply[] = Array.from({ length: 50 }, (_, i) => ({
      chatId: i + 1,
      requestedAt: 0,
      arrivedAt: slot(i) + 100,
    }));
    expect(beyondFloor(replies, limits).every((ms) => Math.abs(ms - 100) <= 1)).toBe(true);
  });

  it('charges a reply held back behind a later one, however the two arrive', () => {
    const early = { chatId: 1, requestedAt: 0, arrivedAt: 1_036 };
    const late = { chatId: 2, requestedAt: 1_000, arrivedAt: 1_000 };
    expect(beyondFloor([early, late], limits)).toEqual([1_036, 0]);
  });

  it('leaves out the wait its own chat’s limit forces', () => {
    const replies = [0, 1, 2, 3, 4].map((i) => ({ chatId: 7, requestedAt: 0, arrivedAt: i < 3 ? 0 : (i - 2) * 1000 }));
    expect(beyondFloor(replies, limits)).toEqual([0, 0, 0, 0, 0]);
  });

  it('lets a reply asked for after a quiet spell go at once', () => {
    const burst = Array.from({ length: 100 }, (_, i) => ({ chatId: i + 1, requestedAt: 0, arrivedAt: slot(i) }));
    const later = { chatId: 500, requestedAt: 60_000, arrivedAt: 60_020 };
    expect(beyondFloor([...burst, later], limits).at(-1)).toBe(20);
  });
});
