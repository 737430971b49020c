import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { eventually } from './platform';

const ROOT = path.resolve(__dirname, '..', '..');
// An absolute URL, so the loader resolves from any working directory (tests run processes in empty folders).
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface ProductionProcess extends ChildProcess {
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Its stdout so far. */
  stdoutText(): string;
  /** Its stdout's JSON log lines so far. */
  logLines(): Record<string, unknown>[];
}

/** A production entry point (worker.ts, apps/sales.ts...) as production runs it: plain node with the tsx loader. */
export function spawnProduction(entry: string, env: Record<string, string>, cwd = ROOT): ProductionProcess {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, path.join(ROOT, entry)], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const logLines = () =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return Object.assign(child, { output: () => output, stdoutText: () => stdout, logLines });
}

/** Resolves once `child` has printed `ready` (its start-up line); fails with its output if it exits first. */
export async function untilReady(child: ProductionProcess, ready: RegExp, timeoutMs = 60_000): Promise<void> {
  await eventually(
    async () => (child.exitCode === null ? ready.test(child.output()) : `exited: ${child.output()}`),
    (up) => up === true,
    timeoutMs,
  );
}

/** SIGTERM, then the exit code (or the signal that ended it). */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode ?? child.signalCode!;
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, sig) => resolve(code ?? sig ?? 'unknown')),
  );
  child.kill(signal);
  return exited;
}
