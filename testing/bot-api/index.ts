export { BotApiStandIn, startBotApiStandIn } from './stand-in';
export type { BotApiStandInOptions, WaitOptions } from './stand-in';
export type { PayInvoiceInput, PaymentOutcome } from './pay-invoice';
export type { AnswerPollInput } from './polls';
export type { JoinOutcome } from './invite-links';
export type { PressButtonInput, UserMedia, UserMessageInput } from './users';
export { TELEGRAM_LIMITS } from './types';
export type {
  ApiCall,
  BotRef,
  CallbackAnswer,
  Charge,
  FaultSpec,
  SlowSpec,
  InviteLink,
  InvoiceRecord,
  MediaKind,
  MemberStatus,
  PollRecord,
  RateLimits,
  ReplyMarkup,
  SentKind,
  SentMessage,
  TgObject,
  TgUser,
} from './types';
