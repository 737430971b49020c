import express from 'express';
import type { Sql } from '../db';
import { checkCertificate } from '../journey/certificates';
import { sourceGuard } from './source-guard';

export interface CertificateRoutesOptions {
  sql: Sql;
  /** Lookups per minute from one source (429 beyond): guessing codes (60 random bits) stays hopeless. */
  perMinute?: number;
  log?: (line: string) => void;
}

/** Lookups one source may make per minute unless told otherwise. */
export const CERTIFICATE_LOOKUPS_PER_MINUTE = 30;

/**
 * GET /certificates/<code> (#17): 200 with the code, the name's initials, the course and the issue date; 400 for
 * something that cannot be a code, 404 for a code no certificate has. Nothing else, and the same body for every
 * unknown code, so an answer never hints at a near miss.
 */
export function certificateRoutes(options: CertificateRoutesOptions): express.Router {
  const router = express.Router();
  const guard = sourceGuard({
    name: 'certificates',
    perMinute: options.perMinute ?? CERTIFICATE_LOOKUPS_PER_MINUTE,
    ...(options.log ? { log: options.log } : {}),
  });
  router.get('/certificates/:code', guard, async (req: express.Request<{ code: string }>, res) => {
    res.set('cache-control', 'no-store');
    const found = await checkCertificate(options.sql, req.params.code);
    if (found === 'malformed') return void res.status(400).json({ error: 'malformed certificate code' });
    if (!found) return void res.status(404).json({ error: 'no such certificate' });
    res.json(found);
  });
  return router;
}
