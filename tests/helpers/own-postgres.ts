import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runMigrations } from '../../db/migrate';
import { startEmbeddedPostgres } from '../../infra/embedded-postgres';
import type { EmbeddedPostgresHandle } from '../../infra/embedded-postgres';
import { freePort } from '../../lib/ports';

/**
 * A Postgres of one test file's own (the shared one must not go down under other files), on a fixed data folder and
 * port so it can be stopped and started again under the code being tested; migrated unless `migrate` is false.
 */
export async function startOwnPostgres(name: string, options: { migrate?: boolean } = {}) {
  const scratch = mkdtempSync(path.join(tmpdir(), `${name}-`));
  const port = await freePort();
  const boot = () => startEmbeddedPostgres({ dataDir: path.join(scratch, 'data'), port, persistent: true });
  let handle: EmbeddedPostgresHandle = await boot();
  if (options.migrate !== false) await runMigrations(handle.adminUrl);
  return {
    /** The same after a restart (same port and data folder). */
    url: handle.adminUrl,
    stop: () => handle.stop(),
    async start() {
      handle = await boot();
    },
    async close() {
      await handle.stop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

export type OwnPostgres = Awaited<ReturnType<typeof startOwnPostgres>>;
