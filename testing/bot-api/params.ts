import { badRequest } from './errors';
import type { TgObject } from './types';

/** Typed reads of a request's parameters that fail the way Telegram does when one is missing or malformed. */
export class Params {
  constructor(readonly raw: TgObject) {}

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null && this.raw[name] !== '';
  }

  /** A chat id; missing or not a number is Telegram's "chat not found". */
  chatId(name = 'chat_id'): number {
    const value = Number(this.raw[name]);
    if (!this.has(name) || !Number.isSafeInteger(value) || value === 0) throw badRequest('chat not found');
    return value;
  }

  optionalChatId(name = 'chat_id'): number | undefined {
    return this.has(name) ? this.chatId(name) : undefined;
  }

  int(name: string): number {
    const value = Number(this.raw[name]);
    if (!this.has(name)) throw badRequest(`parameter "${name}" is required`);
    if (!Number.isSafeInteger(value)) throw badRequest(`field "${name}" must be an integer`);
    return value;
  }

  optionalInt(name: string): number | undefined {
    return this.has(name) ? this.int(name) : undefined;
  }

  string(name: string, missing = `parameter "${name}" is required`): string {
    const value = this.optionalString(name);
    if (value === undefined) throw badRequest(missing);
    return value;
  }

  optionalString(name: string): string | undefined {
    const value = this.raw[name];
    if (typeof value === 'number') return String(value);
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  bool(name: string): boolean {
    const value = this.raw[name];
    return value === true || value === 'true' || value === 1 || value === '1';
  }

  /** An object or array: JSON bodies carry it as is, form and multipart bodies as a JSON string. */
  json<T = unknown>(name: string): T | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') return value as T;
    try {
      return JSON.parse(value) as T;
    } catch {
      throw badRequest(`can't parse ${name} JSON object`);
    }
  }
}
