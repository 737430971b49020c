import { defaultPayloadConverter } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec } from '../../lib/payload-codec';
import { freePort } from '../../lib/ports';
import { createHttpApp, serve } from '../../server/app';
import type { CodecServerConfig } from '../../config';

const TOKEN = 'codec-token-0123456789-0123456789-abcdef';
const UI = 'https://temporal.example.com';
const codec = new AesGcmPayloadCodec([{ id: 'k1', key: Buffer.alloc(32, 3) }]);
/** A value as the UI sends it: a payload in the remote codec protocol's JSON. */
const json = (value: unknown) => toJson(defaultPayloadConverter.toPayload(value));

/** A codec server on a port of its own, as the sales process serves it. */
async function codecServer(config: CodecServerConfig) {
  const port = await freePort();
  const server = await serve(createHttpApp({ codec: { ...config, codec } }), port);
  const post = (direction: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${port}/codec/${direction}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
      body: JSON.stringify(body),
    });
  return { port, server, post };
}

describe('the codec server with a token (production)', () => {
  let codecs: Awaited<ReturnType<typeof codecServer>>;
  beforeAll(async () => {
    codecs = await codecServer({ token: TOKEN, uiOrigins: [UI], trustUiOrigins: false });
  });
  afterAll(() => codecs?.server.close());
  const auth = { authorization: `Bearer ${TOKEN}` };

  it('answers 401 without the token, with a wrong one, and to a UI origin without one', async () => {
    const body = { payloads: [json('x')] };
    const attempts: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: TOKEN },
      { origin: UI },
    ];
    for (const headers of attempts) {
      const res = await codecs.post('decode', body, headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect((await codecs.post('encode', body)).status).toBe(401);
  });

  it('encodes and decodes payloads in the remote codec protocol', async () => {
    const clear = { payloads: [json({ userId: 7, name: 'Ada' }), json(null)] };
    const encoded = (await (await codecs.post('encode', clear, auth)).json()) as typeof clear;
    expect(encoded.payloads).toHaveLength(2);
    const encoding = Buffer.from(encoded.payloads[0]?.metadata.encoding ?? '', 'base64').toString();
    expect(encoding).toBe('binary/encrypted');
    expect(JSON.stringify(encoded)).not.toContain(json({ userId: 7, name: 'Ada' }).data);
    const decoded = await codecs.post('decode', encoded, auth);
    expect(decoded.status).toBe(200);
    expect(await decoded.json()).toEqual(clear);
    // What the process' own client wrote decodes too; clear payloads come back as they are.
    const [written] = await codec.encode([defaultPayloadConverter.toPayload('lesson 1')]);
    const { payloads } = (await (
      await codecs.post('decode', { payloads: [json('clear'), toJson(written!)] }, auth)
    ).json()) as typeof clear;
    expect(payloads).toEqual([json('clear'), json('lesson 1')]);
  });

  it('says what is wrong with a payload it cannot decode or a body that is not payloads', async () => {
    const [written] = await new AesGcmPayloadCodec([{ id: 'other', key: Buffer.alloc(32, 4) }]).encode([
      defaultPayloadConverter.toPayload('x'),
    ]);
    const res = await codecs.post('decode', { payloads: [toJson(written!)] }, auth);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ ok: false, error: expect.stringMatching(/key id other, which PAYLOAD_KEYS/) });
    expect((await codecs.post('decode', { nope: 1 }, auth)).status).toBe(400);
  });

  it('answers the UI origin’s CORS preflight, and no other origin’s', async () => {
    const preflight = (origin: string) =>
      fetch(`http://127.0.0.1:${codecs.port}/codec/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace,authorization',
        },
      });
    const ok = await preflight(UI);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const other = await preflight('https://evil.example.com');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    // The request itself carries the allow header for the UI, so the browser hands the answer to it.
    const res = await codecs.post('decode', { payloads: [] }, { ...auth, origin: UI });
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
  });
});

describe('the codec server without a token (development)', () => {
  it('trusts the dev server UI’s origin, which has no token to send, and nothing else', async () => {
    const dev = await codecServer({ uiOrigins: [UI], trustUiOrigins: true });
    try {
      expect((await dev.post('decode', { payloads: [] }, { origin: UI })).status).toBe(200);
      expect((await dev.post('decode', { payloads: [] }, { origin: 'https://evil.example.com' })).status).toBe(401);
      expect((await dev.post('decode', { payloads: [] })).status).toBe(401);
    } finally {
      await dev.server.close();
    }
  });
});

function toJson(payload: Payload) {
  const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, base64(v)])),
    data: payload.data ? base64(payload.data) : undefined,
  };
}
