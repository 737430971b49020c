import { ConfigError, loadConfig, loadDotEnv, requireSettings } from '../config';
import { importCourses } from '../content/catalog';
import { CourseContentError } from '../content/loader';
import { createSql } from '../db';
import { runMigrations } from '../db/migrate';

/** `npm run course:import -- [dir ...]`: imports the given course folders, or every one under content/. */
async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  requireSettings(config, ['databaseUrl']);
  await runMigrations(config.databaseUrl!);
  const sql = createSql(config.databaseUrl!, { max: 1 });
  try {
    const dirs = process.argv.slice(2);
    for (const result of await importCourses(sql, dirs.length > 0 ? dirs : undefined)) {
      console.log(`${result.slug}: ${result.lessons} lessons, ${result.changed ? 'updated' : 'unchanged'}`);
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

main().catch((error: unknown) => {
  // Content and configuration mistakes are the author's to fix: their message says what, a stack trace adds nothing.
  const known = error instanceof CourseContentError || error instanceof ConfigError;
  console.error(known ? error.message : error);
  process.exit(1);
});
