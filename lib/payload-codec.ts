import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import path from 'node:path';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

/** The `encoding` of a payload this codec encrypted; anything else is passed through as it is. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata naming the key a payload was encrypted with, so keys can rotate while old histories stay readable. */
export const KEY_ID_METADATA = 'encryption-key-id';

const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/** An AES-256 key and the id payloads name it by. */
export interface PayloadKey {
  id: string;
  key: Uint8Array;
}

/** A payload that cannot be decrypted: says which key and why, never what the payload holds. */
export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

const text = new TextEncoder();
const fromText = new TextDecoder();

/**
 * AES-256-GCM for every payload the platform gives Temporal (inputs, results, signals, queries, updates, memos,
 * failure details, summaries), so the server's database holds no personal data in clear. The first key encrypts; every
 * key decrypts, found by the id in the payload's metadata. Payloads without this codec's encoding pass through:
 * histories written before encryption still replay, and with no keys at all nothing is encrypted (development).
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keys: Map<string, Uint8Array>;
  private readonly current: PayloadKey | undefined;

  constructor(keys: readonly PayloadKey[]) {
    for (const { id, key } of keys) {
      if (key.length !== KEY_BYTES) throw new RangeError(`payload key ${id}: must be ${KEY_BYTES} bytes`);
    }
    this.keys = new Map(keys.map(({ id, key }) => [id, key]));
    if (this.keys.size !== keys.length) throw new RangeError('payload keys: every key id must be different');
    this.current = keys[0];
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const current = this.current;
    if (!current) return payloads;
    return payloads.map((payload) => ({
      metadata: {
        [METADATA_ENCODING_KEY]: text.encode(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: text.encode(current.id),
      },
      data: encrypt(temporal.api.common.v1.Payload.encode(payload).finish(), current.key),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || fromText.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
      const idBytes = payload.metadata?.[KEY_ID_METADATA];
      const id = idBytes ? fromText.decode(idBytes) : '(none)';
      const key = this.keys.get(id);
      if (!key) {
        const known = this.keys.size > 0 ? `the keys given are ${[...this.keys.keys()].join(', ')}` : 'none is given';
        throw new PayloadDecryptionError(`payload encrypted with key id ${id}, which PAYLOAD_KEYS lacks (${known})`);
      }
      return temporal.api.common.v1.Payload.decode(decrypt(payload.data ?? new Uint8Array(), key, id));
    });
  }
}

function encrypt(plain: Uint8Array, key: Uint8Array): Uint8Array {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(CIPHER, key, iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

function decrypt(sealed: Uint8Array, key: Uint8Array, id: string): Uint8Array {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`payload for key ${id} is truncated`);
  const decipher = createDecipheriv(CIPHER, key, sealed.subarray(0, IV_BYTES));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    // GCM's tag check: the ciphertext was altered, or the key under this id is not the one that encrypted it.
    throw new PayloadDecryptionError(`payload failed authentication with key ${id}: altered, or a different key`);
  }
}

/** The failure converter every client, worker and workflow bundle loads (see failure-converter.ts). */
export const FAILURE_CONVERTER_PATH = path.join(__dirname, 'failure-converter.ts');

/**
 * What every Temporal client and worker of the platform is given: the codec over the default payload converter, and
 * failures whose messages and stack traces are payloads too, so the codec encrypts them.
 */
export function encryptingDataConverter(keys: readonly PayloadKey[]): {
  payloadCodecs: PayloadCodec[];
  failureConverterPath: string;
} {
  return { payloadCodecs: [new AesGcmPayloadCodec(keys)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
