import type { Client } from '@temporalio/client';
import express from 'express';
import { API_CONSTANTS } from 'grammy';
import { createCourseBot, COURSE_COMMANDS } from '../bots/course';
import { botModeOf, launchBot } from '../bots/launch';
import type { BotMode } from '../bots/launch';
import type { CourseConfig } from '../config';
import type { Sql } from '../db';
import { createHttpApp, platformReadiness, serve } from '../server/app';
import { enrollmentClient } from '../journey/client';
import { broadcastClient } from '../journey/broadcast-client';
import { createSendPacer } from '../activities/pacing';

export interface CourseRuntime {
  stop(): Promise<void>;
}

/**
 * The course bot: lessons on demand, assignments, and the review desk in ADMIN_CHAT_ID. It polls, or takes webhooks
 * on the route `mode` gives (npm start shares the sales runtime's server) or, on its own (`npm run course` with
 * BOT_MODE=webhook), on an HTTP server of its own at HTTP_PORT with /healthz and /readyz.
 */
export async function startCourseRuntime(options: {
  config: CourseConfig;
  sql: Sql;
  client: Client;
  /** How students are pointed to the sales bot, e.g. "@my_sales_bot". */
  salesBot: string;
  /** Defaults to BOT_MODE: polling, or webhooks on a server of its own. */
  mode?: BotMode;
  log: (line: string) => void;
}): Promise<CourseRuntime> {
  const { config, log } = options;
  let server: { close(): Promise<void> } | undefined;
  let mode = options.mode;
  if (!mode) {
    const routes = express.Router();
    mode = botModeOf(config.bot, routes);
    if (mode.kind === 'webhook') {
      const app = createHttpApp({ routes, log, readiness: platformReadiness(options.sql, options.client) });
      server = await serve(app, config.http.port);
    }
  }
  if (config.telegram.adminChatId !== undefined && config.telegram.reviewerIds.length === 0) {
    log('course bot: REVIEWER_IDS is empty, so nobody can answer or run admin commands in the review chat');
  }
  const bot = createCourseBot(
    config.telegram.courseBotToken,
    {
      sql: options.sql,
      enrollments: enrollmentClient(options.client, config.temporal.taskQueue, { priorities: config.priorities }),
      broadcasts: broadcastClient(options.client, config.temporal.taskQueue),
      settings: {
        adminChatId: config.telegram.adminChatId,
        reviewerIds: config.telegram.reviewerIds,
        salesBot: options.salesBot,
        maxSubmissionParts: config.telegram.submissionMaxParts,
        partnerMinPayout: config.partnerMinPayout,
      },
      log,
    },
    { apiRoot: config.telegram.apiRoot },
  );
  // Replies share the bot's rate with the workers' sends (one Postgres slot per message): a crowd is answered at
  // Telegram's pace instead of in waves of 429s that retries could give up on.
  const { sendsPerSecond, chatLimits, lanes } = config.telegram;
  createSendPacer(options.sql, sendsPerSecond, chatLimits, lanes).install(bot.api);
  await bot.init();
  await bot.api.setMyCommands(COURSE_COMMANDS);
  // Named, not left to whatever an earlier run of this token set: my_chat_member tells the bot a student unblocked it.
  // Telegram's defaults: they include poll_answer, the students' answers to lesson quizzes (#17).
  const allowedUpdates = API_CONSTANTS.DEFAULT_UPDATE_TYPES;
  const launched = await launchBot(bot, { name: 'course', mode, allowedUpdates, log });
  return {
    async stop() {
      await launched.stop();
      await server?.close();
    },
  };
}
