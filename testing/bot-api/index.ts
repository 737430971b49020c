import { RateLimiter } from './limits';
import { BotApiServer } from './server';
import { StandInState } from './state';
import type { InviteLink } from './state';
import type { ApiCall, FaultSpec, RateLimits, SentMessage, TgObject, TgUser } from './types';
import { TELEGRAM_LIMITS } from './types';
import { SimulatedUsers } from './users';
import type { UserMessageInput } from './users';

export type { ApiCall, FaultSpec, InviteLink, RateLimits, SentMessage, TgObject, TgUser, UserMessageInput };
export { TELEGRAM_LIMITS };

export interface BotApiStandInOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Telegram's flood limits (on by default), tuned, or `false` for none. */
  rateLimits?: Partial<RateLimits> | false;
}

/**
 * A local Telegram Bot API for tests, the demo and benchmarks: bots talk to it over real HTTP (grammY's `apiRoot`),
 * tests act as users through it and read back what every chat received. Where it differs from Telegram: no real
 * files (file ids are opaque tokens, still owned by one bot), no message entities for bot messages (HTML is parsed
 * into the visible text instead), and groups exist as soon as a negative chat id is used.
 */
export class BotApiStandIn {
  private readonly users: SimulatedUsers;

  private constructor(
    readonly apiRoot: string,
    private readonly state: StandInState,
    private readonly server: BotApiServer,
    private readonly limiter: RateLimiter | null,
  ) {
    this.users = new SimulatedUsers(state);
  }

  static async start(options: BotApiStandInOptions = {}): Promise<BotApiStandIn> {
    const state = new StandInState();
    const limiter =
      options.rateLimits === false ? null : new RateLimiter({ ...TELEGRAM_LIMITS, ...options.rateLimits });
    const server = new BotApiServer(state, limiter);
    const apiRoot = await server.listen(options.port ?? 0);
    return new BotApiStandIn(apiRoot, state, server, limiter);
  }

  /** Messages bots delivered to `chatId` (or to every chat), oldest first. */
  sent(chatId?: number): SentMessage[] {
    return this.state.sentMessages.filter((m) => chatId === undefined || m.chatId === chatId);
  }

  /** Every Bot API request (or those of one method), including refused ones. */
  calls(method?: string): ApiCall[] {
    return this.state.apiCalls.filter((c) => method === undefined || c.method === method);
  }

  /** Resolves once `chatId` has received at least `count` messages. */
  waitForMessages(chatId: number, count: number, options: { timeoutMs?: number } = {}): Promise<SentMessage[]> {
    return this.waitFor(
      () => {
        const messages = this.sent(chatId);
        return messages.length >= count ? messages : undefined;
      },
      {
        timeoutMs: options.timeoutMs,
        what: () => `${count} messages in chat ${chatId}; got ${describe(this.sent(chatId))}`,
      },
    );
  }

  /** Resolves with the first defined value of `probe`, re-checked whenever the stand-in's state changes. */
  async waitFor<T>(probe: () => T | undefined, options: { timeoutMs?: number; what?: () => string } = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? 15_000;
    const value = await this.state.waitFor(probe, timeoutMs);
    if (value === undefined) {
      throw new Error(
        `Bot API stand-in: timed out after ${timeoutMs} ms waiting for ${options.what?.() ?? 'a condition'}`,
      );
    }
    return value;
  }

  /** The bot's answerCallbackQuery parameters for a pressed button, once it answered. */
  callbackAnswer(callbackQueryId: string): TgObject | undefined {
    return this.state.callbackAnswers.get(callbackQueryId);
  }

  sendUserMessage(input: UserMessageInput): TgObject {
    return this.users.sendMessage(input);
  }

  pressButton(input: Parameters<SimulatedUsers['pressButton']>[0]): string {
    return this.users.pressButton(input);
  }

  payInvoice(input: Parameters<SimulatedUsers['payInvoice']>[0]): ReturnType<SimulatedUsers['payInvoice']> {
    return this.users.payInvoice(input);
  }

  joinViaLink(input: { from: TgUser; link: string }): ReturnType<SimulatedUsers['joinViaLink']> {
    return this.users.joinViaLink(input);
  }

  inviteLinks(chatId?: number): InviteLink[] {
    return [...this.state.invites.values()].filter((i) => chatId === undefined || i.chatId === chatId);
  }

  memberStatus(chatId: number, userId: number): 'member' | 'kicked' | 'left' {
    return this.state.memberStatus(chatId, userId);
  }

  refunded(chargeId: string): boolean {
    return this.state.charges.get(chargeId)?.refunded ?? false;
  }

  /** From now on, sends to `userId` answer 403 "bot was blocked by the user" (for one bot, or every bot). */
  blockUser(userId: number, botToken?: string): void {
    this.state.blocked.add(`${botToken ? this.state.bot(botToken).id : '*'}:${userId}`);
  }

  unblockUser(userId: number, botToken?: string): void {
    this.state.blocked.delete(`${botToken ? this.state.bot(botToken).id : '*'}:${userId}`);
  }

  /** The next matching call(s) fail with the given Telegram error (429 with retry_after, 5xx, 403, ...). */
  failNext(fault: FaultSpec): void {
    this.state.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** Every answer is delayed by `ms` (a slow Telegram). */
  setLatency(ms: number): void {
    this.state.latencyMs = ms;
  }

  /** Forgets records, faults, blocks, latency and flood counters; bots and chats stay. */
  reset(): void {
    this.state.reset();
    this.limiter?.reset();
  }

  stop(): Promise<void> {
    return this.server.close();
  }
}

export const startBotApiStandIn = (options?: BotApiStandInOptions) => BotApiStandIn.start(options);

function describe(messages: SentMessage[]): string {
  if (messages.length === 0) return 'none';
  return messages.map((m) => JSON.stringify((m.text ?? m.caption ?? `[${m.kind}]`).slice(0, 60))).join(', ');
}
