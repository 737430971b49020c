import type { Message, Update } from 'grammy/types';
import { setBlocked } from './blocks';
import { botIdOf } from './ids';
import type { JoinOutcome } from './invite-links';
import { joinViaLink } from './invite-links';
import { RateLimiter } from './limits';
import type { PayInvoiceInput, PaymentOutcome } from './pay-invoice';
import { payInvoice } from './pay-invoice';
import type { AnswerPollInput } from './polls';
import { answerPoll, deliverRawUpdate } from './polls';
import { BotApiServer } from './server';
import { StandInState } from './state';
import type {
  ApiCall,
  BotRef,
  CallbackAnswer,
  Charge,
  FaultSpec,
  SlowSpec,
  InviteLink,
  MemberStatus,
  RateLimits,
  SentMessage,
  TgUser,
} from './types';
import { TELEGRAM_LIMITS } from './types';
import type { PressButtonInput, UserMessageInput } from './users';
import { pressButton, sendUserMessage } from './users';
import { WebhookDelivery } from './webhook';

export interface BotApiStandInOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Telegram's flood limits (on by default), tuned, or `false` for none. */
  rateLimits?: Partial<RateLimits> | false;
}

export interface WaitOptions {
  /** Default 15 s. */
  timeoutMs?: number;
}

const DEFAULT_WAIT_MS = 15_000;
/** waitFor also re-checks on this period, for probes that read state outside the stand-in. */
const PROBE_POLL_MS = 50;

/**
 * A local Telegram Bot API for tests, the demo and benchmarks. Bots talk to it over real HTTP (grammY's `apiRoot`);
 * tests act as users through it and read back what every chat received and every call made.
 *
 * Where it differs from Telegram, beyond what each method notes: files are not stored unless uploaded (URLs are not
 * fetched), bot messages carry no `entities` (HTML is reduced to its visible text instead; Markdown is not parsed),
 * a negative chat id is a supergroup that exists without being created and in which every bot is an admin, bots in
 * groups see every user message (no privacy mode), and a bot may message any user who has not blocked it.
 */
export class BotApiStandIn {
  private constructor(
    /** Pass to grammY: `new Bot(token, { client: { apiRoot } })` or `new Api(token, { apiRoot })`. */
    readonly apiRoot: string,
    private readonly state: StandInState,
    private readonly server: BotApiServer,
    private readonly webhooks: WebhookDelivery,
    private readonly limiter: RateLimiter | null,
  ) {}

  static async start(options: BotApiStandInOptions = {}): Promise<BotApiStandIn> {
    const state = new StandInState();
    const limiter =
      options.rateLimits === false ? null : new RateLimiter({ ...TELEGRAM_LIMITS, ...options.rateLimits });
    const server = new BotApiServer(state, limiter);
    const apiRoot = await server.listen(options.port ?? 0);
    return new BotApiStandIn(apiRoot, state, server, new WebhookDelivery(state), limiter);
  }

  /** Messages bots put into `chatId` (every chat when omitted), oldest first; optionally of one bot only. */
  sent(chatId?: number, options: { bot?: BotRef } = {}): SentMessage[] {
    const botId = options.bot === undefined ? undefined : botIdOf(options.bot);
    return this.state.records.sent.filter(
      (m) => (chatId === undefined || m.chatId === chatId) && (botId === undefined || m.botId === botId),
    );
  }

  /** Every Bot API request received (or those of one method), refused ones included, oldest first. */
  calls(method?: string): ApiCall[] {
    const wanted = method?.toLowerCase();
    return this.state.records.calls.filter((c) => wanted === undefined || c.method.toLowerCase() === wanted);
  }

  /** Resolves with `sent(chatId)` once the chat holds at least `count` messages; rejects listing them on timeout. */
  waitForMessages(chatId: number, count: number, options: WaitOptions & { bot?: BotRef } = {}): Promise<SentMessage[]> {
    return this.until(
      () => {
        const messages = this.sent(chatId, options);
        return messages.length >= count && messages;
      },
      options.timeoutMs,
      () => `${count} message(s) in chat ${chatId}; it has ${describe(this.sent(chatId, options))}`,
    );
  }

