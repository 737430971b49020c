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
