import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendOnce } from '../../activities/send-once';
import { createSql, isConnectionError } from '../../db';
import type { Sql } from '../../db';
import { startBotApiStandIn } from '../../testing/bot-api';
import { startOwnPostgres } from '../helpers/own-postgres';
import type { OwnPostgres } from '../helpers/own-postgres';

const TOKEN = '3333:send-once-outage';

/**
 * A Postgres of this file's own, restarted while sendOnce runs: the message reached Telegram, then Postgres went
 * down before its record was written. The record must still be written (once Postgres is back), so the retry that
 * follows finds it and sends nothing.
 */
describe('sendOnce through a Postgres restart', () => {
  let pg: OwnPostgres;
  let sql: Sql;
  let standIn: Awaited<ReturnType<typeof startBotApiStandIn>>;

  beforeAll(async () => {
    pg = await startOwnPostgres('send-once-outage');
    sql = createSql(pg.url, { max: 2 });
    standIn = await startBotApiStandIn({ port: 0, rateLimits: false });
  });
  afterAll(async () => {
    await sql?.end({ timeout: 1 });
    await standIn?.stop();
    await pg?.close();
  });

  it('records a message Telegram took while Postgres restarts, and the retry sends nothing', async () => {
    const chatId = 650_000_001;
    const api = new Api(TOKEN, { apiRoot: standIn.apiRoot });
    let sends = 0;
    let restarted: Promise<void> | undefined;
    const send = async () => {
      sends++;
      const message = await api.sendMessage(chatId, 'Lesson 1');
      // Postgres goes down right after Telegram answered, and is back about a second and a half later.
      await pg.stop();
      restarted = new Promise<void>((resolve) => setTimeout(resolve, 1_500)).then(async () => {
        await pg.start();
      });
      return [message.message_id];
    };

    const ids = await sendOnce(sql, 'outage:lesson:1', chatId, send);
    await restarted;
    // What a retried attempt would do: the key is found, nothing is sent.
    const again = await sendOnce(sql, 'outage:lesson:1', chatId, send);
    expect(again).toEqual(ids);
    expect(sends).toBe(1);
    expect(standIn.sent(chatId).map((m) => m.text)).toEqual(['Lesson 1']);
  });

  it('still fails at once on an error that is not about the connection', async () => {
    const send = async () => [1];
    // A chat id beyond bigint's range breaks the INSERT itself; retrying could never help.
    await expect(sendOnce(sql, 'outage:broken', Number.MAX_VALUE, send)).rejects.toSatisfy(
      (err: unknown) => !isConnectionError(err),
    );
  });
});
