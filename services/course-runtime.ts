import type { Client } from '@temporalio/client';
import { createCourseBot, COURSE_COMMANDS } from '../bots/course';
import type { AppConfig } from '../config';
import type { Sql } from '../db';
import { enrollmentClient } from './enrollments';

export interface CourseRuntime {
  stop(): Promise<void>;
}

/** The course bot (long polling): lessons on demand, assignments, and the review desk in ADMIN_CHAT_ID. */
export async function startCourseRuntime(options: {
  config: AppConfig;
  sql: Sql;
  client: Client;
  courseToken: string;
  apiRoot: string;
  /** How students are pointed to the sales bot, e.g. "@my_sales_bot". */
  salesBot: string;
  log: (line: string) => void;
}): Promise<CourseRuntime> {
  const { config, log } = options;
  if (config.telegram.adminChatId !== undefined && config.telegram.reviewerIds.length === 0) {
    log('course bot: REVIEWER_IDS is empty, so nobody can answer assignments in the review chat');
  }
  const bot = createCourseBot(
    options.courseToken,
    {
      sql: options.sql,
      enrollments: enrollmentClient(options.client, config.temporal.taskQueue),
      settings: {
        adminChatId: config.telegram.adminChatId,
        reviewerIds: config.telegram.reviewerIds,
        salesBot: options.salesBot,
      },
      log,
    },
    { apiRoot: options.apiRoot },
  );
  await bot.init();
  await bot.api.setMyCommands(COURSE_COMMANDS);
  const polling = bot.start().catch((err: unknown) => {
    log(`course bot stopped: ${String(err)}`);
    process.kill(process.pid, 'SIGTERM');
  });
  log(`course bot: @${bot.botInfo.username} is polling`);
  return {
    async stop() {
      await bot.stop();
      await polling;
    },
  };
}
