import { spawn } from 'node:child_process';
import path from 'node:path';
import { stopChild } from '../infra/temporal-dev-server';

/**
 * `worker.ts` as a child process on plain node (so SIGTERM reaches it), configured only by `env`; its output goes to
 * this process' stdout prefixed `[worker-2]`.
 */
export function startWorkerProcess(env: Record<string, string | undefined>): { pid: number; stop(): Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'worker.ts')], {
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (chunk: Buffer) =>
    process.stdout.write(
      chunk
        .toString()
        .split('\n')
        .filter(Boolean)
        .map((line) => `[worker-2] ${line}\n`)
        .join(''),
    );
  child.stdout.on('data', prefix);
  child.stderr.on('data', prefix);
  return { pid: child.pid!, stop: () => stopChild(child) };
}
