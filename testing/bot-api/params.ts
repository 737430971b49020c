import type { TgObject } from './types';
import { badRequest } from './types';

/** Typed reads of a request's parameters, failing the way Telegram does when one is missing or malformed. */
export class Params {
  constructor(readonly raw: TgObject) {}

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== '';
  }

  chatId(name = 'chat_id'): number {
    const value = Number(this.raw[name]);
    if (!this.has(name) || !Number.isSafeInteger(value) || value === 0) throw badRequest('chat not found');
    return value;
  }

  int(name: string): number {
    const value = Number(this.raw[name]);
    if (!this.has(name) || !Number.isSafeInteger(value)) throw badRequest(`field "${name}" must be an integer`);
    return value;
  }

  optionalInt(name: string): number | undefined {
    return this.has(name) ? this.int(name) : undefined;
  }

  string(name: string, missing = `parameter "${name}" is required`): string {
    const value = this.raw[name];
    if (typeof value !== 'string' || value === '') throw badRequest(missing);
    return value;
  }

  optionalString(name: string): string | undefined {
    const value = this.raw[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  bool(name: string): boolean {
    const value = this.raw[name];
    return value === true || value === 'true';
  }

  /** An object or array parameter: JSON bodies carry it as is, form bodies as a JSON string. */
  json<T = unknown>(name: string): T | undefined {
    const value = this.raw[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') return value as T;
    try {
      return JSON.parse(value) as T;
    } catch {
      throw badRequest(`can't parse ${name} JSON object`);
    }
  }
}

/** Request parameters from a JSON, urlencoded or multipart body (file parts become `{ upload: filename }`). */
export function parseBody(contentType: string, body: Buffer): TgObject {
  if (body.length === 0) return {};
  if (contentType.includes('application/json')) {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw badRequest('body must be a JSON object');
    return parsed as TgObject;
  }
  if (contentType.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  }
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (contentType.includes('multipart/form-data') && boundary) return parseMultipart(body, boundary[1] ?? boundary[2]!);
  return {};
}

function parseMultipart(body: Buffer, boundary: string): TgObject {
  const params: TgObject = {};
  const text = body.toString('latin1');
  for (const chunk of text.split(`--${boundary}`)) {
    const split = chunk.indexOf('\r\n\r\n');
    if (split === -1) continue;
    const headers = chunk.slice(0, split);
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (!name) continue;
    const value = chunk.slice(split + 4).replace(/\r\n$/, '');
    const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
    params[name] =
      filename !== undefined
        ? { upload: filename || name, size: value.length }
        : Buffer.from(value, 'latin1').toString('utf8');
  }
  return params;
}
