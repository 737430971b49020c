import postgres from 'postgres';

export type Sql = postgres.Sql;
/** The `sql` of a `sql.begin` block, for query functions that run inside the caller's transaction. */
export type TransactionSql = postgres.TransactionSql;

/**
 * The one way the app connects to Postgres. Rows come back camelCased; int8 columns (ids, amounts, Telegram ids)
 * are parsed as numbers, which is exact for every value below 2^53, far beyond any of them.
 */
export function createSql(databaseUrl: string, options: { max?: number } = {}): Sql {
  return postgres(databaseUrl, {
    max: options.max ?? 10,
    // postgres.js waits 3^n / 100 s (up to 20 s) before a connection's next attempt, n counting the pool's failed
    // attempts: a few seconds of Postgres restart left records of sent messages waiting up to 20 s after it was
    // back (measured), a window in which a killed worker sends the message again. Half a second at most instead.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 0.5),
    // A connection opened while Postgres restarts can hang in its handshake; postgres.js gives up on it after 30 s by
    // default, and every query queued on it waits that long: a sent message's record (send-once.ts) then outlasted
    // RECORD_RETRY_MS and the message went out twice (tests/ops/postgres-restart.test.ts, about one run in three).
    // Five seconds is far above any healthy connect and leaves the record several more tries.
    connect_timeout: 5,
    transform: postgres.camel,
    onnotice: () => {},
    types: {
      bigint: {
        to: 20,
        from: [20],
        serialize: (value: number) => String(value),
        parse: (value: string) => Number(value),
      },
    },
  });
}

/**
 * `value` as a jsonb parameter (`sql.json(jsonValue(event, 'a payment event'))`), for values typed `unknown` (a
 * provider's payload): checked all the way down to be what postgres.js's `sql.json` takes. Anything else (a bigint,
 * a symbol, a cycle) is a TypeError naming `what`, before any statement runs.
 */
export function jsonValue(value: unknown, what: string): postgres.JSONValue {
  if (!isJsonValue(value)) throw new TypeError(`${what} is not JSON, so it cannot be stored`);
  return value;
}

/**
 * postgres.JSONValue, checked at run time: null, strings, numbers, booleans, Dates, objects with toJSON, and arrays
 * and objects of these (an object's undefined and function fields are left out, as JSON.stringify does).
 */
function isJsonValue(value: unknown, ancestors: readonly object[] = []): value is postgres.JSONValue {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return true;
  if (typeof value !== 'object' || ancestors.includes(value)) return false;
  if (value instanceof Date || ('toJSON' in value && typeof value.toJSON === 'function')) return true;
  const inside = [...ancestors, value];
  if (Array.isArray(value)) return value.every((item: unknown) => isJsonValue(item, inside));
  return Object.values(value).every(
    (field: unknown) => field === undefined || typeof field === 'function' || isJsonValue(field, inside),
  );
}

/** The same server URL pointing at another database. */
export function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** postgres.js's own codes, Node's socket errors and Postgres' shutdown/startup SQLSTATEs: the server went away. */
const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01', // admin_shutdown: the server is stopping
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
]);

/**
 * True when an error says the connection to Postgres was lost or refused (a restart, a failover), not that the
 * statement was wrong: such an error is worth retrying once the server is back. Class 08 is "connection exception".
 */
export function isConnectionError(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
  return typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08'));
}

/** Runs `write` again while Postgres is unreachable, backing off from 100 ms to 2 s, until `withinMs` has passed. */
export async function retryWhileDisconnected<T>(write: () => Promise<T>, withinMs: number): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!isConnectionError(err) || Date.now() >= deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 2_000)));
    }
  }
}
