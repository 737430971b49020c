import type { RequestHandler } from 'express';

export interface SourceGuardOptions {
  /** Only sources it accepts get through (403 otherwise); every source when unset. */
  allowed?: (address: string) => boolean;
  /** Requests per minute from one source (429 beyond); unlimited when unset. */
  perMinute?: number;
  /** Names the endpoint in log lines. */
  name: string;
  log?: (line: string) => void;
}

/** Sources counted per window at most: beyond it a new source waits for the next minute (memory stays bounded). */
const MAX_SOURCES = 10_000;

/**
 * Refuses requests by their source address before anything reads the body: an allow-list, then a fixed one-minute
 * window per source. The address is Express's `req.ip`, so behind a reverse proxy `trust proxy` must name it.
 */
export function sourceGuard(options: SourceGuardOptions): RequestHandler {
  const log = options.log ?? (() => {});
  const counts = new Map<string, number>();
  let windowStart = 0;
  return (req, res, next) => {
    const source = req.ip ?? req.socket.remoteAddress ?? '';
    if (options.allowed && !options.allowed(source)) {
      log(`${options.name}: refused a request from ${source} (not an allowed source)`);
      return void res.status(403).json({ ok: false, error: 'source not allowed' });
    }
    if (options.perMinute !== undefined) {
      const now = Date.now();
      if (now - windowStart >= 60_000) {
        windowStart = now;
        counts.clear();
      }
      const seen = counts.get(source) ?? 0;
      if (seen >= options.perMinute || (seen === 0 && counts.size >= MAX_SOURCES)) {
        res.set('retry-after', String(Math.ceil((windowStart + 60_000 - now) / 1000)));
        return void res.status(429).json({ ok: false, error: 'too many requests from this source' });
      }
      counts.set(source, seen + 1);
    }
    next();
  };
}
