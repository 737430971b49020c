import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { ALL_SEARCH_ATTRIBUTES } from '../journey/definitions';

const CLI_TYPE: Record<string, string> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

export interface DevServerHandle {
  address: string;
  uiUrl: string;
  /** The server process (for resource figures). */
  pid: number;
  stop(): Promise<void>;
}

/**
 * One partition per task queue. A queue's partitions spread its tasks so several matching hosts can share them; a
 * dev server is one host, and task priority (TASK_PRIORITY) orders a backlog only within a partition: with the
 * default four, a payment's task could wait behind three partitions' worth of lessons.
 */
export const ONE_PARTITION = [
  '--dynamic-config-value',
  'matching.numTaskqueueReadPartitions=1',
  '--dynamic-config-value',
  'matching.numTaskqueueWritePartitions=1',
];

/**
 * Starts `temporal server start-dev` with the project's search attributes and a SQLite file, so journeys survive a
 * restart of the platform. Resolves once the frontend answers.
 */
export async function startTemporalDevServer(options: {
  cli: string;
  dataDir: string;
  port: number;
  uiPort: number;
  /** False keeps history in memory (benchmark comparisons only: nothing survives a restart). */
  persistent?: boolean;
  /** The codec server the UI decodes payloads with (`<http>/codec`), called from the browser. */
  uiCodecEndpoint?: string;
  log?: (line: string) => void;
}): Promise<DevServerHandle> {
  mkdirSync(options.dataDir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
  ];
  if (options.persistent !== false) {
    // WAL with synchronous=NORMAL: nothing is lost when a process crashes, and it takes twice the journeys per second
    // of SQLite's default rollback journal on this kind of machine (docs/benchmarks.md).
    args.push('--db-filename', path.join(options.dataDir, 'temporal.sqlite'));
    args.push('--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  args.push('--log-level', 'warn', ...ONE_PARTITION);
  for (const key of ALL_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${CLI_TYPE[key.type]}`);
  const child = spawn(options.cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const address = `127.0.0.1:${options.port}`;
  await waitUntilServing(address, child, () => output);
  return {
    address,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    pid: child.pid!,
    stop: () => stopChild(child),
  };
}

export async function waitUntilServing(address: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`Temporal server exited during start-up:\n${output()}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: '1s' });
      await connection.close();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`Temporal server did not answer on ${address} within 60s:\n${output()}`);
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
