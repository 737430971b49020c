import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ApiCall, FaultSpec, SentMessage, TgObject, TgUser } from './types';
import { ApiError } from './types';

export interface BotState {
  id: number;
  token: string;
  user: TgUser & { is_bot: true; username: string };
  updates: TgObject[];
  nextUpdateId: number;
  webhook?: { url: string; secretToken?: string; allowedUpdates?: string[] };
  webhookBusy: boolean;
  commands: TgObject[];
}

export interface InviteLink {
  botId: number;
  chatId: number;
  link: string;
  name?: string;
  memberLimit?: number;
  expireDate?: number;
  createsJoinRequest: boolean;
  revoked: boolean;
  joined: number[];
}

export interface Charge {
  botId: number;
  userId: number;
  chargeId: string;
  currency: string;
  totalAmount: number;
  payload: string;
  refunded: boolean;
}

/** Everything the stand-in remembers; the HTTP layer and the Bot API methods read and change it. */
export class StandInState {
  readonly bots = new Map<string, BotState>();
  readonly sentMessages: SentMessage[] = [];
  readonly apiCalls: ApiCall[] = [];
  /** Every message in every chat (sent by bots or users), by `${chatId}:${messageId}`. */
  readonly messages = new Map<string, TgObject>();
  readonly callbackAnswers = new Map<string, TgObject>();
  readonly preCheckoutAnswers = new Map<string, { ok: boolean; errorMessage?: string }>();
  readonly invites = new Map<string, InviteLink>();
  /** chatId → userId → status. */
  readonly members = new Map<number, Map<number, 'member' | 'kicked' | 'left'>>();
  readonly joinRequests = new Map<string, { botId: number; chatId: number; userId: number; link: string }>();
  readonly charges = new Map<string, Charge>();
  /** file_id → owning bot id (file ids belong to one bot, as in Telegram). */
  readonly files = new Map<string, { botId: number; kind: string }>();
  /** `${botId}:${userId}`, or `*:${userId}` for every bot. */
  readonly blocked = new Set<string>();
  faults: (FaultSpec & { left: number })[] = [];
  latencyMs = 0;
  readonly events = new EventEmitter();
  private readonly messageIds = new Map<number, number>();
  private nextId = 1;

  constructor() {
    this.events.setMaxListeners(0);
  }

  bot(token: string): BotState {
    let bot = this.bots.get(token);
    if (!bot) {
      const match = /^(\d+):[\w-]+$/.exec(token);
      if (!match) throw new ApiError(401, 'Unauthorized');
      const id = Number(match[1]);
      bot = {
        id,
        token,
        user: { id, is_bot: true, first_name: `Bot ${id}`, username: `bot${id}_bot` },
        updates: [],
        nextUpdateId: 1,
        webhookBusy: false,
        commands: [],
      };
      this.bots.set(token, bot);
    }
    return bot;
  }

  nextMessageId(chatId: number): number {
    const id = (this.messageIds.get(chatId) ?? 0) + 1;
    this.messageIds.set(chatId, id);
    return id;
  }

  uniqueId(prefix: string): string {
    return `${prefix}${(this.nextId++).toString(36)}${randomBytes(6).toString('base64url')}`;
  }

  isBlocked(botId: number, chatId: number): boolean {
    return this.blocked.has(`${botId}:${chatId}`) || this.blocked.has(`*:${chatId}`);
  }

  /** The injected fault for this call, if any (and uses it up). */
  takeFault(method: string, chatId: number | undefined): FaultSpec | undefined {
    const fault = this.faults.find(
      (f) => (f.method === undefined || f.method === method) && (f.chatId === undefined || f.chatId === chatId),
    );
    if (!fault) return undefined;
    if (--fault.left <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  storeMessage(message: TgObject): void {
    const chat = message.chat as { id: number };
    this.messages.set(`${chat.id}:${String(message.message_id)}`, message);
  }

  findMessage(chatId: number, messageId: number): TgObject | undefined {
    return this.messages.get(`${chatId}:${messageId}`);
  }

  record(sent: SentMessage): void {
    this.sentMessages.push(sent);
    this.events.emit('change');
  }

  logCall(call: ApiCall): void {
    this.apiCalls.push(call);
    this.events.emit('change');
  }

  /** Queues an update for a bot: getUpdates returns it, or the webhook receives it. */
  enqueue(bot: BotState, update: TgObject): TgObject {
    const full = { update_id: bot.nextUpdateId++, ...update };
    bot.updates.push(full);
    this.events.emit('update', bot.token);
    return full;
  }

  /** The first defined value of `probe`, re-checked on every change; undefined when `timeoutMs` passes first. */
  waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
    return new Promise((resolve) => {
      const settle = (value: T | undefined) => {
        clearTimeout(timer);
        this.events.off('change', check);
        resolve(value);
      };
      const check = () => {
        const value = probe();
        if (value !== undefined) settle(value);
      };
      const timer = setTimeout(() => settle(undefined), timeoutMs);
      this.events.on('change', check);
      check();
    });
  }

  memberStatus(chatId: number, userId: number): 'member' | 'kicked' | 'left' {
    return this.members.get(chatId)?.get(userId) ?? 'left';
  }

  setMember(chatId: number, userId: number, status: 'member' | 'kicked' | 'left'): void {
    let chat = this.members.get(chatId);
    if (!chat) this.members.set(chatId, (chat = new Map()));
    chat.set(userId, status);
    this.events.emit('change');
  }

  reset(): void {
    this.sentMessages.length = 0;
    this.apiCalls.length = 0;
    this.faults = [];
    this.blocked.clear();
    this.latencyMs = 0;
    this.callbackAnswers.clear();
  }
}

export const chatOf = (chatId: number, user?: TgUser): TgObject =>
  chatId < 0
    ? { id: chatId, type: 'supergroup', title: `Group ${chatId}` }
    : {
        id: chatId,
        type: 'private',
        first_name: user?.first_name ?? `User ${chatId}`,
        ...(user?.username ? { username: user.username } : {}),
      };

export const unixNow = () => Math.floor(Date.now() / 1000);
