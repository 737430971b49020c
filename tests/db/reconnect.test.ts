import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSql, retryWhileDisconnected } from '../../db';
import type { Sql } from '../../db';
import { startOwnPostgres } from '../helpers/own-postgres';
import type { OwnPostgres } from '../helpers/own-postgres';

/**
 * Statements retried through a Postgres restart (the record of a sent message, a return) go through within a second
 * or two of Postgres being back, not after postgres.js' own reconnect backoff, which grew to 20 s over a few seconds
 * of outage and kept records of sent messages unwritten that long (a window in which a killed worker sends again).
 */
describe('the pool after a Postgres restart', () => {
  let pg: OwnPostgres;
  let sql: Sql;

  beforeAll(async () => {
    pg = await startOwnPostgres('reconnect', { migrate: false });
    sql = createSql(pg.url);
  });
  afterAll(async () => {
    await sql?.end({ timeout: 1 });
    await pg?.close();
  });

  it('answers the statements that waited through the outage soon after Postgres is back', async () => {
    await Promise.all(Array.from({ length: 10 }, () => sql`select pg_sleep(0.05)`));
    await pg.stop();
    const done: number[] = [];
    const waiting = Array.from({ length: 10 }, (_, i) =>
      retryWhileDisconnected(() => sql`select ${i}::int as i`, 30_000).then(() => done.push(Date.now())),
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await pg.start();
    const backAt = Date.now();
    await Promise.all(waiting);
    expect(Math.max(...done) - backAt).toBeLessThan(4_000);
  });
});

/**
 * A connection opened while Postgres restarts can hang in its handshake (seen in tests/ops/postgres-restart.test.ts):
 * the server took the TCP connection and never answered. postgres.js' own limit is 30 s, longer than a sent
 * message's record is retried (RECORD_RETRY_MS), and that message then went out twice. The pool gives up in seconds.
 */
describe('a connection that never gets an answer', () => {
  it('fails as a lost connection within seconds, so the statement can be tried again', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const sql = createSql(`postgres://user:secret@127.0.0.1:${port}/db`, { max: 1 });
    try {
      const startedAt = Date.now();
      const error = await sql`select 1`.then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toMatchObject({ code: 'CONNECT_TIMEOUT' });
      expect(Date.now() - startedAt).toBeLessThan(10_000);
    } finally {
      await sql.end({ timeout: 0 });
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 40_000);
});
