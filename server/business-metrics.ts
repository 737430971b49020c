import express from 'express';
import { collectBusinessMetrics } from '../admin/business-metrics';
import type { Sql } from '../db';
import { formatPrometheusText } from '../lib/prometheus-text';
import { sameSecret } from '../lib/same-secret';

export interface BusinessMetricsRoutesOptions {
  sql: Sql;
  /** BUSINESS_METRICS_TOKEN: Prometheus sends `Authorization: Bearer <token>` (its `authorization` scrape setting). */
  token: string | undefined;
}

/** GET /metrics: the business figures (admin/business-metrics.ts) in Prometheus' text format; 401 without the token. */
export function businessMetricsRoutes({ sql, token }: BusinessMetricsRoutesOptions): express.Router {
  const router = express.Router();
  router.get('/metrics', async (req, res) => {
    res.set('cache-control', 'no-store');
    if (token !== undefined && !sameSecret(req.get('authorization') ?? '', `Bearer ${token}`)) {
      return void res.status(401).set('WWW-Authenticate', 'Bearer').json({ ok: false, error: 'not authorised' });
    }
    const text = formatPrometheusText(await collectBusinessMetrics(sql));
    res.type('text/plain; version=0.0.4; charset=utf-8').send(text);
  });
  return router;
}
