import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, session } from 'grammy';
import type { ApiClientOptions } from 'grammy';
import { salesMessagesFor } from '../../locales/sales';
import { adminChat, inAdminChat } from '../admin-chat';
import { refuseBlockedUsers } from '../blocked';
import { handleBotError, logBotError } from '../errors';
import { ownCommandsInGroups } from '../group-commands';
import { noticeReturns } from '../returns';
import { postgresSessionStorage } from '../session';
import { admin, SALES_ADMIN_COMMANDS } from './admin';
import { answers } from './answers';
import { catalog, staleButton } from './catalog';
import { checkout } from './checkout';
import { dataRights } from './data-rights';
import { groups } from './groups';
import type { SalesBotDeps, SalesContext, SalesSession } from './context';
import { info } from './info';
import { stars } from './stars';
import { support } from './support';
import { verify } from './verify';
import { onePerChat } from '../concurrency';
import { partnerView } from './partner';

export type { SalesBotDeps, SalesSettings } from './context';
export { GROUP_UPDATES } from './groups';

/** Commands shown in Telegram's menu. */
export const SALES_COMMANDS = [
  { command: 'start', description: 'The course and tariffs' },
  { command: 'support', description: 'Talk to a human' },
  { command: 'timezone', description: 'Set your time zone' },
  { command: 'terms', description: 'Offer and privacy policy' },
  { command: 'paysupport', description: 'Help with a payment' },
  { command: 'mydata', description: 'Everything we hold about you' },
  { command: 'forget', description: 'Erase your personal data' },
  { command: 'verify', description: 'Check a certificate code' },
];

/**
 * The sales bot: /start (with referral links), tariffs, consent, promo codes, checkout with every configured
 * provider, Telegram Stars, "talk to a human", the lesson-time choice after payment, and the student's data rights
 * (/mydata, /forget). It starts and signals
 * journeys; it never runs a multi-step flow itself.
 */
export function createSalesBot(token: string, deps: SalesBotDeps, client?: ApiClientOptions): Bot<SalesContext> {
  const bot = new Bot<SalesContext>(token, client ? { client } : {});
  // A reply refused with 429 (or a Telegram 5xx) is sent again after retry_after instead of being lost.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 4, maxDelaySeconds: 30 }));
  bot.use(onePerChat<SalesContext>());
  const handlers = bot.errorBoundary(handleBotError<SalesContext>('sales bot', deps.log, (ctx) => ctx.t.failed()));
  handlers.use(async (ctx, next) => {
    ctx.deps = deps;
    ctx.t = salesMessagesFor(ctx.from?.language_code);
    await next();
  });
  // Before the session (Postgres): a return seen while Postgres restarts waits for it instead of being lost.
  handlers.use(noticeReturns<SalesContext>('sales bot', deps));
  handlers.use(
    ownCommandsInGroups<SalesContext>((ctx, command) => inAdminChat(ctx) && SALES_ADMIN_COMMANDS.includes(command)),
  );
  handlers.use(
    session({
      initial: (): SalesSession => ({}),
      storage: postgresSessionStorage<SalesSession>(deps.sql, `sales:${token.split(':')[0]}`),
    }),
  );
  handlers.use(adminChat<SalesContext>((ctx) => ctx.t.onlyReviewers(), admin));
  handlers.use(refuseBlockedUsers<SalesContext>(deps.sql, (ctx) => ctx.t.suspended()));
  handlers.use(stars, groups, dataRights, verify, partnerView, catalog, answers, checkout, support, info);
  // Button data nobody recognised (forged, or from an older version of the bot).
  handlers.on('callback_query:data', staleButton);
  // Only what escapes the boundary above (onePerChat) lands here, in long polling.
  bot.catch(logBotError('sales bot', deps.log));
  return bot;
}
