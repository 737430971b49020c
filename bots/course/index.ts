import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, session } from 'grammy';
import type { ApiClientOptions } from 'grammy';
import { courseMessagesFor } from '../../locales/course';
import { adminChat, inAdminChat } from '../admin-chat';
import { refuseBlockedUsers } from '../blocked';
import { handleBotError, logBotError } from '../errors';
import { ownCommandsInGroups } from '../group-commands';
import { noticeReturns } from '../returns';
import { postgresSessionStorage } from '../session';
import type { CourseBotDeps, CourseContext, CourseSession } from './context';
import { lessons } from './lessons';
import { admin, ADMIN_COMMANDS } from './admin';
import { cohortDesk, COHORT_COMMANDS } from './cohorts';
import { promoDesk, PROMO_COMMANDS } from './promo';
import { funnelDesk, FUNNEL_COMMANDS } from './funnel';
import { partnerDesk, PARTNER_COMMANDS } from './partners';
import { broadcastDesk, BROADCAST_COMMANDS } from './broadcast';
import { certificateNames } from './certificate-name';
import { questions } from './questions';
import { reminders } from './reminders';
import { quizAnswers } from './quizzes';
import { review, REVIEW_COMMANDS } from './review';
import { settings } from './settings';
import { submit } from './submit';
import { onePerChat } from '../concurrency';

export type { CourseBotDeps, CourseSettings } from './context';

export const COURSE_COMMANDS = [
  { command: 'lesson', description: "Today's lesson again" },
  { command: 'lessons', description: 'Every lesson you have received' },
  { command: 'progress', description: 'Your day, tariff and assignments' },
  { command: 'time', description: 'Set your lesson time (HH:MM)' },
  { command: 'timezone', description: 'Set your time zone' },
  { command: 'reminders', description: 'How often to remind you of homework' },
  { command: 'pause', description: 'Pause the course' },
  { command: 'resume', description: 'Resume the course' },
  { command: 'name', description: 'The name on your certificate' },
  { command: 'help', description: 'What this bot does' },
];

/**
 * The course bot: lessons again on demand, progress, handing in assignments, and (in the admin chat) the review desk.
 * Lessons themselves are sent by the journey's activities through this bot's token.
 */
export function createCourseBot(token: string, deps: CourseBotDeps, client?: ApiClientOptions): Bot<CourseContext> {
  const bot = new Bot<CourseContext>(token, client ? { client } : {});
  bot.api.config.use(autoRetry({ maxRetryAttempts: 4, maxDelaySeconds: 30 }));
  bot.use(onePerChat<CourseContext>());
  const handlers = bot.errorBoundary(handleBotError<CourseContext>('course bot', deps.log, (ctx) => ctx.t.failed()));
  handlers.use(async (ctx, next) => {
    ctx.deps = deps;
    ctx.t = courseMessagesFor(ctx.from?.language_code);
    await next();
  });
  // Before the session (Postgres): a return seen while Postgres restarts waits for it instead of being lost.
  handlers.use(noticeReturns<CourseContext>('course bot', deps));
  const deskCommands = [
    ...ADMIN_COMMANDS,
    ...COHORT_COMMANDS,
    ...PROMO_COMMANDS,
    ...REVIEW_COMMANDS,
    ...PARTNER_COMMANDS,
    ...FUNNEL_COMMANDS,
    ...BROADCAST_COMMANDS,
  ];
  handlers.use(
    ownCommandsInGroups<CourseContext>((ctx, command) => inAdminChat(ctx) && deskCommands.includes(command)),
  );
  handlers.use(
    session({
      initial: (): CourseSession => ({}),
      storage: postgresSessionStorage<CourseSession>(deps.sql, `course:${token.split(':')[0]}`),
    }),
  );
  // Poll answers come from no chat: they are the student's, handled before anything that needs a chat.
  handlers.use(quizAnswers);
  handlers.use(
    adminChat<CourseContext>(
      (ctx) => ctx.t.onlyReviewers(),
      admin,
      cohortDesk,
      promoDesk,
      partnerDesk,
      funnelDesk,
      broadcastDesk,
      review,
    ),
  );
  handlers.use(refuseBlockedUsers<CourseContext>(deps.sql, (ctx) => ctx.t.suspended()));
  handlers.use(lessons, settings, certificateNames, reminders);
  handlers.command(['start', 'help'], (ctx) => ctx.reply(ctx.t.help()));
  // The sales bot holds the account and takes students out of the groups, so data rights are served there.
  handlers.command(['mydata', 'forget'], (ctx) =>
    ctx.reply(ctx.t.dataRights({ salesBot: ctx.deps.settings.salesBot })),
  );
  handlers.use(questions, submit);
  handlers.on('message:entities:bot_command', (ctx) => ctx.reply(ctx.t.help()));
  handlers.on('callback_query:data', (ctx) => ctx.answerCallbackQuery({ text: ctx.t.notDelivered() }));
  // Only what escapes the boundary above (onePerChat) lands here, in long polling.
  bot.catch(logBotError('course bot', deps.log));
  return bot;
}
