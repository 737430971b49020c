import type { StorageAdapter } from 'grammy';
import type { JSONValue } from 'postgres';
import type { Sql } from '../db';

/** How long an untouched session lives: a promo code or e-mail the bot waited for a week ago is no longer awaited. */
export const SESSION_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
/** How often one process sweeps its bot's expired sessions (on a write, never on a timer of its own). */
const SWEEP_EVERY_MS = 60 * 60 * 1000;

export interface SessionStorageOptions {
  retentionMs?: number;
  now?: () => number;
}

/**
 * grammY sessions kept in Postgres (bot_sessions), so a restart or a second bot process forgets nothing. Only
 * sessions that hold something are kept: an empty one deletes its row (a /start leaves none behind); one untouched
 * for `retentionMs` reads as absent and is swept on a later write.
 */
export function postgresSessionStorage<T extends JSONValue>(
  sql: Sql,
  prefix: string,
  { retentionMs = SESSION_RETENTION_MS, now = Date.now }: SessionStorageOptions = {},
): StorageAdapter<T> {
  const keyOf = (key: string) => `${prefix}:${key}`;
  const cutoff = () => new Date(now() - retentionMs);
  let lastSweep = 0;
  const remove = async (key: string) => {
    await sql`delete from bot_sessions where key = ${keyOf(key)}`;
  };
  return {
    async read(key) {
      const [row]: [{ value: T }?] = await sql`
        select value from bot_sessions where key = ${keyOf(key)} and updated_at > ${cutoff()}`;
      return row?.value;
    },
    async write(key, value) {
      if (isEmpty(value)) return remove(key);
      await sql`
        insert into bot_sessions (key, value, updated_at) values (${keyOf(key)}, ${sql.json(value)}, ${new Date(now())})
        on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`;
      if (now() - lastSweep >= SWEEP_EVERY_MS) {
        lastSweep = now();
        await sql`delete from bot_sessions where key like ${`${prefix}:%`} and updated_at <= ${cutoff()}`;
      }
    },
    delete: remove,
  };
}

function isEmpty(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    (typeof value === 'object' && Object.values(value).every((field) => field === undefined))
  );
}
