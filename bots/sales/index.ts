import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, session } from 'grammy';
import type { ApiClientOptions } from 'grammy';
import { salesMessagesFor } from '../../locales/sales';
import { refuseBlockedUsers } from '../blocked';
import { logBotError } from '../errors';
import { noticeReturns } from '../returns';
import { postgresSessionStorage } from '../session';
import { admin } from './admin';
import { catalog, staleButton } from './catalog';
import { checkout } from './checkout';
import { groups } from './groups';
import type { SalesBotDeps, SalesContext, SalesSession } from './context';
import { info } from './info';
import { stars } from './stars';
import { support } from './support';
import { onePerChat } from '../concurrency';

export type { SalesBotDeps, SalesSettings } from './context';
export { GROUP_UPDATES } from './groups';

/** Commands shown in Telegram's menu. */
export const SALES_COMMANDS = [
  { command: 'start', description: 'The course and tariffs' },
  { command: 'support', description: 'Talk to a human' },
  { command: 'timezone', description: 'Set your time zone' },
  { command: 'terms', description: 'Offer and privacy policy' },
  { command: 'paysupport', description: 'Help with a payment' },
];

/**
 * The sales bot: /start (with referral links), tariffs, consent, promo codes, checkout with every configured
 * provider, Telegram Stars, "talk to a human" and the lesson-time choice after payment. It starts and signals
 * journeys; it never runs a multi-step flow itself.
 */
export function createSalesBot(token: string, deps: SalesBotDeps, client?: ApiClientOptions): Bot<SalesContext> {
  const bot = new Bot<SalesContext>(token, client ? { client } : {});
  // A reply refused with 429 (or a Telegram 5xx) is sent again after retry_after instead of being lost.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 4, maxDelaySeconds: 30 }));
  bot.use(onePerChat<SalesContext>());
  bot.use(async (ctx, next) => {
    ctx.deps = deps;
    ctx.t = salesMessagesFor(ctx.from?.language_code);
    await next();
  });
  bot.use(
    session({
      initial: (): SalesSession => ({}),
      storage: postgresSessionStorage<SalesSession>(deps.sql, `sales:${token.split(':')[0]}`),
    }),
  );
  bot.use(refuseBlockedUsers<SalesContext>(deps.sql, (ctx) => ctx.t.suspended()));
  bot.use(noticeReturns<SalesContext>('sales bot', deps));
  bot.use(admin, stars, groups, catalog, checkout, support, info);
  // Button data nobody recognised (forged, or from an older version of the bot).
  bot.on('callback_query:data', staleButton);
  bot.catch(logBotError('sales bot', deps.log));
  return bot;
}
