import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';

export const HISTORIES_DIR = path.join(__dirname, '..', 'fixtures', 'histories');

/**
 * With CAPTURE_HISTORIES=1, saves a finished journey's real event history as a replay fixture
 * (`CAPTURE_HISTORIES=1 npm test -- tests/workflows`). Committed fixtures are replayed by tests/workflows/replay.test.ts.
 */
export async function saveHistoryIfCapturing(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.CAPTURE_HISTORIES !== '1') return;
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const history = await handle.fetchHistory();
  writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), `${historyToJSON(history)}\n`);
}

export function loadHistories() {
  return readdirSync(HISTORIES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8'))),
    }));
}

/**
 * Every string and number an event history holds, payload bytes read as UTF-8: what a privacy check searches (the
 * payloads are in clear when the test runs without payload keys).
 */
export function historyStrings(history: unknown): string[] {
  const texts: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') texts.push(value);
    else if (typeof value === 'number' || typeof value === 'bigint') texts.push(String(value));
    else if (value instanceof Uint8Array) texts.push(Buffer.from(value).toString('utf8'));
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(history);
  return texts;
}
