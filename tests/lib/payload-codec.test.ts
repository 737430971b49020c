import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  PayloadDecryptionError,
} from '../../lib/payload-codec';

const OLD = { id: '2024-11', key: randomBytes(32) };
const NEW = { id: '2025-06', key: randomBytes(32) };
const input = { userId: 42, courseSlug: 'typescript', name: 'Ada Lovelace' };
const toPayload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString();

describe('AesGcmPayloadCodec', () => {
  it('round-trips a payload through ciphertext that names its key', async () => {
    const codec = new AesGcmPayloadCodec([NEW]);
    const [encrypted] = await codec.encode([toPayload(input)]);
    expect(text(encrypted?.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encrypted?.metadata?.[KEY_ID_METADATA])).toBe(NEW.id);
    expect(Object.keys(encrypted?.metadata ?? {}).sort()).toEqual(['encoding', KEY_ID_METADATA]);
    expect(text(encrypted?.data)).not.toContain('Ada');
    expect(text(encrypted?.data)).not.toContain('json/plain');
    const [decrypted] = await codec.decode([encrypted!]);
    expect(defaultPayloadConverter.fromPayload(decrypted!)).toEqual(input);
    // A fresh IV each time: the same value never gives the same ciphertext.
    const [again] = await codec.encode([toPayload(input)]);
    expect(Buffer.from(again!.data!).equals(Buffer.from(encrypted!.data!))).toBe(false);
  });

  it('refuses an altered payload with a clear error', async () => {
    const codec = new AesGcmPayloadCodec([NEW]);
    const [encrypted] = await codec.encode([toPayload(input)]);
    const data = Buffer.from(encrypted!.data!);
    data[20] = (data[20] ?? 0) ^ 1;
    const tampered = { ...encrypted, data };
    await expect(codec.decode([tampered])).rejects.toThrow(PayloadDecryptionError);
    await expect(codec.decode([tampered])).rejects.toThrow(`payload failed authentication with key ${NEW.id}`);
    await expect(codec.decode([{ ...encrypted, data: data.subarray(0, 10) }])).rejects.toThrow(/truncated/);
  });

  it('names an unknown key id and the keys it has', async () => {
    const [encrypted] = await new AesGcmPayloadCodec([OLD]).encode([toPayload(input)]);
    await expect(new AesGcmPayloadCodec([NEW]).decode([encrypted!])).rejects.toThrow(
      'payload encrypted with key id 2024-11, which PAYLOAD_KEYS lacks (the keys given are 2025-06)',
    );
    await expect(new AesGcmPayloadCodec([]).decode([encrypted!])).rejects.toThrow(/lacks \(none is given\)/);
  });

  it('passes through payloads it did not encrypt: histories from before encryption still replay', async () => {
    const clear = [toPayload(input), toPayload(undefined), toPayload(new Uint8Array([1, 2]))];
    expect(await new AesGcmPayloadCodec([NEW]).decode(clear)).toEqual(clear);
  });

  it('without keys writes in clear (development)', async () => {
    const clear = [toPayload(input)];
    expect(await new AesGcmPayloadCodec([]).encode(clear)).toEqual(clear);
  });

  it('rotates: the old key still decrypts, the new one encrypts', async () => {
    const [before] = await new AesGcmPayloadCodec([OLD]).encode([toPayload(input)]);
    const rotated = new AesGcmPayloadCodec([NEW, OLD]);
    const [after] = await rotated.encode([toPayload(input)]);
    expect(text(after?.metadata?.[KEY_ID_METADATA])).toBe(NEW.id);
    const decoded = await rotated.decode([before!, after!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([input, input]);
    // Once every journey holding the old key has closed and been deleted, the old key can go.
    await expect(new AesGcmPayloadCodec([NEW]).decode([before!])).rejects.toThrow(/key id 2024-11/);
  });

  it('refuses keys of the wrong size and repeated ids', () => {
    expect(() => new AesGcmPayloadCodec([{ id: 'short', key: randomBytes(16) }])).toThrow(/short: must be 32 bytes/);
    expect(() => new AesGcmPayloadCodec([NEW, { ...OLD, id: NEW.id }])).toThrow(/every key id must be different/);
  });
});
