import { createServer } from 'node:http';
import type { Client } from '@temporalio/client';
import express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Sql } from '../db';
import type { PaymentCompletion } from '../payments/completion';
import { assertEventFields } from '../payments/event-fields';
import type { PaymentProvider } from '../payments/types';
import { MalformedWebhookError, WebhookSignatureError } from '../payments/types';
import { mockCheckoutRoutes } from './mock-checkout';
import { codecRoutes } from './codec-server';
import { certificateRoutes } from './certificates';
import { businessMetricsRoutes } from './business-metrics';

export interface HttpAppOptions {
  /** Payment providers and where their payments go; a process without them (the course bot) serves none. */
  payments?: { providers: PaymentProvider[]; completion: PaymentCompletion };
  /** Routes mounted before the error boundary: the bots' webhooks (`/telegram/<bot>`) in webhook mode. */
  routes?: express.Router;
  /** Per provider, a check of the request's source run before its body is read (YooKassa: allow-list, rate limit). */
  webhookGuards?: Record<string, RequestHandler>;
  /** Express's `trust proxy`: the reverse proxies whose X-Forwarded-For names the client (source checks use it). */
  trustProxy?: number | string[];
  /** Largest webhook body accepted; a bigger one is answered 413 before anything reads it. */
  webhookLimit?: string;
  /** Named checks for /readyz (Postgres, Temporal); each must settle within 2 s. */
  readiness?: Record<string, () => Promise<unknown>>;
  /** Serves the mock provider's checkout page (development and the demo only). */
  mockCheckout?: Parameters<typeof mockCheckoutRoutes>[0];
  /** Serves GET /certificates/<code>, the certificates' public verification (#17). */
  certificates?: Omit<Parameters<typeof certificateRoutes>[0], 'log'>;
  /** Serves the codec server for the Temporal UI and CLI at /codec (apps/sales-runtime.ts says when). */
  codec?: Parameters<typeof codecRoutes>[0];
  /** Serves GET /metrics, the business figures for Prometheus (#18). */
  businessMetrics?: Parameters<typeof businessMetricsRoutes>[0];
  log?: (line: string) => void;
}

/**
 * The platform's HTTP face: payment webhooks for every provider behind one route. A webhook is answered 2xx only
 * once the journey has durably accepted the payment, so a provider retries anything we could not take; 401 for a
 * bad signature, 400 for a malformed body, 413 for an oversized one, 503 when Temporal or a provider's API is down.
 */
export function createHttpApp(options: HttpAppOptions): express.Express {
  const log = options.log ?? (() => {});
  const payments = options.payments;
  const providers = new Map(payments?.providers.map((p) => [p.name, p]));
  const app = express();
  app.disable('x-powered-by');
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);
  const guards = new Map(Object.entries(options.webhookGuards ?? {}));

  app.get('/healthz', (_req, res) => void res.json({ ok: true }));
  // Ready only when every dependency answers; a failure names the dependency, never its error details.
  app.get('/readyz', async (_req, res) => {
    const checks = Object.entries(options.readiness ?? {});
    const results = await Promise.all(
      checks.map(async ([name, check]) => {
        const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000).unref());
        const ok = await Promise.race([check(), timeout]).then(
          () => true,
          () => false,
        );
        return [name, ok ? 'ok' : 'failing'] as const;
      }),
    );
    const ready = results.every(([, state]) => state === 'ok');
    res.status(ready ? 200 : 503).json({ ok: ready, checks: Object.fromEntries(results) });
  });
  // Where providers send the student back after paying: the bot has already said the rest.
  app.get(
    '/paid',
    (_req, res) =>
      void res.type('html').send('<!doctype html><meta charset="utf-8"><p>Thank you! Return to Telegram.</p>'),
  );

  app.post(
    '/webhooks/:provider',
    (req: Request<{ provider: string }>, res, next) => (guards.get(req.params.provider) ?? pass)(req, res, next),
    express.raw({ type: () => true, limit: options.webhookLimit ?? '64kb' }),
    async (req: Request<{ provider: string }>, res: Response) => {
      const provider = providers.get(req.params.provider);
      if (!provider || !payments) return void res.status(404).json({ ok: false, error: 'unknown payment provider' });
      if (!provider.verifyWebhook) {
        return void res.status(404).json({ ok: false, error: `${provider.name} payments arrive through the bot` });
      }
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      let event;
      try {
        event = await provider.verifyWebhook({ rawBody, headers: req.headers });
        if (event) assertEventFields(event);
      } catch (err) {
        if (err instanceof WebhookSignatureError) {
          log(`webhook ${provider.name}: rejected (${err.message})`);
          return void res.status(401).json({ ok: false, error: 'signature verification failed' });
        }
        if (err instanceof MalformedWebhookError) return void res.status(400).json({ ok: false, error: err.message });
        throw err;
      }
      if (!event) return void res.json({ ok: true, outcome: 'ignored' });
      const outcome =
        event.type === 'succeeded'
          ? await payments.completion.succeeded(provider.name, event)
          : await payments.completion.refunded(provider.name, event);
      log(`webhook ${provider.name}: ${event.type} ${event.providerPaymentId} → ${outcome}`);
      res.json({ ok: true, outcome });
    },
  );

  if (options.mockCheckout) app.use(mockCheckoutRoutes(options.mockCheckout));
  if (options.codec) app.use(codecRoutes(options.codec));
  if (options.certificates) app.use(certificateRoutes({ ...options.certificates, log }));
  if (options.businessMetrics) app.use(businessMetricsRoutes(options.businessMetrics));
  if (options.routes) app.use(options.routes);

  // One error boundary: body-parser's own errors keep their status (413, 400); anything else is ours to retry.
  app.use(
    (err: { status?: number; type?: string; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
      if (err.type === 'entity.too.large') return void res.status(413).json({ ok: false, error: 'body too large' });
      if (err.status && err.status >= 400 && err.status < 500)
        return void res.status(err.status).json({ ok: false, error: err.message });
      log(`http: ${err.message ?? String(err)}`);
      res.status(503).json({ ok: false, error: 'temporarily unavailable, retry later' });
    },
  );
  return app;
}

const pass: RequestHandler = (_req, _res, next) => next();

/** /readyz checks for a process that talks to Postgres and Temporal. */
export function platformReadiness(sql: Sql, client: Client): NonNullable<HttpAppOptions['readiness']> {
  return {
    postgres: () => sql`select 1`,
    temporal: () => client.workflowService.getSystemInfo({}),
  };
}

/** Serves `app` on `port` once it listens; close() also ends kept-alive connections. */
export async function serve(app: express.Express, port: number): Promise<{ close(): Promise<void> }> {
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  return { close: () => new Promise<void>((resolve) => void server.close(() => resolve()).closeAllConnections()) };
}
