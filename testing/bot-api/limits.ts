import type { RateLimits } from './types';

/** A token bucket: `capacity` sends at once, refilled at `perMs` per token. */
class Bucket {
  private tokens: number;
  private updatedAt = Date.now();

  constructor(
    private readonly capacity: number,
    private readonly msPerToken: number,
  ) {
    this.tokens = capacity;
  }

  /** Ms until a token is available (0 when one is). */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) * this.msPerToken);
  }

  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  private refill(now: number): void {
    // A bucket created a millisecond after `now` was read must not start below capacity.
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.capacity, this.tokens + elapsed / this.msPerToken);
    this.updatedAt = Math.max(now, this.updatedAt);
  }
}

/**
 * Telegram's flood limits for sends: per chat, per bot, and per group. A send over any of them is refused with the
 * seconds until it would pass, which the server turns into 429 `retry_after` (rounded up, at least 1, as Telegram).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limits: RateLimits) {}

  /** Null when the send may go now (and counts it), else seconds to wait. */
  admit(botId: number, chatId: number, now = Date.now()): number | null {
    const buckets = [
      this.bucket(`bot:${botId}`, this.limits.perBotPerSecond, 1000 / this.limits.perBotPerSecond),
      chatId < 0
        ? this.bucket(`group:${botId}:${chatId}`, this.limits.perGroupPerMinute, 60_000 / this.limits.perGroupPerMinute)
        : this.bucket(`chat:${botId}:${chatId}`, this.limits.chatBurst, 1000 / this.limits.perChatPerSecond),
    ];
    const waitMs = Math.max(...buckets.map((b) => b.waitMs(now)));
    if (waitMs > 0) return Math.max(1, Math.ceil(waitMs / 1000));
    for (const b of buckets) b.take(now);
    return null;
  }

  reset(): void {
    this.buckets.clear();
  }

  private bucket(key: string, capacity: number, msPerToken: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new Bucket(capacity, msPerToken)));
    return bucket;
  }
}
