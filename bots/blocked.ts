import type { Context, MiddlewareFn } from 'grammy';
import type { Sql } from '../db';

/**
 * Stops serving a student an admin blocked (/block in the review chat): one short answer, nothing else happens.
 * Group and admin chats pass through.
 */
export function refuseBlockedUsers<C extends Context>(sql: Sql, answer: (ctx: C) => string): MiddlewareFn<C> {
  return async (ctx, next) => {
    if (ctx.chat?.type !== 'private' || !ctx.from) return next();
    const [user] = await sql`select 1 from users where telegram_id = ${ctx.from.id} and blocked_at is not null`;
    if (!user) return next();
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: answer(ctx) });
    else if (ctx.message) await ctx.reply(answer(ctx));
  };
}
