import type { StorageAdapter } from 'grammy';
import type { Sql } from '../db';

/** grammY sessions kept in Postgres (bot_sessions), so a restart or a second bot process forgets nothing. */
export function postgresSessionStorage<T>(sql: Sql, prefix: string): StorageAdapter<T> {
  return {
    async read(key) {
      const [row]: [{ value: T }?] = await sql`select value from bot_sessions where key = ${`${prefix}:${key}`}`;
      return row?.value;
    },
    async write(key, value) {
      await sql`
        insert into bot_sessions (key, value) values (${`${prefix}:${key}`}, ${sql.json(value as never)})
        on conflict (key) do update set value = excluded.value, updated_at = now()`;
    },
    async delete(key) {
      await sql`delete from bot_sessions where key = ${`${prefix}:${key}`}`;
    },
  };
}
