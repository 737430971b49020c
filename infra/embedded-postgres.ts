import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface EmbeddedPostgresHandle {
  /** URL of the `postgres` maintenance database; create application databases from it. */
  adminUrl: string;
  urlFor(database: string): string;
  /** The process that owns the server (tests stop it with a signal to simulate a crash). */
  pid: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  persistent: boolean;
}

/** What the server process reports over IPC. */
export type EmbeddedPostgresMessage =
  { type: 'ready' } | { type: 'failed'; message: string } | { type: 'log'; line: string };

export const EMBEDDED_PG_USER = 'postgres';
// Local-only credentials for a server bound to 127.0.0.1; never used for DATABASE_URL deployments.
export const EMBEDDED_PG_PASSWORD = 'postgres';

const SERVER_ENTRY = fileURLToPath(new URL('./embedded-postgres-server.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * Runs a real Postgres from node_modules with its data in `dataDir`, owned by a child process
 * (infra/embedded-postgres-server.ts). The `embedded-postgres` package is never loaded here: its exit hook calls
 * `process.exit(0)` and would turn a failing test run into a green one. The child stops the server when told to, and
 * when this process dies, however it dies.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions & { log?: (line: string) => void },
): Promise<EmbeddedPostgresHandle> {
  const { log, ...serverOptions } = options;
  const child = fork(SERVER_ENTRY, [], {
    execArgv: ['--import', TSX_LOADER],
    // Its own process group: a Ctrl-C in the terminal reaches the parent, which stops Postgres in order.
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.on('message', (message: EmbeddedPostgresMessage) => {
      if (message.type === 'log') log?.(message.line);
      else if (message.type === 'ready') resolve();
      else reject(new Error(message.message));
    });
    void exited.then((code) => reject(new Error(`The embedded Postgres process exited (${code}) before it was ready`)));
    child.send({ type: 'start', options: serverOptions });
  });
  // Nothing here keeps the parent alive; if the parent ends without stop(), the child sees the disconnect.
  child.unref();
  child.channel?.unref();
  const urlFor = (database: string) =>
    `postgres://${EMBEDDED_PG_USER}:${EMBEDDED_PG_PASSWORD}@127.0.0.1:${options.port}/${database}`;
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.ref();
      child.channel?.ref();
      child.send({ type: 'stop' });
      await exited;
    },
  };
}
