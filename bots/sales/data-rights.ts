import { Composer, GrammyError, InlineKeyboard, InputFile } from 'grammy';
import type { Api } from 'grammy';
import { createErasure } from '../../journey/erasure';
import type { GroupRemoval } from '../../journey/erasure';
import { studentData } from '../../journey/student-data';
import { encodeButton } from '../../telegram/callback-data';
import { onButton } from '../buttons';
import type { SalesBotDeps, SalesContext } from './context';

/** How long a "Yes, erase" button works: a confirmation is an answer to a question asked just now. */
export const FORGET_CONFIRMATION_TTL_S = 10 * 60;

/** Unix seconds, as the confirmation buttons carry them. */
export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A confirmation asked at `askedAt` still counts: not older than the TTL, and not from the future (forged). */
export const confirmationFresh = (askedAt: number) =>
  askedAt <= nowSeconds() + 5 && nowSeconds() - askedAt <= FORGET_CONFIRMATION_TTL_S;

/**
 * The erasure as the sales bot runs it: the bot that invites students to the groups is the one that can take them
 * out, so /forget lives here (the course bot points to it).
 */
export function salesErasure(deps: SalesBotDeps) {
  return createErasure({
    sql: deps.sql,
    enrollments: deps.enrollments,
    cancelPendingOrders: (userId, courseId) => deps.orders.cancelPending(userId, courseId),
  });
}

/**
 * Group steps through this bot's API. A link Telegram no longer knows, or a group the bot has lost its rights in
 * (400/403), does not stop an erasure: it is logged, with ids only, and the rest goes on.
 */
export function groupRemoval(api: Api, log?: (line: string) => void): GroupRemoval {
  const tolerate = (what: string) => (err: unknown) => {
    if (!(err instanceof GrammyError) || (err.error_code !== 400 && err.error_code !== 403)) throw err;
    log?.(`erasure: ${what}: Telegram refused (${err.error_code}: ${err.description})`);
  };
  return {
    async revokeInvite(chatId, link) {
      await api.revokeChatInviteLink(chatId, link).catch(tolerate(`revoking an invite to ${chatId}`));
    },
    async removeFromGroup(chatId, telegramId) {
      await api
        .banChatMember(chatId, telegramId)
        .then(() => api.unbanChatMember(chatId, telegramId, { only_if_banned: true }))
        .catch(tolerate(`removing user ${telegramId} from ${chatId}`));
    },
  };
}

/**
 * /mydata sends the student a JSON document of everything held about them; /forget asks, and its "Yes" button
 * erases (journey/erasure.ts). The button names whose data and when it was asked: a press by anyone else, in another
 * chat, or after FORGET_CONFIRMATION_TTL_S erases nothing.
 */
export const dataRights = new Composer<SalesContext>();
const student = dataRights.chatType('private');

student.command('mydata', async (ctx) => {
  const data = await studentData(ctx.deps.sql, ctx.from.id);
  if (!data) return void (await ctx.reply(ctx.t.noData()));
  const file = new InputFile(Buffer.from(JSON.stringify(data, null, 2)), 'my-data.json');
  await ctx.replyWithDocument(file, { caption: ctx.t.myData() });
});

student.command('forget', async (ctx) => {
  const [held] = await ctx.deps.sql`select 1 from users where telegram_id = ${ctx.from.id}`;
  if (!held) return void (await ctx.reply(ctx.t.noData()));
  const yes = encodeButton({ kind: 'forget', telegramId: ctx.from.id, askedAt: nowSeconds() });
  await ctx.reply(ctx.t.forgetConfirm(), {
    parse_mode: 'HTML',
    reply_markup: new InlineKeyboard().text(ctx.t.forgetYes(), yes),
  });
});

onButton(student, 'forget', async (ctx, { telegramId, askedAt }) => {
  if (telegramId !== ctx.from.id || !confirmationFresh(askedAt)) {
    return void (await ctx.answerCallbackQuery({ text: ctx.t.forgetStale(), show_alert: true }));
  }
  await ctx.answerCallbackQuery();
  const outcome = await salesErasure(ctx.deps).forget(
    { via: 'student' },
    telegramId,
    groupRemoval(ctx.api, ctx.deps.log),
  );
  // Nothing of this chat's session is written back after the erasure deleted it.
  ctx.session = {};
  await ctx.reply(outcome.erased ? ctx.t.forgotten() : ctx.t.noData());
});
