import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createSql, withDatabase } from '../../db';
import type { Sql } from '../../db';

export interface TestDatabase {
  sql: Sql;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database cloned from the run's template: each test file gets its own real Postgres state. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = createSql(adminUrl, { max: 1 });
  await admin`create database ${admin(name)} template ${admin(inject('pgTemplate'))}`;
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const sql = createSql(url);
  return {
    sql,
    url,
    async drop() {
      await sql.end({ timeout: 5 });
      const a = createSql(adminUrl, { max: 1 });
      await a`drop database if exists ${a(name)} with (force)`;
      await a.end();
    },
  };
}
