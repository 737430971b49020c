import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Chat, Message, Update } from 'grammy/types';
import type { BotState } from './bot-state';
import { createBotState } from './bot-state';
import { botIdOf, chatKey, messageKey } from './ids';
import type {
  CallbackAnswer,
  Charge,
  FaultSpec,
  InviteLink,
  InvoiceRecord,
  MemberStatus,
  PollRecord,
  SlowSpec,
  TgUser,
} from './types';
import { Records } from './records';

export interface StoredFile {
  botId: number;
  kind: string;
  uniqueId: string;
  path: string;
  size: number;
  name?: string;
  mimeType?: string;
  /** Bytes of an uploaded file, served back at `/file/bot<token>/<path>`. */
  content?: Buffer;
}

/** What the stand-in knows, Telegram's side and the test's records; methods and simulated users change it. */
export class StandInState {
  readonly bots = new Map<string, BotState>();
  readonly records = new Records();
  /** Every message in every chat, by `${chatKey}#${messageId}`. */
  readonly messages = new Map<string, Message>();
  readonly users = new Map<number, TgUser>();
  readonly files = new Map<string, StoredFile>();
  readonly callbackQueries = new Map<string, { botId: number; createdAt: number; answer?: CallbackAnswer }>();
  readonly preCheckouts = new Map<string, { botId: number; createdAt: number; ok?: boolean; error?: string }>();
  /** Invoices by message key: Telegram keeps the payload server-side. */
  readonly invoices = new Map<string, InvoiceRecord>();
  readonly charges = new Map<string, Charge>();
  /** Polls bots sent, by poll id. */
  readonly polls = new Map<string, PollRecord>();
  readonly invites = new Map<string, InviteLink>();
  readonly joinRequests = new Map<string, { chatId: number; user: TgUser; link: string }>();
  readonly members = new Map<number, Map<number, MemberStatus>>();
  /** Bots that act in a group, who receive its chat_member and chat_join_request updates. */
  readonly groupBots = new Map<number, Set<number>>();
  /** `${botId}:${userId}`, or `*:${userId}` for every bot. */
  readonly blocked = new Set<string>();
  faults: (FaultSpec & { left: number })[] = [];
  slow: (SlowSpec & { left: number })[] = [];
  latencyMs = 0;
  closed = false;
  /** 'change' after anything a test may wait for; 'update' (bot) when a bot has a new update. */
  readonly events = new EventEmitter();
  private readonly messageIds = new Map<string, number>();

  constructor() {
    this.events.setMaxListeners(0);
    this.records.onChange = () => this.changed();
  }

  /** The bot a token names, known from its first call; a token that is not `<digits>:<secret>` is 401. */
  bot(token: string): BotState {
    let bot = this.bots.get(token);
    if (bot) return bot;
    bot = createBotState(token);
    this.bots.set(token, bot);
    return bot;
  }

  botById(id: number): BotState | undefined {
    return [...this.bots.values()].find((b) => b.id === id);
  }

  nextMessageId(botId: number, chatId: number): number {
    const key = chatKey(botId, chatId);
    const id = (this.messageIds.get(key) ?? 0) + 1;
    this.messageIds.set(key, id);
    return id;
  }

  storeMessage(botId: number, message: Message): void {
    this.messages.set(messageKey(botId, message.chat.id, message.message_id), message);
  }

  findMessage(botId: number, chatId: number, messageId: number): Message | undefined {
    return this.messages.get(messageKey(botId, chatId, messageId));
  }

  /** Queues an update: getUpdates returns it, or the webhook receives it. */
  enqueue(bot: BotState, update: Omit<Update, 'update_id'>): Update {
    const full: Update = { update_id: bot.nextUpdateId++, ...update };
    bot.updates.push(full);
    this.events.emit('update', bot);
    this.changed();
    return full;
  }

