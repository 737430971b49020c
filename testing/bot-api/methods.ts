import type { MethodContext } from './messages';
import { copyMessage, deliver, editMessage, sendMedia, sendMediaGroup, sendMessage } from './messages';
import type { TgObject } from './types';
import { ApiError, badRequest } from './types';

type Method = (ctx: MethodContext) => unknown;

/** Methods that put a message into a chat: these count against flood limits and fail for a blocked user. */
export const SEND_METHODS = new Set([
  'sendMessage',
  'sendPhoto',
  'sendVideo',
  'sendDocument',
  'sendVoice',
  'sendAudio',
  'sendAnimation',
  'sendMediaGroup',
  'sendInvoice',
  'copyMessage',
  'forwardMessage',
]);

const inviteObject = (ctx: MethodContext, link: string): TgObject => {
  const invite = ctx.state.invites.get(link)!;
  return {
    invite_link: invite.link,
    creator: ctx.bot.user,
    creates_join_request: invite.createsJoinRequest,
    is_primary: false,
    is_revoked: invite.revoked,
    ...(invite.name ? { name: invite.name } : {}),
    ...(invite.expireDate ? { expire_date: invite.expireDate } : {}),
    ...(invite.memberLimit ? { member_limit: invite.memberLimit } : {}),
  };
};

/**
 * The Bot API methods the platform's bots call (getUpdates lives in the server: it waits). Each validates what
 * Telegram validates for our use and answers with Telegram's shapes.
 */
