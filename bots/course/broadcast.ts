import { Composer, GrammyError } from 'grammy';
import { AdminOpError } from '../../journey/admin-ops';
import type { AdminActor } from '../../journey/admin-ops';
import { createBroadcastDrafts } from '../../journey/broadcast-drafts';
import { reviewChatAlbums } from '../../journey/review-chat-albums';
import { onButton } from '../buttons';
import type { ButtonContext } from '../buttons';
import { renderPicker } from './broadcast-picker';
import type { CourseContext } from './context';

/**
 * /broadcast in the review chat (#18): in reply to any message (an album too), a preview copy, then the audience
 * picked with buttons, the count, and Confirm, which starts the broadcast's workflow (journey/broadcast-drafts.ts).
 * Pause, Resume and Cancel under its status message signal it. Mounted behind the allow-list like ./admin.
 */
export const broadcastDesk = new Composer<CourseContext>();
export const BROADCAST_COMMANDS = ['broadcast'];

const draftsOf = (ctx: CourseContext) => createBroadcastDrafts(ctx.deps);
const actorOf = (ctx: CourseContext): AdminActor => ({ telegramId: ctx.from!.id, via: 'review-chat' });

// Albums come as one message each: remembered, so /broadcast in reply to one of them copies the whole album.
broadcastDesk.on('message', async (ctx, next) => {
  const group = ctx.message.media_group_id;
  if (group) await reviewChatAlbums(ctx.deps.sql).note(ctx.chat.id, group, ctx.message.message_id);
  await next();
});

broadcastDesk.on('message').command('broadcast', async (ctx) => {
  const original = ctx.message.reply_to_message;
  if (!original) return void (await ctx.reply('Reply /broadcast to the message you want to send to students.'));
  const drafts = draftsOf(ctx);
  const albums = reviewChatAlbums(ctx.deps.sql);
  const messageIds = await albums.messagesOf(ctx.chat.id, original.message_id, original.media_group_id);
  try {
    // The preview is the copy students will get: what cannot be copied here cannot be sent to them either.
    if (messageIds.length === 1) await ctx.api.copyMessage(ctx.chat.id, ctx.chat.id, messageIds[0]!);
    else await ctx.api.copyMessages(ctx.chat.id, ctx.chat.id, messageIds);
  } catch (err) {
    if (err instanceof GrammyError && err.error_code === 400) {
      return void (await ctx.reply(`This message can't be copied (${err.description}); nothing was drafted.`));
    }
    throw err;
  }
  const id = await drafts.create(actorOf(ctx), { chatId: ctx.chat.id, messageIds });
  await ctx.reply(...pickerArgs(await drafts.show(id)));
});

const pickerArgs = (draft: Awaited<ReturnType<ReturnType<typeof createBroadcastDrafts>['show']>>) => {
  const { text, reply_markup } = renderPicker(draft);
  return [text, { reply_markup }] as const;
};

/** Answers a button press with `work`'s text; an AdminOpError ("under way already") is the answer, as an alert. */
async function answer(ctx: ButtonContext<CourseContext>, work: () => Promise<string>): Promise<void> {
  let text: string;
  try {
    text = await work();
  } catch (err) {
    if (err instanceof AdminOpError)
      return void (await ctx.answerCallbackQuery({ text: err.message, show_alert: true }));
    throw err;
  }
  await ctx.answerCallbackQuery({ text });
}

/** An edit that changes nothing is no failure: the message already shows what it should. */
const ignoreNotModified = (err: unknown) => {
  if (!(err instanceof GrammyError && /not modified/.test(err.description))) throw err;
};

onButton(broadcastDesk, 'broadcast-audience', (ctx, { broadcastId, field, value }) =>
  answer(ctx, async () => {
    const drafts = draftsOf(ctx);
    await drafts.setField(broadcastId, field, value);
    const draft = await drafts.show(broadcastId);
    await ctx.editMessageText(...pickerArgs(draft)).catch(ignoreNotModified);
    return `${draft.count} recipient(s) now.`;
  }),
);

onButton(broadcastDesk, 'broadcast-confirm', (ctx, { broadcastId }) =>
  answer(ctx, async () => {
    const { recipients } = await draftsOf(ctx).confirm(actorOf(ctx), broadcastId);
    await ctx
      .editMessageText(`📣 Broadcast #${broadcastId} confirmed: sending to ${recipients}. Progress below.`)
      .catch(ignoreNotModified);
    return `Broadcast #${broadcastId} started.`;
  }),
);

onButton(broadcastDesk, 'broadcast-drop', (ctx, { broadcastId }) =>
  answer(ctx, async () => {
    await draftsOf(ctx).drop(actorOf(ctx), broadcastId);
    await ctx.editMessageText(`📣 Broadcast #${broadcastId} dropped; nothing was sent.`).catch(ignoreNotModified);
    return 'Dropped.';
  }),
);

const CONTROL_ANSWERS = { pause: 'Pausing after the batch in flight…', resume: 'Resuming…', cancel: 'Cancelling…' };

onButton(broadcastDesk, 'broadcast-control', (ctx, { broadcastId, action }) =>
  answer(ctx, async () => {
    await draftsOf(ctx).control(actorOf(ctx), broadcastId, action);
    return CONTROL_ANSWERS[action];
  }),
);
