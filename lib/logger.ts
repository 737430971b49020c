import pino from 'pino';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';

export type Logger = PinoLogger;

/**
 * Keys whose values never reach a log line, at any depth (`{ req: { headers: { authorization } } }` too). Matched
 * without case or punctuation, and by ending, so `x-telegram-bot-api-secret-token` and `stripeSignature` count.
 * Bot tokens, provider secrets and signatures come from the environment and stay there.
 */
const SECRET_KEY = /(token|secret|secretkey|password|authorization|signature|apikey|cookie)$/;
const MAX_DEPTH = 8;
// pino drops the bindings formatter for child loggers, so their bindings get path-based redaction, two levels deep.
const BINDING_KEYS = [
  'token',
  'botToken',
  'secret',
  'secretKey',
  'webhookSecret',
  'password',
  'authorization',
  'apiKey',
];
const REDACT_PATHS = BINDING_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

/** A copy of `value` with every secret-named key censored; the caller's objects are never changed. */
export function redactSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  // Errors keep their shape for pino's serializer; their text is scrubbed on the way out like every line.
  if (value === null || typeof value !== 'object' || value instanceof Error || value instanceof Date) return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[redacted: too deep]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1, seen));
  return redactFields(value, depth, seen);
}

/** A copy of an object's own fields with every secret-named key censored, at any depth below it too. */
function redactFields(value: object, depth = 0, seen = new WeakSet<object>([value])): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = SECRET_KEY.test(key.toLowerCase().replace(/[^a-z]/g, ''))
      ? '[redacted]'
      : redactSecrets(item, depth + 1, seen);
  }
  return copy;
}

/** Telegram bot tokens (`123456:AA…`), wherever they hide: a URL in an error message, a stack, a config dump. */
const BOT_TOKEN = /(?<![0-9])[0-9]{5,}:[A-Za-z0-9_-]{30,}/g;

/**
 * One JSON line per event on stdout (or `destination`), with the process' service name, ISO time and the level as
 * a word, ready for any log shipper. Errors under `err` or `error` keep their name, message and stack. Besides the
 * secret keys, every line is scrubbed of bot tokens and of the `secrets` given (the values config read).
 */
export function createLogger(
  service: string,
  options: { level?: string; destination?: DestinationStream; secrets?: (string | undefined)[] } = {},
): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 8);
  const out = options.destination ?? pino.destination({ dest: 1, sync: true });
  const scrubbed: DestinationStream = {
    write(line: string) {
      let clean = line.replace(BOT_TOKEN, '[redacted]');
      for (const secret of secrets) clean = clean.replaceAll(secret, '[redacted]');
      out.write(clean);
    },
  };
  return pino(
    {
      level: options.level ?? 'info',
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: serializeError, error: serializeError },
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => redactFields(fields),
      },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    scrubbed,
  );
}

/**
 * pino's error serializer without what a failed call carried: grammY's errors hold the call's `payload` (the chat id,
 * the message text or caption), which is a student's data, not a fact about the failure. The method, Telegram's code
 * and description stay.
 */
function serializeError(err: Error): object {
  const { payload: _payload, ...rest } = pino.stdSerializers.err(err);
  return rest;
}

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The Temporal SDK's logger (worker, workflows via `log`, activities via `log`) written through pino, so a journey's
 * lines carry its workflowId, activity type and attempt, plus the enrollmentId the worker adds.
 */
export function temporalLogger(logger: Logger): TemporalLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => logger[LEVELS[level]]({ ...meta }, message);
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}