  /** Queues a message update (a message from a user, or a service message the bot should see). */
  enqueueMessage(bot: BotState, message: Message): Update {
    return this.enqueue(bot, { message: message as NonNullable<Update['message']> });
  }

  /** Chat as Telegram describes it to a bot: a negative id is a supergroup, a positive one a private chat. */
  chat(chatId: number): Chat {
    if (chatId < 0) return { id: chatId, type: 'supergroup', title: `Group ${chatId}` };
    const user = this.users.get(chatId);
    return {
      id: chatId,
      type: 'private',
      first_name: user?.first_name ?? `User ${chatId}`,
      ...(user?.last_name ? { last_name: user.last_name } : {}),
      ...(user?.username ? { username: user.username } : {}),
    };
  }

  rememberUser(user: TgUser): TgUser & { is_bot: false } {
    this.users.set(user.id, user);
    return { ...user, is_bot: false };
  }

  joinGroup(botId: number, chatId: number): void {
    if (chatId >= 0) return;
    let bots = this.groupBots.get(chatId);
    if (!bots) this.groupBots.set(chatId, (bots = new Set()));
    bots.add(botId);
  }

  memberStatus(chatId: number, userId: number): MemberStatus {
    return this.members.get(chatId)?.get(userId) ?? 'left';
  }

  setMember(chatId: number, userId: number, status: MemberStatus): void {
    let chat = this.members.get(chatId);
    if (!chat) this.members.set(chatId, (chat = new Map()));
    chat.set(userId, status);
    this.changed();
  }

  uniqueId(prefix = '', bytes = 12): string {
    return `${prefix}${randomBytes(bytes).toString('base64url')}`;
  }

  isBlocked(botId: number, chatId: number): boolean {
    return this.blocked.has(`${botId}:${chatId}`) || this.blocked.has(`*:${chatId}`);
  }

  /** The injected fault for this call, if any (used up by it). */
  takeFault(botId: number, method: string, chatId: number | undefined): FaultSpec | undefined {
    const fault = this.faults.find(
      (f) =>
        (f.method === undefined ? method !== 'getUpdates' : f.method.toLowerCase() === method.toLowerCase()) &&
        (f.chatId === undefined || f.chatId === chatId) &&
        (f.bot === undefined || botIdOf(f.bot) === botId),
    );
    if (fault && --fault.left <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  takeSlow(botId: number, method: string, chatId: number | undefined): SlowSpec | undefined {
    const slow = this.slow.find(
      (f) =>
        (f.method === undefined ? method !== 'getUpdates' : f.method.toLowerCase() === method.toLowerCase()) &&
        (f.chatId === undefined || f.chatId === chatId) &&
        (f.bot === undefined || botIdOf(f.bot) === botId),
    );
    if (slow && --slow.left <= 0) this.slow = this.slow.filter((f) => f !== slow);
    return slow;
  }

  changed(): void {
    this.events.emit('change');
  }

  /**
   * The first value of `probe` that is not undefined, null or false; re-checked on every change and, for probes that
   * read state outside the stand-in, every `pollMs`. Undefined when `timeoutMs` passes or the stand-in stops first.
   */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs: number, pollMs?: number): Promise<T | undefined> {
    return new Promise((resolve) => {
      const settle = (value: T | undefined) => {
        clearTimeout(timer);
        clearInterval(poll);
        this.events.off('change', check);
        resolve(value);
      };
      const check = () => {
        const value = probe();
        if (value !== undefined && value !== null && value !== false) settle(value);
        else if (this.closed) settle(undefined);
      };
      const timer = setTimeout(() => settle(undefined), timeoutMs);
      const poll = pollMs ? setInterval(check, pollMs) : undefined;
      this.events.on('change', check);
      check();
    });
  }

  /** Forgets what tests read and inject; Telegram's own state (chats, messages, members, updates) stays. */
  reset(): void {
    this.records.clear();
    this.faults = [];
    this.slow = [];
    this.blocked.clear();
    this.latencyMs = 0;
  }
}
