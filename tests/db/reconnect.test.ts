import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSql, retryWhileDisconnected } from '../../db';
import type { Sql } from '../../db';
import { startEmbeddedPostgres } from '../../infra/embedded-postgres';
import type { EmbeddedPostgresHandle } from '../../infra/embedded-postgres';
import { freePort } from '../../lib/ports';

/**
 * Statements retried through a Postgres restart (the record of a sent message, a return) go through within a second
 * or two of Postgres being back, not after postgres.js' own reconnect backoff, which grew to 20 s over a few seconds
 * of outage and kept records of sent messages unwritten that long (a window in which a killed worker sends again).
 */
describe('the pool after a Postgres restart', () => {
  let scratch: string;
  let port: number;
  let pg: EmbeddedPostgresHandle;
  let sql: Sql;
  const start = () => startEmbeddedPostgres({ dataDir: path.join(scratch, 'data'), port, persistent: true });

  beforeAll(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'reconnect-'));
    port = await freePort();
    pg = await start();
    sql = createSql(pg.adminUrl);
  });
  afterAll(async () => {
    await sql?.end({ timeout: 1 });
    await pg?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('answers the statements that waited through the outage soon after Postgres is back', async () => {
    await Promise.all(Array.from({ length: 10 }, () => sql`select pg_sleep(0.05)`));
    await pg.stop();
    const done: number[] = [];
    const waiting = Array.from({ length: 10 }, (_, i) =>
      retryWhileDisconnected(() => sql`select ${i}::int as i`, 30_000).then(() => done.push(Date.now())),
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    pg = await start();
    const backAt = Date.now();
    await Promise.all(waiting);
    expect(Math.max(...done) - backAt).toBeLessThan(4_000);
  });
});
