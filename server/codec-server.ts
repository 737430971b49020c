import type { Payload, PayloadCodec } from '@temporalio/common';
import express from 'express';
import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import type { CodecServerConfig } from '../config';
import { PayloadDecryptionError } from '../lib/payload-codec';
import { sameSecret } from '../lib/same-secret';

/** What the UI and the CLI send (`--codec-auth`); `Authorization` is listed for UIs that pass their user's token. */
const ALLOWED_HEADERS = 'Authorization, Content-Type, X-Namespace';

/** Temporal's remote codec protocol: payloads as JSON, metadata values and data in base64. */
const body = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), z.base64()).nullish(),
      data: z.base64().nullish(),
    }),
  ),
});
type JsonPayload = z.output<typeof body>['payloads'][number];

/**
 * The codec server (issue #16): `POST /codec/decode` lets ops with access read journeys' payloads in the Temporal UI
 * (its codec endpoint setting) and CLI (`--codec-endpoint …/codec --codec-auth "Bearer $CODEC_TOKEN"`); `/codec/encode`
 * lets them send signals and queries from there. It is the only way to read payloads outside the platform, so every
 * request is authorised (see `authorised`); CORS admits the UI's origins only.
 */
export function codecRoutes(options: CodecServerConfig & { codec: PayloadCodec }): express.Router {
  const { codec, uiOrigins } = options;
  const router = express.Router();
  router.use('/codec', (req, res, next) => {
    const origin = req.get('origin');
    if (origin === undefined || !uiOrigins.includes(origin)) return void next();
    res.set({
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Allow-Methods': 'POST',
      'Access-Control-Allow-Headers': ALLOWED_HEADERS,
      'Access-Control-Max-Age': '600',
      Vary: 'Origin',
    });
    // A preflight carries no credentials: it is answered without them, and the request itself is checked.
    if (req.method === 'OPTIONS') return void res.sendStatus(204);
    next();
  });
  const guard: RequestHandler = (req, res, next) => {
    if (authorised(req, options)) return void next();
    res.status(401).set('WWW-Authenticate', 'Bearer').json({ ok: false, error: 'codec server: not authorised' });
  };
  for (const direction of ['encode', 'decode'] as const) {
    router.post(`/codec/${direction}`, guard, express.json({ limit: '8mb' }), async (req, res) => {
      const parsed = body.safeParse(req.body);
      if (!parsed.success) return void res.status(400).json({ ok: false, error: 'expected { payloads: [...] }' });
      const payloads = parsed.data.payloads.map(fromJson);
      try {
        const result = direction === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
        res.json({ payloads: result.map(toJson) });
      } catch (err) {
        if (!(err instanceof PayloadDecryptionError)) throw err;
        res.status(400).json({ ok: false, error: err.message });
      }
    });
  }
  return router;
}

/**
 * A bearer CODEC_TOKEN; or, when `trustUiOrigins` (outside production, no token set), a request from a UI origin:
 * `temporal server start-dev`'s UI has no login, so it has no token to pass.
 */
function authorised(req: Request, { token, uiOrigins, trustUiOrigins }: CodecServerConfig): boolean {
  const header = req.get('authorization');
  if (token !== undefined && header !== undefined && sameSecret(header, `Bearer ${token}`)) return true;
  const origin = req.get('origin');
  return trustUiOrigins && origin !== undefined && uiOrigins.includes(origin);
}

function fromJson({ metadata, data }: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([key, value]) => [key, fromBase64(value)])),
    data: data === undefined || data === null ? undefined : fromBase64(data),
  };
}

function toJson({ metadata, data }: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([key, value]) => [key, toBase64(value)])),
    data: data ? toBase64(data) : undefined,
  };
}

const fromBase64 = (value: string) => new Uint8Array(Buffer.from(value, 'base64'));
const toBase64 = (value: Uint8Array) => Buffer.from(value).toString('base64');
