import type {
  ForceReply,
  InlineKeyboardMarkup,
  Poll,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
  User,
} from 'grammy/types';

/** A loosely typed Bot API object: request parameters and anything the stand-in passes through as given. */
export type TgObject = Record<string, unknown>;

/** A person acting in a test: who sends messages, presses buttons, pays and joins. */
export interface TgUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/** A bot, by its token (`1111:secret`) or by its id (the token's numeric prefix). */
export type BotRef = string | number;

export type BotUser = User & { is_bot: true; username: string };

export type SentKind =
  'text' | 'photo' | 'video' | 'document' | 'voice' | 'audio' | 'animation' | 'invoice' | 'copy' | 'forward' | 'poll';

export type ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;

export type MediaKind = 'photo' | 'video' | 'document' | 'voice' | 'audio' | 'animation';

/** One message a bot put into a chat, as the chat sees it now (edits and deletions are applied in place). */
export interface SentMessage {
  botId: number;
  method: string;
  chatId: number;
  messageId: number;
  kind: SentKind;
  /** What the reader sees: tags removed and entities decoded when parse_mode was HTML. */
  text?: string;
  caption?: string;
  /** Text or caption exactly as the bot sent it (with HTML tags). */
  rawText?: string;
  parseMode?: string;
  /** file_id of the media (the largest size for photos). */
  media?: string;
  mediaGroupId?: string;
  /** The keyboard as sent (only an inline keyboard is also part of the message object, as in Telegram). */
  replyMarkup?: ReplyMarkup;
  protectContent: boolean;
  replyToMessageId?: number;
  /** For `kind: 'invoice'`: what the bot asked for, including the payload Telegram hides from the chat. */
  invoice?: InvoiceRecord;
  /** For `kind: 'poll'`: the poll as sent, with a quiz's right options (`correct`, 0-based). */
  poll?: { id: string; question: string; options: string[]; correct: number[]; explanation?: string };
  /** Earlier texts (or captions) of the message, oldest first, when the bot edited it. */
  edits: string[];
  deleted: boolean;
  /** The request parameters as received. */
  params: TgObject;
  /** Wall-clock ms when the stand-in accepted it. */
  at: number;
}

export interface InvoiceRecord {
  title: string;
  description: string;
  payload: string;
  currency: string;
  totalAmount: number;
}

/** One Bot API request, whatever its outcome. */
export interface ApiCall {
  botId: number;
  token: string;
  method: string;
  params: TgObject;
  at: number;
  /** HTTP status of the answer (200, 400, 403, 409, 429, 5xx). */
  status: number;
  ok: boolean;
  /** Telegram's error_code when ok is false. */
  errorCode?: number;
  description?: string;
  retryAfter?: number;
}

/** An injected failure, see `BotApiStandIn.failNext`. */
export interface FaultSpec {
  /** Only this method (any method but getUpdates when omitted). */
  method?: string;
  /** Only calls whose chat_id is this chat. */
  chatId?: number;
  /** Only calls by this bot. */
  bot?: BotRef;
  errorCode: number;
  /** Defaults to Telegram's wording for the code. */
  description?: string;
  /** Seconds, for 429 (defaults to 1 there). */
  retryAfter?: number;
  /** How many matching calls fail (default 1). */
  times?: number;
}

/**
 * A slow Telegram for some calls: the request takes `delayMs` to arrive, and a client that gave up meanwhile sent
 * nothing; or, with `lateAnswer`, Telegram handles the call at once and its answer takes `delayMs` to come back.
 */
export interface SlowSpec {
  method?: string;
  chatId?: number;
  bot?: BotRef;
  delayMs: number;
  /** The call takes effect (and is recorded) at once; only the answer is late. */
  lateAnswer?: boolean;
  /** How many matching calls are slow (default 1). */
  times?: number;
}

export interface RateLimits {
  /** Messages per second to one private chat (Telegram: about 1). */
  perChatPerSecond: number;
  /** Messages per second from one bot across all chats (Telegram: about 30). */
  perBotPerSecond: number;
  /** Messages per minute to one group (Telegram: 20). */
  perGroupPerMinute: number;
  /** Messages a private chat may receive back to back before `perChatPerSecond` applies (Telegram tolerates short bursts). */
  chatBurst: number;
}

export const TELEGRAM_LIMITS: RateLimits = {
  perChatPerSecond: 1,
  perBotPerSecond: 30,
  perGroupPerMinute: 20,
  chatBurst: 3,
};

/** How the bot answered a button press: the answerCallbackQuery parameters it sent (Telegram's names). */
export type CallbackAnswer = {
  text?: string;
  show_alert?: boolean;
  url?: string;
  cache_time?: number;
};

export interface InviteLink {
  botId: number;
  chatId: number;
  link: string;
  name?: string;
  memberLimit?: number;
  expireDate?: number;
  createsJoinRequest: boolean;
  revoked: boolean;
  /** Users who joined through this link. */
  joined: number[];
}

export interface Charge {
  chargeId: string;
  botId: number;
  userId: number;
  currency: string;
  totalAmount: number;
  payload: string;
  refunded: boolean;
}

export type MemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';

/** A poll a bot sent, as Telegram keeps it: its current state and each user's vote. */
export interface PollRecord {
  botId: number;
  chatId: number;
  messageId: number;
  poll: Poll;
  votes: Map<number, number[]>;
}
