import { isConnectionError } from '../db';
import type { Logger } from '../lib/logger';

/**
 * A long-running process survives a Postgres restart: postgres.js may reject a promise nobody holds when the server
 * goes away (a close handler left behind by `sql.begin`, upstream porsager/postgres#1201); every query that matters
 * is awaited and retried as a step, so that rejection is logged and the process carries on. Any other unhandled
 * rejection is a bug: it is logged and the process exits 1, for its supervisor (compose's `restart:`) to restart.
 */
export function surviveDatabaseRestarts(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    if (isConnectionError(reason)) {
      logger.warn({ err: reason }, 'Postgres connection lost outside any query; carrying on');
      return;
    }
    logger.fatal({ err: reason }, 'unhandled rejection');
    process.exit(1);
  });
}
