import { z } from 'zod';
import { isAddressRange } from '../lib/address-ranges';
import { KEY_BYTES } from '../lib/payload-codec';
import type { PayloadKey } from '../lib/payload-codec';
import { parseDuration } from '../domain/schedule';

/**
 * Parsing the environment for config/index.ts: value parsers whose messages say what a good value looks like and never
 * repeat the value itself (it may be a secret), and one parse that names every variable at fault at once.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** `VAR=` in a .env file means "not set". */
export function withoutBlanks(env: Env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}

/**
 * Parses `vars` with every part's schema, so one ConfigError names every variable at fault: first the missing ones
 * (in the words operators search for), then the malformed ones with what a good value looks like.
 */
export function parseEnv<P extends Record<string, z.ZodType>>(vars: Env, parts: P): z.output<z.ZodObject<P>> {
  const parsed = z.object(parts).safeParse(Object.fromEntries(Object.keys(parts).map((part) => [part, vars])));
  if (parsed.success) return parsed.data;
  const missing = new Set<string>();
  const invalid = new Set<string>();
  for (const issue of parsed.error.issues) {
    const [, variable] = issue.path;
    if (typeof variable !== 'string') invalid.add(`${issue.path.join('.')}: ${issue.message}`);
    else if (vars[variable] === undefined) missing.add(variable);
    else invalid.add(`${variable}: ${issue.message}`);
  }
  const problems = [
    ...(missing.size > 0 ? [`Missing required environment variable(s): ${[...missing].join(', ')}`] : []),
    ...(invalid.size > 0 ? [`Invalid environment:\n  ${[...invalid].join('\n  ')}`] : []),
  ];
  throw new ConfigError(problems.join('\n'));
}

export const botToken = z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, 'must look like 123456:ABC-DEF (from @BotFather)');

export const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL');

export const tcpPort = z.coerce.number().int().min(1).max(65535);

export const chatId = z.coerce.number().int();

/** A comma-separated list, blanks dropped; unset is the empty list. */
export function commaList<T extends z.ZodType<unknown, string>>(item: T) {
  return z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));
}

/** `24h`, `90m`, `15s`: milliseconds, at least `minMs`. */
export function duration(fallback: string, minMs: number, message: string) {
  return z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      try {
        const ms = parseDuration(value);
        if (ms >= minMs) return ms;
      } catch {
        // reported below
      }
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    });
}

/** A comma-separated list of addresses and CIDR ranges, or `off`. */
export const addressRanges = z
  .string()
  .transform((value) => value.split(',').map((entry) => entry.trim()))
  .refine((entries) => entries.join() === 'off' || entries.every(isAddressRange), {
    message: 'must be off or comma-separated addresses and CIDR ranges (like 185.71.76.0/27)',
  })
  .transform((entries) => (entries.join() === 'off' ? ('off' as const) : entries));

/** Express's `trust proxy`: a number of hops, or addresses, ranges and the names Express knows. */
export const trustProxy = z
  .string()
  .transform((value) => (/^\d{1,2}$/.test(value) ? Number(value) : value.split(',').map((entry) => entry.trim())))
  .refine(
    (value) =>
      typeof value === 'number' ||
      value.every((entry) => ['loopback', 'linklocal', 'uniquelocal'].includes(entry) || isAddressRange(entry)),
    { message: 'must be a number of proxy hops, or addresses, CIDR ranges, loopback, linklocal, uniquelocal' },
  );

const PAYLOAD_KEYS_FORMAT = `must be id:key pairs, comma-separated, the encrypting one first; each key ${KEY_BYTES} random bytes in base64 (openssl rand -base64 ${KEY_BYTES})`;

/**
 * PAYLOAD_KEYS, `2025-06:BASE64,2024-11:BASE64`: the first key encrypts, all of them decrypt. A message names the
 * pair at fault by its place, never by its content.
 */
export const payloadKeys = z.string().transform((value, ctx): PayloadKey[] => {
  const keys = value.split(',').map((entry, index): PayloadKey | undefined => {
    const [id = '', encoded = '', ...rest] = entry.trim().split(':');
    const key = Buffer.from(encoded, 'base64');
    const problem = !entry.includes(':')
      ? 'it is not id:key'
      : !/^[\w.-]{1,64}$/.test(id)
        ? 'its id must be 1-64 of A-Z a-z 0-9 _ . -'
        : rest.length > 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || key.length !== KEY_BYTES
          ? `its key must be ${KEY_BYTES} bytes in base64`
          : undefined;
    if (!problem) return { id, key };
    // By its place only: a pair written the wrong way round would put the key where the id goes.
    ctx.addIssue({ code: 'custom', message: `${PAYLOAD_KEYS_FORMAT}; pair ${index + 1}: ${problem}` });
    return undefined;
  });
  const ids = keys.map((key) => key?.id);
  if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', message: 'every key id must be different' });
  return keys.filter((key): key is PayloadKey => key !== undefined);
});

/** An origin like `https://temporal.example.com`: scheme, host and port, nothing after. */
export const origin = z.string().refine((value) => URL.canParse(value) && new URL(value).origin === value, {
  message: 'must be origins like https://temporal.example.com (no path, no trailing slash), comma-separated',
});

/**
 * `50.00 USD, 3000 RUB` (PARTNER_MIN_PAYOUT, #18): minor units per currency, by each currency's own exponent (2 for
 * USD, 0 for JPY). Unset: the empty map.
 */
export const moneyPerCurrency = commaList(z.string()).transform((entries, ctx) => {
  const amounts: Record<string, number> = {};
  for (const entry of entries) {
    const match = /^(\d{1,9})(?:\.(\d+))? ([A-Z]{3})$/.exec(entry);
    const digits = match ? currencyDigits(match[3]!) : -1;
    if (!match || digits < 0 || (match[2] ?? '').length > digits || match[3]! in amounts) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is not an amount like "50.00 USD" (one per currency)` });
      return z.NEVER;
    }
    amounts[match[3]!] = Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || '0');
  }
  return amounts;
});

/** Minor digits of an ISO currency (2 for USD, 0 for JPY), or -1 for a code that is not one. */
function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return -1;
  }
}
