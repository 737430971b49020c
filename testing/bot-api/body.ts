import { badRequest } from './errors';
import type { TgObject } from './types';

/** A file part of a multipart request (grammY uploads an `InputFile` this way). */
export class UploadedFile {
  constructor(
    readonly filename: string,
    readonly content: Buffer,
  ) {}
}

/**
 * Request parameters from a JSON, urlencoded or multipart body. Multipart text fields become strings (objects arrive
 * JSON-encoded in them, as Telegram expects) and file parts become `UploadedFile`s.
 */
export function parseBody(contentType: string, body: Buffer): TgObject {
  if (body.length === 0) return {};
  const type = contentType.toLowerCase();
  if (type.includes('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw badRequest("can't parse JSON body");
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw badRequest('request body must be a JSON object');
    }
    return parsed as TgObject;
  }
  if (type.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  }
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (type.includes('multipart/form-data') && boundary) return parseMultipart(body, boundary[1] ?? boundary[2]!);
  return {};
}

function parseMultipart(body: Buffer, boundary: string): TgObject {
  const params: TgObject = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const partStart = start + delimiter.length;
    const next = body.indexOf(delimiter, partStart);
    if (next === -1) break;
    // Each part: CRLF, headers, CRLF CRLF, content, CRLF before the next delimiter.
    const part = body.subarray(partStart, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split !== -1) {
      const headers = part.subarray(0, split).toString('utf8');
      const content = part.subarray(split + 4);
      const name = headerParam(headers, 'name');
      const filename = headerParam(headers, 'filename');
      if (name) {
        params[name] =
          filename !== undefined ? new UploadedFile(filename || name, Buffer.from(content)) : content.toString('utf8');
      }
    }
    start = next;
  }
  return params;
}

/** A Content-Disposition parameter, quoted (`name="x"`) or not (grammY writes `filename=x.txt`). */
function headerParam(headers: string, param: string): string | undefined {
  const match = new RegExp(`[;:\\s]${param}=(?:"([^"]*)"|([^;\\r\\n]*))`, 'i').exec(headers);
  return match ? (match[1] ?? match[2]) : undefined;
}