  /** Resolves with the first sent message (in any chat, already sent or still to come) that matches. */
  waitForMessage(predicate: (message: SentMessage) => boolean, options: WaitOptions = {}): Promise<SentMessage> {
    return this.until(
      () => this.state.records.sent.find(predicate),
      options.timeoutMs,
      () => `a matching message; sent so far: ${describe(this.state.records.sent)}`,
    );
  }

  /**
   * Resolves with the first value of `probe` that is not undefined, null or false. The probe runs on every change
   * in the stand-in (a call, a message, an answer) and every 50 ms, so it may also read the test's own state.
   */
  waitFor<T>(
    probe: () => T | undefined | null | false,
    options: WaitOptions & { what?: string | (() => string) } = {},
  ): Promise<T> {
    const { what = 'a condition' } = options;
    return this.until(probe, options.timeoutMs, typeof what === 'string' ? () => what : what, PROBE_POLL_MS);
  }

  /**
   * A user writes to a bot (text, a `/command`, media, a reply); the bot receives it as a `message` update through
   * getUpdates or its webhook. Returns the message as the bot will see it.
   */
  sendUserMessage(input: UserMessageInput): Message {
    return sendUserMessage(this.state, input);
  }

  /** A user presses an inline button under a bot's message; returns the callback query id. */
  pressButton(input: PressButtonInput): string {
    return pressButton(this.state, input);
  }

  /**
   * A user answers a poll a bot sent (by poll id, or by the message showing it); a non-anonymous poll's bot gets
   * poll_answer. A quiz takes one answer per user, as in Telegram's apps. Returns the poll id.
   */
  answerPoll(input: AnswerPollInput): string {
    return answerPoll(this.state, input);
  }

  /** A hand-made update for a bot (say a poll_answer for a poll it never sent, or one delivered twice). */
  deliverRawUpdate(botToken: string, update: Omit<Update, 'update_id'>): Update {
    return deliverRawUpdate(this.state, botToken, update);
  }

  /** How the bot answered a button press, once it called answerCallbackQuery. */
  callbackAnswer(callbackQueryId: string): CallbackAnswer | undefined {
    return this.state.callbackQueries.get(callbackQueryId)?.answer;
  }

  /** A user pays an invoice: pre_checkout_query, the bot's answer (10 s), then successful_payment if it agreed. */
  payInvoice(input: PayInvoiceInput): Promise<PaymentOutcome> {
    return payInvoice(this.state, input);
  }

  /** Payments made through payInvoice, with their refund state. */
  charges(): Charge[] {
    return [...this.state.charges.values()];
  }

  /** Whether the bot refunded this charge (refundStarPayment). */
  refunded(chargeId: string): boolean {
    return this.state.charges.get(chargeId)?.refunded ?? false;
  }

  /** A user (or a user id) opens an invite link a bot created: `joinViaLink(user, link)` or `({ from, link })`. */
  joinViaLink(user: TgUser | number, link: string): JoinOutcome;
  joinViaLink(input: { from: TgUser; link: string }): JoinOutcome;
  joinViaLink(user: TgUser | number | { from: TgUser; link: string }, link?: string): JoinOutcome {
    if (typeof user === 'object' && 'from' in user) return joinViaLink(this.state, user.from, user.link);
    return joinViaLink(this.state, user, link ?? '');
  }

  /** Invite links bots created (in one chat, or all), revoked ones included. */
  inviteLinks(chatId?: number): InviteLink[] {
    return [...this.state.invites.values()].filter((i) => chatId === undefined || i.chatId === chatId);
  }

  memberStatus(chatId: number, userId: number): MemberStatus {
    return this.state.memberStatus(chatId, userId);
  }

  /** Users of a group and their status (those who ever joined, were banned or left). */
  members(chatId: number): { userId: number; status: MemberStatus }[] {
    return [...(this.state.members.get(chatId) ?? [])].map(([userId, status]) => ({ userId, status }));
  }

