import { createHash, timingSafeEqual } from 'node:crypto';
import { run } from '@grammyjs/runner';
import express from 'express';
import type { RequestHandler, Router } from 'express';
import { webhookCallback } from 'grammy';
import type { Bot, Context } from 'grammy';
import type { Update } from 'grammy/types';
import type { BotModeConfig } from '../config';

export type BotMode =
  | { kind: 'polling' }
  /** Telegram POSTs updates to `<publicUrl>/telegram/<name>`, served by `routes`, checked against `secret`. */
  | { kind: 'webhook'; routes: Router; publicUrl: string; secret: string };

/** Polling, or webhooks served on `routes` when BOT_MODE=webhook. */
export function botModeOf(config: BotModeConfig, routes: Router): BotMode {
  return config.kind === 'webhook' ? { ...config, routes } : config;
}

export interface LaunchedBot {
  username: string;
  stop(): Promise<void>;
}

/**
 * Runs an initialised bot in long polling or behind the HTTP server. In webhook mode the route answers 401 without the
 * secret token (X-Telegram-Bot-Api-Secret-Token), before reading the body, and stops waiting on a slow update after
 * 9 s (Telegram would resend it at 10); the webhook stays set on stop, so Telegram keeps updates while the process
 * restarts.
 */
export async function launchBot<C extends Context>(
  bot: Bot<C>,
  options: {
    name: string;
    mode: BotMode;
    allowedUpdates?: ReadonlyArray<Exclude<keyof Update, 'update_id'>>;
    log: (line: string) => void;
  },
): Promise<LaunchedBot> {
  const { name, mode, log, allowedUpdates: allowed } = options;
  const username = `@${bot.botInfo.username}`;
  if (mode.kind === 'webhook') {
    const path = `/telegram/${name}`;
    mode.routes.post(
      path,
      requireSecretToken(mode.secret),
      express.json({ limit: '1mb' }),
      webhookCallback(bot, 'express', { secretToken: mode.secret, onTimeout: 'return', timeoutMilliseconds: 9_000 }),
    );
    await bot.api.setWebhook(`${mode.publicUrl}${path}`, { secret_token: mode.secret, allowed_updates: allowed });
    log(`${name} bot: ${username} receives updates by webhook at ${mode.publicUrl}${path}`);
    return { username, stop: async () => {} };
  }
  // Long polling through grammY's runner: updates of different chats are handled concurrently (onePerChat keeps each
  // chat in order), so a crowd writing at once is not served one by one. A webhook left from an earlier
  // webhook-mode run is removed first, as bot.start() would.
  await bot.api.deleteWebhook();
  const runner = run(bot, { runner: { fetch: { allowed_updates: allowed } } });
  void runner.task()?.catch((err: unknown) => {
    // Polling itself failed (a revoked token, another process polling the same bot): no point staying up half-alive.
    log(`${name} bot stopped: ${String(err)}`);
    process.kill(process.pid, 'SIGTERM');
  });
  log(`${name} bot: ${username} is polling`);
  return {
    username,
    async stop() {
      if (runner.isRunning()) await runner.stop();
    },
  };
}

/** A POST without Telegram's secret header is refused before a byte of its body is read or parsed. */
function requireSecretToken(secret: string): RequestHandler {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const expected = digest(secret);
  return (req, res, next) => {
    if (timingSafeEqual(digest(req.get('x-telegram-bot-api-secret-token') ?? ''), expected)) return next();
    res.status(401).json({ ok: false, error: 'secret token missing or wrong' });
  };
}