export const METHODS: Record<string, Method> = {
  getMe: (ctx) => ({
    ...ctx.bot.user,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
  }),
  logOut: () => true,
  close: () => true,

  setWebhook: (ctx) => {
    const url = ctx.params.optionalString('url');
    if (url !== undefined && !/^https?:\/\//.test(url))
      throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    ctx.bot.webhook = url
      ? {
          url,
          secretToken: ctx.params.optionalString('secret_token'),
          allowedUpdates: ctx.params.json<string[]>('allowed_updates'),
        }
      : undefined;
    if (ctx.params.bool('drop_pending_updates')) ctx.bot.updates.length = 0;
    ctx.state.events.emit('update', ctx.bot.token);
    return true;
  },
  deleteWebhook: (ctx) => {
    ctx.bot.webhook = undefined;
    if (ctx.params.bool('drop_pending_updates')) ctx.bot.updates.length = 0;
    return true;
  },
  getWebhookInfo: (ctx) => ({
    url: ctx.bot.webhook?.url ?? '',
    has_custom_certificate: false,
    pending_update_count: ctx.bot.updates.length,
    ...(ctx.bot.webhook?.allowedUpdates ? { allowed_updates: ctx.bot.webhook.allowedUpdates } : {}),
  }),

  sendMessage,
  sendPhoto: sendMedia('photo'),
  sendVideo: sendMedia('video'),
  sendDocument: sendMedia('document'),
  sendVoice: sendMedia('voice'),
  sendAudio: sendMedia('audio'),
  sendAnimation: sendMedia('animation'),
  sendMediaGroup,
  copyMessage: copyMessage('copy'),
  forwardMessage: copyMessage('forward'),
  editMessageText: editMessage('text'),
  editMessageCaption: editMessage('caption'),
  editMessageReplyMarkup: editMessage('reply_markup'),
  deleteMessage: (ctx) => {
    const key = `${ctx.params.chatId()}:${ctx.params.int('message_id')}`;
    if (!ctx.state.messages.delete(key)) throw badRequest('message to delete not found');
    return true;
  },
  sendChatAction: (ctx) => (ctx.params.chatId(), true),

  answerCallbackQuery: (ctx) => {
    const id = ctx.params.string(
      'callback_query_id',
      'query is too old and response timeout expired or query ID is invalid',
    );
    if (ctx.state.callbackAnswers.has(id))
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    ctx.state.callbackAnswers.set(id, ctx.params.raw);
    ctx.state.events.emit('change');
    return true;
  },

  setMyCommands: (ctx) => ((ctx.bot.commands = ctx.params.json<TgObject[]>('commands') ?? []), true),
  getMyCommands: (ctx) => ctx.bot.commands,
  deleteMyCommands: (ctx) => ((ctx.bot.commands = []), true),
  setChatMenuButton: () => true,
  setMyDescription: () => true,
  setMyShortDescription: () => true,

  getChat: (ctx) => {
    const id = ctx.params.chatId();
    return id < 0
      ? { id, type: 'supergroup', title: `Group ${id}` }
      : { id, type: 'private', first_name: `User ${id}` };
  },
  getChatMember: (ctx) => {
    const status = ctx.state.memberStatus(ctx.params.chatId(), ctx.params.int('user_id'));
    return {
      status,
      user: { id: ctx.params.int('user_id'), is_bot: false, first_name: `User ${ctx.params.int('user_id')}` },
    };
  },
  createChatInviteLink: (ctx) => {
    const chatId = ctx.params.chatId();
    if (chatId > 0) throw badRequest('chat not found');
    const memberLimit = ctx.params.optionalInt('member_limit');
    const createsJoinRequest = ctx.params.bool('creates_join_request');
    if (memberLimit !== undefined && (memberLimit < 1 || memberLimit > 99_999))
      throw badRequest('member limit must be 1-99999');
    if (memberLimit !== undefined && createsJoinRequest) {
      throw badRequest("can't set member_limit for invite links that create join requests");
    }
    const link = `https://t.me/+${ctx.state.uniqueId('')}`;
    ctx.state.invites.set(link, {
      botId: ctx.bot.id,
      chatId,
      link,
      name: ctx.params.optionalString('name'),
      memberLimit,
      expireDate: ctx.params.optionalInt('expire_date'),
      createsJoinRequest,
      revoked: false,
      joined: [],
    });
    return inviteObject(ctx, link);
  },
  revokeChatInviteLink: (ctx) => {
    const invite = ctx.state.invites.get(ctx.params.string('invite_link'));
    if (!invite || invite.chatId !== ctx.params.chatId()) throw badRequest('INVITE_HASH_INVALID');
    invite.revoked = true;
    return inviteObject(ctx, invite.link);
  },
  approveChatJoinRequest: (ctx) => answerJoinRequest(ctx, true),
  declineChatJoinRequest: (ctx) => answerJoinRequest(ctx, false),
  banChatMember: (ctx) => (ctx.state.setMember(ctx.params.chatId(), ctx.params.int('user_id'), 'kicked'), true),
  unbanChatMember: (ctx) => {
    // Like Telegram: the user is not a member afterwards but may join again; only_if_banned leaves members alone.
    const chatId = ctx.params.chatId();
    const userId = ctx.params.int('user_id');
    if (!ctx.params.bool('only_if_banned') || ctx.state.memberStatus(chatId, userId) === 'kicked') {
      ctx.state.setMember(chatId, userId, 'left');
    }
    return true;
  },

  sendInvoice: (ctx) => {
    const chatId = ctx.params.chatId();
    const currency = ctx.params.string('currency');
    const prices = ctx.params.json<{ label: string; amount: number }[]>('prices');
    if (!Array.isArray(prices) || prices.length === 0) throw badRequest('prices must be non-empty');
    if (currency === 'XTR' && prices.length !== 1)
      throw badRequest('exactly one price must be specified for payments in Telegram Stars');
    if (currency !== 'XTR' && !ctx.params.has('provider_token')) throw badRequest('PAYMENT_PROVIDER_INVALID');
    const invoice = {
      title: ctx.params.string('title'),
      description: ctx.params.string('description'),
      start_parameter: ctx.params.optionalString('start_parameter') ?? '',
      currency,
      total_amount: prices.reduce((sum, p) => sum + Number(p.amount), 0),
    };
    const payload = ctx.params.string('payload');
    return deliver(
      ctx,
      chatId,
      'invoice',
      { invoice },
      { text: `${invoice.title}: ${invoice.total_amount} ${currency}`, rawText: payload },
    );
  },
  answerPreCheckoutQuery: (ctx) => {
    const id = ctx.params.string('pre_checkout_query_id', 'QUERY_ID_INVALID');
    if (ctx.state.preCheckoutAnswers.has(id)) throw badRequest('QUERY_ID_INVALID');
    const ok = ctx.params.bool('ok');
    if (!ok && !ctx.params.has('error_message')) throw badRequest('error_message is required when ok is false');
    ctx.state.preCheckoutAnswers.set(id, { ok, errorMessage: ctx.params.optionalString('error_message') });
    ctx.state.events.emit('change');
    return true;
  },
  refundStarPayment: (ctx) => {
    const charge = ctx.state.charges.get(ctx.params.string('telegram_payment_charge_id'));
    if (!charge || charge.botId !== ctx.bot.id || charge.userId !== ctx.params.int('user_id'))
      throw badRequest('CHARGE_NOT_FOUND');
    if (charge.refunded) throw badRequest('CHARGE_ALREADY_REFUNDED');
    charge.refunded = true;
    ctx.state.events.emit('change');
    return true;
  },
  getFile: (ctx) => {
    const fileId = ctx.params.string('file_id');
    const file = ctx.state.files.get(fileId);
    if (!file || file.botId !== ctx.bot.id) throw badRequest('invalid file_id');
    return {
      file_id: fileId,
      file_unique_id: `u${fileId.slice(-10)}`,
      file_size: 1024,
      file_path: `${file.kind}/${fileId}`,
    };
  },
};

function answerJoinRequest(ctx: MethodContext, approve: boolean): true {
  const chatId = ctx.params.chatId();
  const userId = ctx.params.int('user_id');
  const key = `${chatId}:${userId}`;
  const request = ctx.state.joinRequests.get(key);
  if (!request) throw badRequest('HIDE_REQUESTER_MISSING');
  ctx.state.joinRequests.delete(key);
  if (approve) {
    ctx.state.setMember(chatId, userId, 'member');
    ctx.state.invites.get(request.link)?.joined.push(userId);
  }
  return true;
}

export const methodNotFound = () => new ApiError(404, 'Not Found: method not found');
