import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freeLowPort } from '../lib/ports';
import { PROJECT_ROOT, ensureTemporalBinaries } from './temporal-binaries';
import { stopChild, waitUntilServing } from './temporal-dev-server';

const CLUSTER_DIR = path.join(PROJECT_ROOT, 'infra', 'cluster');

/**
 * The files both this cluster mode and docker-compose.yml take their configuration from (paths from the repo root;
 * tests/deploy/cluster-config.test.ts checks compose uses the same ones).
 */
export const CLUSTER_FILES = {
  versions: 'infra/cluster/versions.env',
  serverEnv: 'infra/cluster/temporal.env',
  dynamicConfig: 'infra/cluster/dynamicconfig.yaml',
  setupSchema: 'infra/cluster/setup-schema.sh',
  registerNamespace: 'infra/cluster/register-namespace.sh',
  searchAttributes: 'infra/cluster/search-attributes.txt',
} as const;
const file = (name: keyof typeof CLUSTER_FILES) => path.join(PROJECT_ROOT, CLUSTER_FILES[name]);

/** History processes a cluster runs unless told otherwise (docker-compose.yml's temporal-history replicas too). */
export const DEFAULT_HISTORY_PROCESSES = 2;

/** `KEY=value` lines of an env file (comments and blank lines skipped). */
export function readEnvFile(file: string): Record<string, string> {
  const entries = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
  return Object.fromEntries(entries);
}

/** The pinned versions (infra/cluster/versions.env) and where the install script puts their binaries. */
export function clusterBinaries() {
  const versions = readEnvFile(file('versions'));
  const server = path.join(PROJECT_ROOT, '.tools', 'temporal-server', versions.TEMPORAL_SERVER_VERSION!);
  const ui = path.join(PROJECT_ROOT, '.tools', 'temporal-ui-server', versions.TEMPORAL_UI_VERSION!);
  return {
    versions,
    server: path.join(server, 'temporal-server'),
    sqlTool: path.join(server, 'temporal-sql-tool'),
    uiServer: path.join(ui, 'temporal-ui-server'),
  };
}

