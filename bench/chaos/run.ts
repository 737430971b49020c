import { rmSync } from 'node:fs';
import path from 'node:path';
import { writeResults } from '../results-file';
import { runPhase } from './phase';
import { failures, table } from './report';
import type { PhaseResult } from './report';
import { FULL, SHORT, onlyFaults, withoutFaults } from './settings';

/**
 * `npm run chaos`: the production processes against the Bot API stand-in with Telegram's limits, first without
 * faults (the baseline), then with them; a table, bench/results/chaos.json, and a non-zero exit when a message was
 * lost or sent twice other than through a SIGKILL in the send → record window (docs/reliability.md).
 * `-- --short` is the CI version: fewer journeys and faults, no baseline. `-- --no-baseline` skips the baseline;
 * `-- --faults=sigkills,blockers` keeps only those faults (names as in settings.ts), to see what each one costs.
 */
const short = process.argv.includes('--short');
const only = process.argv.find((arg) => arg.startsWith('--faults='))?.slice('--faults='.length);
const settings = only ? onlyFaults(short ? SHORT : FULL, only.split(',')) : short ? SHORT : FULL;
const withBaseline = !short && !process.argv.includes('--no-baseline');
const log = (line: string) => console.log(`[chaos] ${line}`);
const logRoot = path.join(__dirname, '..', 'results', 'chaos-logs');

async function main(): Promise<void> {
  const started = Date.now();
  log(`settings: ${JSON.stringify(settings)}`);
  rmSync(logRoot, { recursive: true, force: true });
  let baseline: PhaseResult | undefined;
  if (withBaseline) {
    log('baseline: the same journeys without faults');
    baseline = await runPhase(withoutFaults(settings), path.join(logRoot, 'baseline'), log);
  }
  log('with faults');
  const faults = await runPhase(settings, path.join(logRoot, 'faults'), log);

  const name = only ? `chaos-only-${only.replace(/,/g, '+').replace(/:/g, 'x')}` : short ? 'chaos-short' : 'chaos';
  const { file, report } = await writeResults(name, started, { settings, baseline, faults });
  console.log(`\n${table(baseline, faults)}\n`);
  for (const d of faults.figures.duplicates) log(`duplicate: ${JSON.stringify(d)}`);
  const failed = [...(baseline ? failures('baseline', baseline) : []), ...failures('faults', faults)];
  if (baseline && baseline.figures.duplicates.length > 0) failed.push('baseline: duplicates without any fault');
  log(
    `done in ${report.totalSeconds} s; figures in ${path.relative(process.cwd(), file)}, logs in ${path.relative(process.cwd(), logRoot)}`,
  );
  if (failed.length > 0) {
    for (const line of failed) console.error(`[chaos] FAIL ${line}`);
    process.exit(1);
  }
  log('ok: nothing lost, nothing sent twice but through a SIGKILL in the send → record window');
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