  /** Updates queued for a bot and not yet confirmed (getUpdates) or accepted (webhook). */
  pendingUpdates(bot: BotRef): Update[] {
    return this.state.botById(botIdOf(bot))?.updates ?? [];
  }

  /**
   * Resolves once the bot has taken every queued update and handled it: a long-polling grammY bot confirms updates
   * with its next getUpdates only after its handlers finished, so an empty queue means "done".
   */
  waitUntilHandled(bot: BotRef, options: WaitOptions = {}): Promise<true> {
    return this.waitFor(() => this.pendingUpdates(bot).length === 0, {
      ...options,
      what: () => `bot ${String(bot).split(':')[0]} to handle ${this.pendingUpdates(bot).length} queued update(s)`,
    });
  }

  /**
   * From now on the user has blocked the bot (or every bot when none is given): sends, edits and chat actions to
   * their private chat answer 403 "Forbidden: bot was blocked by the user", and the bot gets my_chat_member (its
   * status member → kicked). Both argument orders are accepted: `blockUser(userId, botToken?)` and
   * `blockUser(botTokenOrId, userId)`.
   */
  blockUser(userId: number, botToken?: string): void;
  blockUser(bot: BotRef, userId: number): void;
  blockUser(first: BotRef, second?: BotRef): void {
    setBlocked(this.state, first, second, true);
  }

  /** The user unblocked the bot (same argument forms as blockUser); it gets my_chat_member kicked → member. */
  unblockUser(userId: number, botToken?: string): void;
  unblockUser(bot: BotRef, userId: number): void;
  unblockUser(first: BotRef, second?: BotRef): void {
    setBlocked(this.state, first, second, false);
  }

  /**
   * The next matching call (or `times` calls) fails with the given Telegram error instead of running: 429 with
   * `parameters.retry_after`, 5xx "Internal Server Error", 403, 400... A fault without `method` spares getUpdates.
   */
  failNext(fault: FaultSpec): void {
    this.state.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /**
   * The next matching call (or `times` calls) arrives `delayMs` late: it runs then if its client still waits for the
   * answer, and never if the client gave up (timed out or aborted) meanwhile. With `lateAnswer` it runs at once and
   * only its answer is `delayMs` late.
   */
  slowNext(slow: SlowSpec): void {
    this.state.slow.push({ ...slow, left: slow.times ?? 1 });
  }

  /** Every answer is delayed by `ms` (a slow Telegram); 0 turns it off. */
  setLatency(ms: number): void {
    this.state.latencyMs = ms;
  }

  /**
   * Forgets records (sent messages, calls), faults, blocks, latency and flood counters. Telegram's own state stays:
   * bots, chats and their messages, members, invite links, charges and queued updates.
   */
  reset(): void {
    this.state.reset();
    this.limiter?.reset();
  }

  /** Closes the server: pending long polls end at once, webhook deliveries and waits stop. */
  async stop(): Promise<void> {
    this.state.closed = true;
    for (const bot of this.state.bots.values()) bot.endPoll?.('closed');
    this.webhooks.close();
    this.state.changed();
    // Let the released long polls write their (empty) answers before the connections go.
    await new Promise((resolve) => setImmediate(resolve));
    await this.server.close();
  }

  private async until<T>(
    probe: () => T | undefined | null | false,
    timeoutMs = DEFAULT_WAIT_MS,
    what: () => string,
    pollMs?: number,
  ): Promise<T> {
    const value = await this.state.waitFor(probe, timeoutMs, pollMs);
    if (value === undefined) {
      const why = this.state.closed ? 'the stand-in stopped' : `timed out after ${timeoutMs} ms`;
      throw new Error(`Bot API stand-in: ${why} waiting for ${what()}`);
    }
    return value;
  }
}

export const startBotApiStandIn = (options?: BotApiStandInOptions): Promise<BotApiStandIn> =>
  BotApiStandIn.start(options);

function describe(messages: SentMessage[]): string {
  if (messages.length === 0) return 'none';
  return messages
    .map((m) => `${m.chatId}#${m.messageId} ${JSON.stringify((m.text ?? m.caption ?? `[${m.kind}]`).slice(0, 60))}`)
    .join(', ');
}