/** Builds the server, its SQL tool and the UI server once per version (scripts/install-temporal-server.sh). */
export function ensureClusterBinaries(log: (line: string) => void): ReturnType<typeof clusterBinaries> {
  const binaries = clusterBinaries();
  if (![binaries.server, binaries.sqlTool, binaries.uiServer].every((file) => existsSync(file))) {
    log('building the Temporal server from the Go module proxy (once per version; ~20 minutes the first time)');
    const built = spawnSync('bash', [path.join(PROJECT_ROOT, 'scripts', 'install-temporal-server.sh')], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (built.status !== 0) throw new Error('Building the Temporal server failed (see the lines above)');
  }
  return binaries;
}

/** Where the cluster finds Postgres: a role that may create the server's two databases. */
export interface ClusterPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** The role and address in a Postgres URL (the embedded server's admin URL, or DATABASE_URL's). */
export function clusterPostgresFrom(url: string): ClusterPostgres {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
}

export interface ClusterOptions {
  postgres: ClusterPostgres;
  /** The frontend's gRPC port (clients and workers connect here). */
  port: number;
  /** Serve the Temporal UI on this port, decoding payloads through `uiCodecEndpoint` when given. */
  uiPort?: number;
  uiCodecEndpoint?: string;
  /** History processes: the engine's own scale-out (shards are shared among them). Default 2. */
  historyProcesses?: number;
  /** Each process' log file goes here. */
  logDir: string;
  log?: (line: string) => void;
}

export interface ClusterProcess {
  name: string;
  pid: number;
  /** The process' own Prometheus endpoint (server metrics). */
  metricsAddress: string;
}

export interface ClusterHandle {
  address: string;
  uiUrl?: string;
  processes: ClusterProcess[];
  /** Stops one process with a signal (fault tests); `stop()` ends the rest. */
  kill(name: string, signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A Temporal cluster on this machine, configured as docker-compose.yml configures it (infra/cluster/): the schemas
 * set up by setup-schema.sh, then frontend, matching, the internal worker and `historyProcesses` history services as
 * separate `temporal-server` processes sharing Postgres persistence and SQL visibility, then the namespace and the
 * search attributes (register-namespace.sh), and the UI server. Resolves once a client can start journeys.
 */
export async function startTemporalCluster(options: ClusterOptions): Promise<ClusterHandle> {
  const log = options.log ?? (() => {});
  const binaries = ensureClusterBinaries(log);
  mkdirSync(options.logDir, { recursive: true });
  const shared = readEnvFile(file('serverEnv'));
  const pg = options.postgres;

  log(`schemas: Temporal ${binaries.versions.TEMPORAL_SERVER_VERSION} on Postgres ${pg.host}:${pg.port}`);
  run('sh', [file('setupSchema')], {
    ...shared,
    SQL_TOOL: binaries.sqlTool,
    SQL_HOST: pg.host,
    SQL_PORT: String(pg.port),
    SQL_USER: pg.user,
    SQL_PASSWORD: pg.password,
  });

  // Every process renders the same template with every service's ports; each binds only its own service's.
  const taken = new Set([options.port]);
  const port = async () => String(await freeLowPort(taken));
  const ports: Record<string, string> = {
    FRONTEND_GRPC_PORT: String(options.port),
    FRONTEND_HTTP_PORT: await port(),
    FRONTEND_MEMBERSHIP_PORT: await port(),
    MATCHING_GRPC_PORT: await port(),
    MATCHING_MEMBERSHIP_PORT: await port(),
    WORKER_GRPC_PORT: await port(),
    WORKER_MEMBERSHIP_PORT: await port(),
    HISTORY_GRPC_PORT: await port(),
    HISTORY_MEMBERSHIP_PORT: await port(),
  };
  const base = {
    ...shared,
    ...ports,
    POSTGRES_SEEDS: pg.host,
    DB_PORT: String(pg.port),
    POSTGRES_USER: pg.user,
    POSTGRES_PWD: pg.password,
    DYNAMIC_CONFIG_FILE_PATH: file('dynamicConfig'),
    BIND_ON_IP: '127.0.0.1',
  };
  const services = [
    // First and alone: the first process of a new cluster writes its metadata, and two at once collide (one exits).
    { name: 'frontend', service: 'frontend', env: {} },
    { name: 'history-1', service: 'history', env: {} },
    ...(await Promise.all(
      Array.from({ length: (options.historyProcesses ?? DEFAULT_HISTORY_PROCESSES) - 1 }, async (_, i) => ({
        name: `history-${i + 2}`,
        service: 'history',
        env: { HISTORY_GRPC_PORT: await port(), HISTORY_MEMBERSHIP_PORT: await port() },
      })),
    )),
    { name: 'matching', service: 'matching', env: {} },
    { name: 'worker', service: 'worker', env: {} },
  ];

  const children = new Map<string, ChildProcess>();
  const processes: ClusterProcess[] = [];
  // Whoever started the cluster may exit before a history process has handed back its shards: never leave one behind.
  const killAll = () => {
    for (const child of children.values()) if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  const stop = async () => {
    await Promise.all([...children.values()].map((child) => stopChild(child)));
    process.off('exit', killAll);
  };
  const logOf = (name: string) => () => tail(path.join(options.logDir, `temporal-${name}.log`));
  const startProcess = async ({ name, service, env }: (typeof services)[number]) => {
    const metricsAddress = `127.0.0.1:${await port()}`;
    const out = createWriteStream(path.join(options.logDir, `temporal-${name}.log`), { flags: 'a' });
    const child = spawn(binaries.server, ['start', '--service', service], {
      env: { ...process.env, ...base, ...env, PROMETHEUS_ENDPOINT: metricsAddress },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A process group of its own: Ctrl-C in a terminal signals the whole foreground group, and a server gone before
      // the workers have drained leaves them waiting on it. stop() ends the servers, after the workers.
      detached: true,
    });
    // Two sources into one file: neither may end it for the other.
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    children.set(name, child);
    processes.push({ name, pid: child.pid!, metricsAddress });
  };
  try {
    const address = `127.0.0.1:${options.port}`;
    await startProcess(services[0]!);
    await waitUntilServing(address, children.get('frontend')!, logOf('frontend'));
    for (const service of services.slice(1)) await startProcess(service);
    const { cli } = ensureTemporalBinaries({ log });
    run('sh', [file('registerNamespace')], { TEMPORAL_ADDRESS: address, TEMPORAL_CLI: cli });
    for (const [name, child] of children) {
      if (child.exitCode !== null) throw new Error(`Temporal ${name} exited during start-up:\n${logOf(name)()}`);
    }
    log(`cluster: ${processes.map((p) => p.name).join(', ')} up; frontend ${address}`);

    let uiUrl: string | undefined;
    if (options.uiPort !== undefined) {
      uiUrl = `http://127.0.0.1:${options.uiPort}`;
      const out = createWriteStream(path.join(options.logDir, 'temporal-ui.log'), { flags: 'a' });
      const ui = spawn(binaries.uiServer, ['--env', 'cluster', '--config', 'ui', 'start'], {
        cwd: CLUSTER_DIR,
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: address,
          TEMPORAL_UI_PORT: String(options.uiPort),
          TEMPORAL_CODEC_ENDPOINT: options.uiCodecEndpoint ?? '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      ui.stdout.pipe(out, { end: false });
      ui.stderr.pipe(out, { end: false });
      children.set('ui', ui);
      processes.push({ name: 'ui', pid: ui.pid!, metricsAddress: '' });
    }
    return {
      address,
      uiUrl,
      processes,
      async kill(name, signal = 'SIGKILL') {
        const child = children.get(name);
        if (!child || child.exitCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill(signal);
        await exited;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function run(command: string, args: string[], env: Record<string, string>): void {
  const result = spawnSync(command, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${path.basename(args[0] ?? command)} failed:\n${result.stdout}${result.stderr}`);
  }
}

function tail(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').slice(-4000) : '';
}
