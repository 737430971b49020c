import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Reads vitest's JSON report and prints one plain line, `N passed, M failed` (`, K skipped` when any), as the last
 * line of `.ci/run`. A file that failed to load counts as one failure even though it ran no test. Exits 1 when
 * anything failed or nothing ran, so the summary is a check of its own, not only a report.
 *
 * Usage: tsx scripts/test-summary.ts <vitest-json-report> <runner-exit-code> [<check>=<exit-code> ...]
 * Each further check (e.g. `chaos=1`) that exited non-zero is named above the summary and fails it too.
 */

/** The part of vitest's JSON report this reads. */
const vitestJsonReport = z.object({
  numPassedTests: z.number(),
  numFailedTests: z.number(),
  numPendingTests: z.number(),
  numTodoTests: z.number(),
  testResults: z.array(
    z.object({ name: z.string(), status: z.string(), assertionResults: z.array(z.object({ status: z.string() })) }),
  ),
});

const [reportPath = '', runnerCode = '1', ...checks] = process.argv.slice(2);
const failedChecks = checks.filter((check) => !check.endsWith('=0'));
if (!existsSync(reportPath)) {
  console.log(`No test report at ${reportPath}: the run stopped before vitest reported (exit ${runnerCode}).`);
  console.log('0 passed, 0 failed');
  process.exit(1);
}
const parsed = vitestJsonReport.safeParse(JSON.parse(readFileSync(reportPath, 'utf8')));
if (!parsed.success) {
  console.log(`The test report at ${reportPath} is not vitest's JSON report:\n${z.prettifyError(parsed.error)}`);
  console.log('0 passed, 0 failed');
  process.exit(1);
}
const report = parsed.data;
// A suite that failed with no failed test in it (an import error, a hook that threw) is a failure too.
const brokenFiles = report.testResults.filter(
  (file) => file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'),
);
for (const file of brokenFiles) console.log(`Failed without a failing test: ${file.name}`);
const passed = report.numPassedTests;
const failed = report.numFailedTests + brokenFiles.length;
const skipped = report.numPendingTests + report.numTodoTests;
if (passed + failed === 0) console.log('No test ran.');
if (runnerCode !== '0' && failed === 0) console.log(`The runner exited ${runnerCode} although no test failed.`);
for (const check of failedChecks) console.log(`A check after the tests failed: ${check} (see above).`);
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 || runnerCode !== '0' || failedChecks.length > 0 ? 1 : 0);
