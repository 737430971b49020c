/** A Telegram object as the stand-in builds it (the shapes follow the Bot API; only used fields are filled). */
export type TgObject = Record<string, unknown>;

export interface TgUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  is_bot?: boolean;
}

export type SentKind =
  'text' | 'photo' | 'video' | 'document' | 'voice' | 'audio' | 'animation' | 'invoice' | 'copy' | 'forward';

/** One message a bot delivered to a chat, as the chat would see it. */
export interface SentMessage {
  botId: number;
  method: string;
  chatId: number;
  messageId: number;
  kind: SentKind;
  /** What the reader sees: HTML tags removed and entities decoded when parse_mode was HTML. */
  text?: string;
  caption?: string;
  /** Text or caption exactly as the bot sent it. */
  rawText?: string;
  /** file_id (or URL) of the media, for media kinds. */
  media?: string;
  mediaGroupId?: string;
  replyMarkup?: TgObject;
  protectContent: boolean;
  replyToMessageId?: number;
  /** Texts this message had before editMessageText / editMessageCaption changed it. */
  edits: string[];
  params: TgObject;
  /** Wall-clock ms when the stand-in accepted it. */
  at: number;
}

/** One Bot API request, whatever its outcome. */
export interface ApiCall {
  botId: number;
  method: string;
  params: TgObject;
  at: number;
  ok: boolean;
  /** Telegram's error_code when ok is false (403 blocked, 429 rate limited, ...). */
  errorCode?: number;
  description?: string;
}

export interface FaultSpec {
  method?: string;
  chatId?: number;
  errorCode: number;
  description?: string;
  /** Seconds, for 429. */
  retryAfter?: number;
  /** How many matching calls fail (default 1). */
  times?: number;
}

export interface RateLimits {
  /** Messages per second to one chat (Telegram: about 1, short bursts tolerated). */
  perChatPerSecond: number;
  /** Messages per second from one bot across all chats (Telegram: about 30). */
  perBotPerSecond: number;
  /** Messages per minute to one group (Telegram: 20). */
  perGroupPerMinute: number;
  /** Messages a chat may receive back to back before the per-chat rate applies. */
  chatBurst: number;
}

export const TELEGRAM_LIMITS: RateLimits = {
  perChatPerSecond: 1,
  perBotPerSecond: 30,
  perGroupPerMinute: 20,
  chatBurst: 3,
};

export class ApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
  }
}

export const badRequest = (what: string) => new ApiError(400, `Bad Request: ${what}`);
