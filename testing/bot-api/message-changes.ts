import type { Message } from 'grammy/types';
import type { MethodContext } from './context';
import { badRequest } from './errors';
import { deliver, readable, replyMarkup } from './messages';
import { messageKey, unixNow } from './ids';
import type { SentMessage } from './types';

const MEDIA = ['photo', 'video', 'document', 'voice', 'audio', 'animation'] as const;
const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

/**
 * copyMessage / forwardMessage of a message the bot can see (its own or one a user sent it). Like Telegram, service
 * messages (payments, invoices) cannot be copied and protected content cannot leave its chat. copyMessage answers
 * `{ message_id }` and may replace the caption; forwardMessage answers the message with its forward_origin.
 */
export function copyMessage(kind: 'copy' | 'forward') {
  return (ctx: MethodContext): Message | { message_id: number } => {
    const chatId = ctx.params.chatId();
    const fromChatId = ctx.params.chatId('from_chat_id');
    const original = ctx.state.findMessage(ctx.bot.id, fromChatId, ctx.params.int('message_id'));
    if (!original) throw badRequest(`message to ${kind} not found`);
    if (original.has_protected_content) throw badRequest("message has protected content and can't be forwarded");
    const media = MEDIA.find((k) => original[k] !== undefined);
    if (original.text === undefined && !media)
      throw badRequest(`message can't be ${kind === 'copy' ? 'copied' : 'forwarded'}`);
    const content: Partial<Message> = {
      ...(original.text !== undefined ? { text: original.text } : {}),
      ...(media ? { [media]: original[media] } : {}),
      ...(original.caption !== undefined ? { caption: original.caption } : {}),
    };
    let record: Pick<SentMessage, 'text' | 'caption' | 'rawText' | 'media'> = {
      text: original.text,
      caption: original.caption,
      ...(media ? { media: fileOf(original, media) } : {}),
    };
    if (kind === 'copy' && ctx.params.has('caption')) {
      const { shown, raw } = readable(ctx, 'caption');
      content.caption = shown;
      record = { ...record, caption: shown, rawText: raw };
    }
    if (kind === 'forward') {
      content.forward_origin =
        original.chat.type === 'private'
          ? { type: 'user', sender_user: original.from!, date: original.date }
          : { type: 'chat', sender_chat: original.chat, date: original.date };
    }
    const message = deliver(ctx, chatId, kind, content, record);
    return kind === 'copy' ? { message_id: message.message_id } : message;
  };
}

/**
 * copyMessages: each message (an album's, in order) copied as copyMessage would, as one send; answers their new ids.
 * Like Telegram, 1-100 ids in increasing order; a message that cannot be copied fails the whole call.
 */
export function copyMessages(ctx: MethodContext): { message_id: number }[] {
  const ids = ctx.params.json<number[]>('message_ids');
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > 100) throw badRequest('message_ids must be 1-100 ids');
  if (ids.some((id, i) => !Number.isInteger(id) || (i > 0 && id <= ids[i - 1]!)))
    throw badRequest('message identifiers must be in increasing order');
  const one = copyMessage('copy');
  return ids.map((id) => {
    const copied = one({ ...ctx, params: withMessageId(ctx.params, id) });
    return { message_id: copied.message_id };
  });
}

/** The same parameters with `message_id` set (copyMessages copies each of its ids as copyMessage would). */
function withMessageId(params: MethodContext['params'], messageId: number): MethodContext['params'] {
  return new Proxy(params, {
    get(target, key, receiver) {
      if (key === 'int') return (name: string) => (name === 'message_id' ? messageId : target.int(name));
      if (key === 'has') return (name: string) => name !== 'caption' && target.has(name);
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * editMessageText / editMessageCaption / editMessageReplyMarkup of the bot's own message in a chat (inline messages
 * are not modelled). Telegram's 400s apply: someone else's message, no text to edit, or nothing changed.
 */
export function editMessage(field: 'text' | 'caption' | 'reply_markup') {
  return (ctx: MethodContext): Message => {
    const chatId = ctx.params.chatId();
    const messageId = ctx.params.int('message_id');
    const message = ctx.state.findMessage(ctx.bot.id, chatId, messageId);
    if (!message) throw badRequest('message to edit not found');
    if (message.from?.id !== ctx.bot.id) throw badRequest("message can't be edited");
    const record = ctx.state.records.find(ctx.bot.id, chatId, messageId);
    const markup = replyMarkup(ctx);
    if (markup && !('inline_keyboard' in markup)) throw badRequest('inline keyboard expected');
    const sameMarkup = JSON.stringify(markup) === JSON.stringify(message.reply_markup);
    if (field === 'reply_markup') {
      if (sameMarkup) throw badRequest(NOT_MODIFIED);
    } else {
      if (field === 'text' && message.text === undefined) throw badRequest('there is no text in the message to edit');
      if (field === 'caption' && message.text !== undefined)
        throw badRequest('there is no caption in the message to edit');
      const { shown, raw, parseMode } = readable(ctx, field);
      if (message[field] === shown && sameMarkup) throw badRequest(NOT_MODIFIED);
      if (record) {
        record.edits.push(record[field] ?? '');
        Object.assign(record, { [field]: shown, rawText: raw, parseMode });
      }
      if (shown === undefined) delete message[field];
      else message[field] = shown;
    }
    if (markup) message.reply_markup = markup;
    else delete message.reply_markup;
    if (record) {
      if (markup) record.replyMarkup = markup;
      else delete record.replyMarkup;
    }
    message.edit_date = unixNow();
    ctx.state.changed();
    return message;
  };
}

/** deleteMessage: the message disappears from the chat; its record stays with `deleted: true`. */
export function deleteMessage(ctx: MethodContext): true {
  const chatId = ctx.params.chatId();
  const messageId = ctx.params.int('message_id');
  const message = ctx.state.findMessage(ctx.bot.id, chatId, messageId);
  if (!message) throw badRequest('message to delete not found');
  if (chatId < 0 && message.from?.id !== ctx.bot.id) throw badRequest("message can't be deleted");
  ctx.state.messages.delete(messageKey(ctx.bot.id, chatId, messageId));
  const record = ctx.state.records.find(ctx.bot.id, chatId, messageId);
  if (record) record.deleted = true;
  ctx.state.changed();
  return true;
}

function fileOf(message: Message, kind: (typeof MEDIA)[number]): string | undefined {
  const media = message[kind];
  return Array.isArray(media) ? media.at(-1)?.file_id : media?.file_id;
}
