import type { Client } from '@temporalio/client';
import express from 'express';
import { API_CONSTANTS, Api } from 'grammy';
import { botModeOf, launchBot } from '../bots/launch';
import type { BotMode } from '../bots/launch';
import { createSalesBot, GROUP_UPDATES, SALES_COMMANDS } from '../bots/sales';
import type { SalesConfig } from '../config';
import type { Sql } from '../db';
import { createPaymentCompletion } from '../payments/completion';
import { createOrderStore } from '../payments/orders';
import { isMockProvider } from '../payments/mock';
import { createHttpApp, platformReadiness, serve } from '../server/app';
import { enrollmentClient } from '../journey/client';
import { EMAIL_REQUIRED_BY, createPaymentProviders, webhookGuards } from './payment-providers';
import { createSendPacer } from '../activities/pacing';
import { AesGcmPayloadCodec } from '../lib/payload-codec';

export interface SalesRuntime {
  /** "@username" of the sales bot, for pointing students to it. */
  username: string;
  /** How another bot in this process gets its updates: polling, or a webhook route on this HTTP server. */
  botMode: BotMode;
  stop(): Promise<void>;
}

/**
 * The sales bot (long polling or webhook) and the HTTP server (payment webhooks, the mock checkout page, the bots'
 * webhooks), wired to Postgres and the Temporal client. `npm start` and `npm run sales` both run it.
 */
export async function startSalesRuntime(options: {
  config: SalesConfig;
  sql: Sql;
  client: Client;
  log: (line: string) => void;
}): Promise<SalesRuntime> {
  const { config, sql, log } = options;
  const { salesBotToken, apiRoot } = config.telegram;
  const api = new Api(salesBotToken, { apiRoot });
  const providers = createPaymentProviders(config, api, log);
  const enrollments = enrollmentClient(options.client, config.temporal.taskQueue, { priorities: config.priorities });
  const orders = createOrderStore(sql, { lifetimeMs: config.payments.orderLifetimeMs });
  const completion = createPaymentCompletion({ orders, enrollments, log });
  const mock = providers.find(isMockProvider);
  const routes = express.Router();
  const mode = botModeOf(config.bot, routes);
  // Served with a CODEC_TOKEN, or outside production for the dev server's UI; never open in production.
  const codec =
    config.codec.token !== undefined || config.codec.trustUiOrigins
      ? { ...config.codec, codec: new AesGcmPayloadCodec(config.temporal.payloadKeys) }
      : undefined;
  const app = createHttpApp({
    payments: { providers, completion },
    webhookGuards: webhookGuards(config, log),
    trustProxy: config.http.trustProxy,
    routes,
    log,
    readiness: platformReadiness(sql, options.client),
    ...(mock ? { mockCheckout: { publicUrl: config.http.publicUrl, orders, provider: mock } } : {}),
    codec,
    certificates: { sql },
    ...(config.businessMetrics ? { businessMetrics: { sql, token: config.businessMetrics.token } } : {}),
  });
  const server = await serve(app, config.http.port);
  log(`http: webhooks on ${config.http.publicUrl}/webhooks/<provider> (listening on :${config.http.port})`);
  if (codec) {
    const access = codec.token ? 'CODEC_TOKEN' : `no token, for ${codec.uiOrigins.join(' and ')} (development)`;
    log(`http: codec server for the Temporal UI at ${config.http.publicUrl}/codec (${access})`);
  }

  if (config.businessMetrics) {
    const access = config.businessMetrics.token ? 'BUSINESS_METRICS_TOKEN' : 'no token (development)';
    log(`http: business metrics for Prometheus at ${config.http.publicUrl}/metrics (${access})`);
  }
  if (config.telegram.adminChatId !== undefined && config.telegram.reviewerIds.length === 0) {
    log('sales bot: REVIEWER_IDS is empty, so nobody can answer support questions or /refund in the admin chat');
  }
  const bot = createSalesBot(
    salesBotToken,
    {
      sql,
      enrollments,
      orders,
      completion,
      providers,
      log,
      settings: {
        courseSlug: config.sales.courseSlug,
        adminChatId: config.telegram.adminChatId,
        reviewerIds: config.telegram.reviewerIds,
        offerUrl: config.sales.offerUrl,
        privacyUrl: config.sales.privacyUrl,
        termsVersion: config.sales.termsVersion,
        supportContact: config.sales.supportContact,
        emailRequiredBy: EMAIL_REQUIRED_BY,
      },
    },
    { apiRoot },
  );
  // Replies share the bot's rate with the workers' sends (one Postgres slot per message): a crowd is answered at
  // Telegram's pace instead of in waves of 429s that retries could give up on.
  const { sendsPerSecond, chatLimits, lanes } = config.telegram;
  createSendPacer(sql, sendsPerSecond, chatLimits, lanes).install(bot.api);
  await bot.init();
  await bot.api.setMyCommands(SALES_COMMANDS);
  const launched = await launchBot(bot, {
    name: 'sales',
    mode,
    allowedUpdates: [...API_CONSTANTS.DEFAULT_UPDATE_TYPES, ...GROUP_UPDATES],
    log,
  });
  return {
    username: launched.username,
    botMode: mode,
    async stop() {
      await launched.stop();
      await server.close();
    },
  };
}
