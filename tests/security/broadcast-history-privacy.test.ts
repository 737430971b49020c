import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastClient } from '../../journey/broadcast-client';
import { broadcastWorkflowId } from '../../journey/definitions';
import { REVIEWER, startCourseBot } from '../helpers/course-bot';
import type { CourseBotDriver } from '../helpers/course-bot';
import { insertCourse, insertUser } from '../helpers/fixtures';
import { historyStrings } from '../helpers/histories';
import { ADMIN_CHAT_ID, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';

/**
 * A broadcast's histories (every run, continue-as-new included) hold row ids only: no recipient's Telegram id or name,
 * no reviewer's id, not the text sent (issue #16). Read in clear, as history-privacy.test.ts reads the journeys'.
 */
describe('broadcast histories', () => {
  let p: Platform;
  let bot: CourseBotDriver;
  beforeAll(async () => {
    p = await startPlatform({ payloadKeys: [] });
    bot = await startCourseBot(
      p,
      {},
      { broadcasts: broadcastClient(p.temporal.client, p.temporal.taskQueue, { size: 2, maxMs: 500, perRun: 2 }) },
    );
  });
  afterAll(async () => {
    await bot?.stop();
    await p?.close();
  });

  it('carry no Telegram id, name or text of anyone, through several runs', async () => {
    const courseId = await insertCourse(p.db.sql, { slug: p.slug('bc-private'), lessons: [{ day: 1 }] });
    const people: { telegramId: number; firstName: string }[] = [];
    for (let i = 0; i < 7; i++) {
      const firstName = `Wilhelmina${i}Quartz`;
      const { userId, telegramId } = await insertUser(p.db.sql, { firstName });
      await p.db.sql`insert into enrollments (user_id, course_id, workflow_id, tariff, stage)
                     values (${userId}, ${courseId}, ${`bcp-${userId}`}, 'BASIC', 'active')`;
      people.push({ telegramId, firstName });
    }
    const secret = 'The secret sale code is ZANZIBAR-4417';
    const original = await bot.send(REVIEWER, { chatId: ADMIN_CHAT_ID, text: secret });
    await bot.send(REVIEWER, { chatId: ADMIN_CHAT_ID, text: '/broadcast', replyToMessageId: original.message_id });
    const id = Number(/Broadcast #(\d+)/.exec(bot.textsTo(ADMIN_CHAT_ID).at(-1) ?? '')?.[1]);
    await bot.press(REVIEWER, `bca:${id}:c:${courseId}`, ADMIN_CHAT_ID);
    await bot.press(REVIEWER, `bcok:${id}`, ADMIN_CHAT_ID);
    expect(await p.temporal.client.workflow.getHandle(broadcastWorkflowId(id)).result()).toEqual({
      outcome: 'finished',
    });
    for (const { telegramId } of people) expect(p.telegram.sent(telegramId).map((m) => m.text)).toEqual([secret]);

    const texts: string[] = [];
    let runs = 0;
    for (let runId: string | undefined, more = true; more; runs++) {
      const history = await p.temporal.client.workflow.getHandle(broadcastWorkflowId(id), runId).fetchHistory();
      texts.push(...historyStrings(history));
      runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
      more = Boolean(runId);
    }
    expect(runs).toBeGreaterThan(1);
    const history = texts.join('\n');
    expect(history).toContain(`"broadcastId":${id}`);
    for (const { telegramId, firstName } of people) {
      expect(history).not.toContain(String(telegramId));
      expect(history).not.toContain(firstName);
    }
    expect(history).not.toContain('ZANZIBAR');
    expect(history).not.toContain(String(ADMIN_CHAT_ID));
  });
});
