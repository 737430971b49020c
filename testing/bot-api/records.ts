import type { ApiCall, SentMessage } from './types';

/** What tests read back: every message bots put into chats and every request they made. */
export class Records {
  readonly sent: SentMessage[] = [];
  readonly calls: ApiCall[] = [];
  onChange: () => void = () => {};

  addSent(message: SentMessage): void {
    this.sent.push(message);
    this.onChange();
  }

  addCall(call: ApiCall): void {
    this.calls.push(call);
    this.onChange();
  }

  /** The record of a bot's message, for edits and deletions (none once `clear` forgot it). */
  find(botId: number, chatId: number, messageId: number): SentMessage | undefined {
    return this.sent.findLast((m) => m.botId === botId && m.chatId === chatId && m.messageId === messageId);
  }

  clear(): void {
    this.sent.length = 0;
    this.calls.length = 0;
  }
}
