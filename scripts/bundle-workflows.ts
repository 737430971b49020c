import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleEnrollmentWorkflows } from '../apps/enrollment-worker';

/** Pre-bundles workflow code so production workers start without webpack (set WORKFLOW_BUNDLE_PATH to the file). */
async function main(): Promise<void> {
  const out = path.resolve(__dirname, '..', 'dist', 'workflow-bundle.js');
  const code = await bundleEnrollmentWorkflows();
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, code);
  console.log(`workflow bundle: ${path.relative(process.cwd(), out)} (${(code.length / 1024).toFixed(0)} KiB)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
