import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';

/**
 * Writes a run's figures to bench/results/<name>.json with when, on what machine and how long it took, formatted as
 * the repository's Prettier would (a committed result passes `npm run lint`). Returns the file and what it holds.
 */
export async function writeResults<T extends object>(name: string, started: number, figures: T) {
  const report = {
    at: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model,
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    totalSeconds: Math.round((Date.now() - started) / 1000),
    ...figures,
  };
  const file = path.join(__dirname, 'results', `${name}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, await format(JSON.stringify(report), { ...(await resolveConfig(file)), parser: 'json' }));
  return { file, report };
}
