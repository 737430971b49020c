import { loadMigrateConfig } from '../config';
import { runMigrations } from '../db/migrate';

async function main(): Promise<void> {
  const config = loadMigrateConfig(process.env);
  await runMigrations(config.databaseUrl, (line) => console.log(line));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
