import type { Params } from './params';
import type { BotState } from './bot-state';
import type { StandInState } from './state';

/** What a Bot API method sees of one request. */
export interface MethodContext {
  state: StandInState;
  bot: BotState;
  params: Params;
  /** The method's canonical name (Telegram matches method names case-insensitively). */
  method: string;
  /** Aborted when the client goes away (a cancelled long poll). */
  signal: AbortSignal;
}

export type Method = (ctx: MethodContext) => unknown;
