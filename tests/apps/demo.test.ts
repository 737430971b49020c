import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourseBot } from '../../bots/course';
import { importCourses } from '../../content/catalog';
import { asDemoCourse, DEMO_GROUPS, runDemo } from '../../apps/demo';
import { ADMIN_CHAT_ID, COURSE_TOKEN } from '../helpers/platform';
import { startSalesPlatform } from '../helpers/sales';
import type { SalesPlatform } from '../helpers/sales';

const REVIEWER = { id: 99_999_999, first_name: 'Demo reviewer' };

/**
 * The scripted demo of `npm start` against the real bots, worker, Temporal and Postgres: the demo course (at a
 * 1-second pace) from /start to the last lesson, with homework reviewed in the review chat.
 */
describe('the npm start demo', () => {
  let p: SalesPlatform;
  let stopCourseBot: () => Promise<void>;
  beforeAll(async () => {
    p = await startSalesPlatform({ courseSlug: 'demo' });
    await importCourses(p.db.sql, undefined, (course) => asDemoCourse(course, 1_000));
    const bot = createCourseBot(
      COURSE_TOKEN,
      {
        sql: p.db.sql,
        enrollments: p.temporal.enrollments,
        settings: { adminChatId: ADMIN_CHAT_ID, reviewerIds: [REVIEWER.id], salesBot: '@sales' },
      },
      { apiRoot: p.telegram.apiRoot },
    );
    await bot.init();
    const polling = bot.start({ timeout: 1 });
    stopCourseBot = async () => {
      await bot.stop();
      await polling;
    };
  });
  afterAll(async () => {
    await stopCourseBot?.();
    await p?.close();
  });

  it('walks the demo student through the whole demo course', async () => {
    const log: string[] = [];
    const summary = await runDemo({
      sql: p.db.sql,
      enrollments: p.temporal.enrollments,
      standIn: p.telegram,
      salesToken: p.salesToken,
      courseToken: COURSE_TOKEN,
      reviewer: REVIEWER,
      courseSlug: 'demo',
      adminChatId: ADMIN_CHAT_ID,
      log: (line) => log.push(line),
    });
    expect(summary).toBe('completed, lessons 1, 2, 3, 5, 6, 7, assignments answered');
    const conversation = log.join('\n');
    expect(conversation).toContain('Payment received');
    // The FEEDBACK student is invited to the demo's example group with a one-person link.
    expect(conversation).toMatch(/Your private group: https:\/\/t\.me\/\+/);
    expect(p.telegram.inviteLinks(DEMO_GROUPS.FEEDBACK![0])).toHaveLength(1);
    expect(conversation).toContain('Nice start! Try a keyboard next.');
    expect(conversation).toContain('That was the last lesson');
    // Lesson 2's quiz came as quiz polls, and the right answers opened lesson 3.
    expect(conversation).toContain('📊 Which command does BotFather answer with a new token?');
    expect(conversation).toContain('✅ Day 2 quiz: 3/3. Passed!');
    // The demo course issues certificates (#17): the PDF comes with its verification code.
    expect(conversation).toMatch(
      /Your certificate for Telegram Bots in 7 Days\. Anyone can check it with the code \w{4}-\w{4}-\w{4}/,
    );
    expect(p.botLog.filter((line) => /failed/.test(line))).toEqual([]);
  });
});
