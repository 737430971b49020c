import type { StandInState } from './state';
import { chatOf, unixNow } from './state';
import type { TgObject, TgUser } from './types';

export interface UserMessageInput {
  /** The bot the user writes to. */
  botToken: string;
  from: TgUser;
  /** Defaults to the user's private chat with the bot (chat id = user id). */
  chatId?: number;
  text?: string;
  caption?: string;
  /** Media the user sends; the stand-in makes a file_id owned by `botToken`'s bot. */
  photo?: true;
  video?: true;
  document?: true;
  voice?: true;
  audio?: true;
  replyToMessageId?: number;
  mediaGroupId?: string;
}

const MEDIA = ['photo', 'video', 'document', 'voice', 'audio'] as const;

/** Updates that users (students, admins) cause: messages, button presses, payments, joins. */
export class SimulatedUsers {
  constructor(private readonly state: StandInState) {}

  /** The user sends a message; a leading `/command` gets its bot_command entity, as Telegram adds it. */
  sendMessage(input: UserMessageInput): TgObject {
    const bot = this.state.bot(input.botToken);
    const chatId = input.chatId ?? input.from.id;
    const user = { is_bot: false, ...input.from };
    const message: TgObject = {
      message_id: this.state.nextMessageId(chatId),
      from: user,
      chat: chatOf(chatId, input.from),
      date: unixNow(),
    };
    if (input.text !== undefined) {
      message.text = input.text;
      const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(input.text);
      if (command) message.entities = [{ type: 'bot_command', offset: 0, length: command[0].length }];
    }
    for (const kind of MEDIA) {
      if (!input[kind]) continue;
      const fileId = this.state.uniqueId(kind === 'photo' ? 'AgAC' : 'BQAC');
      this.state.files.set(fileId, { botId: bot.id, kind });
      const file = { file_id: fileId, file_unique_id: `u${fileId.slice(-10)}`, file_size: 2048 };
      message[kind] =
        kind === 'photo'
          ? [{ ...file, width: 1280, height: 960 }]
          : { ...file, ...(kind === 'voice' ? { duration: 4 } : {}) };
    }
    if (input.caption !== undefined) message.caption = input.caption;
    if (input.mediaGroupId) message.media_group_id = input.mediaGroupId;
    if (input.replyToMessageId !== undefined) {
      const original = this.state.findMessage(chatId, input.replyToMessageId);
      if (original) message.reply_to_message = original;
    }
    this.state.storeMessage(message);
    this.state.enqueue(bot, { message });
    return message;
  }

  /** The user presses an inline button under a message; returns the callback query id. */
  pressButton(input: { botToken: string; from: TgUser; chatId?: number; messageId: number; data: string }): string {
    const bot = this.state.bot(input.botToken);
    const chatId = input.chatId ?? input.from.id;
    const message = this.state.findMessage(chatId, input.messageId) ?? {
      message_id: input.messageId,
      chat: chatOf(chatId, input.from),
      date: unixNow(),
    };
    const id = this.state.uniqueId('cb');
    this.state.enqueue(bot, {
      callback_query: {
        id,
        from: { is_bot: false, ...input.from },
        message,
        chat_instance: String(chatId),
        data: input.data,
      },
    });
    return id;
  }

  /**
   * Pays an invoice like a Telegram client: a pre_checkout_query the bot must answer within 10 s, then, if it said
   * ok, a successful_payment message with a unique charge id.
   */
  async payInvoice(input: {
    botToken: string;
    from: TgUser;
    invoice: { currency: string; totalAmount: number; payload: string };
    timeoutMs?: number;
  }): Promise<{ ok: true; chargeId: string } | { ok: false; error: string }> {
    const bot = this.state.bot(input.botToken);
    const queryId = this.state.uniqueId('pcq');
    const from = { is_bot: false, ...input.from };
    this.state.enqueue(bot, {
      pre_checkout_query: {
        id: queryId,
        from,
        currency: input.invoice.currency,
        total_amount: input.invoice.totalAmount,
        invoice_payload: input.invoice.payload,
      },
    });
    const answer = await this.state.waitFor(
      () => this.state.preCheckoutAnswers.get(queryId),
      input.timeoutMs ?? 10_000,
    );
    if (!answer) return { ok: false, error: 'the bot did not answer the pre-checkout query within 10 s' };
    if (!answer.ok) return { ok: false, error: answer.errorMessage ?? 'declined' };
    const chargeId = this.state.uniqueId('stxch');
    this.state.charges.set(chargeId, {
      botId: bot.id,
      userId: from.id,
      chargeId,
      currency: input.invoice.currency,
      totalAmount: input.invoice.totalAmount,
      payload: input.invoice.payload,
      refunded: false,
    });
    const message = {
      message_id: this.state.nextMessageId(from.id),
      from,
      chat: chatOf(from.id, from),
      date: unixNow(),
      successful_payment: {
        currency: input.invoice.currency,
        total_amount: input.invoice.totalAmount,
        invoice_payload: input.invoice.payload,
        telegram_payment_charge_id: chargeId,
        provider_payment_charge_id: input.invoice.currency === 'XTR' ? '' : `prov_${chargeId}`,
      },
    };
    this.state.storeMessage(message);
    this.state.enqueue(bot, { message });
    return { ok: true, chargeId };
  }

  /**
   * The user opens an invite link: joins (within member limit and expiry, unless revoked or banned), or files a join
   * request the creating bot receives as chat_join_request.
   */
  joinViaLink(input: {
    from: TgUser;
    link: string;
  }): 'joined' | 'requested' | 'expired' | 'revoked' | 'full' | 'banned' | 'unknown' {
    const invite = this.state.invites.get(input.link);
    if (!invite) return 'unknown';
    if (invite.revoked) return 'revoked';
    if (invite.expireDate !== undefined && invite.expireDate <= unixNow()) return 'expired';
    if (this.state.memberStatus(invite.chatId, input.from.id) === 'kicked') return 'banned';
    const bot = [...this.state.bots.values()].find((b) => b.id === invite.botId)!;
    const from = { is_bot: false, ...input.from };
    if (invite.createsJoinRequest) {
      this.state.joinRequests.set(`${invite.chatId}:${from.id}`, {
        botId: bot.id,
        chatId: invite.chatId,
        userId: from.id,
        link: invite.link,
      });
      this.state.enqueue(bot, {
        chat_join_request: {
          chat: chatOf(invite.chatId),
          from,
          user_chat_id: from.id,
          date: unixNow(),
          invite_link: {
            invite_link: invite.link,
            creator: bot.user,
            creates_join_request: true,
            is_primary: false,
            is_revoked: false,
          },
        },
      });
      return 'requested';
    }
    if (invite.memberLimit !== undefined && invite.joined.length >= invite.memberLimit) return 'full';
    invite.joined.push(from.id);
    this.state.setMember(invite.chatId, from.id, 'member');
    this.state.enqueue(bot, {
      chat_member: {
        chat: chatOf(invite.chatId),
        from,
        date: unixNow(),
        old_chat_member: { status: 'left', user: from },
        new_chat_member: { status: 'member', user: from },
        invite_link: {
          invite_link: invite.link,
          creator: bot.user,
          creates_join_request: false,
          is_primary: false,
          is_revoked: false,
        },
      },
    });
    return 'joined';
  }
}
