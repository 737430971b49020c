import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KEY_BYTES } from '../lib/payload-codec';

/**
 * PAYLOAD_KEYS for `npm start` when .env sets none: a key generated on the first run and kept beside the dev server's
 * history in .data/, so the demo's journeys are encrypted like production's and later runs still read them.
 */
export function devPayloadKeys(dataDir: string, log: (line: string) => void): string {
  const file = path.join(dataDir, 'payload-keys');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const keys = `dev-${new Date().toISOString().slice(0, 10)}:${randomBytes(KEY_BYTES).toString('base64')}`;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${keys}\n`, { mode: 0o600 });
  log(`PAYLOAD_KEYS is unset: generated a development key in ${path.relative(process.cwd(), file)}`);
  return keys;
}
