import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { funnelPng } from '../analytics/funnel-chart';
import { EXAMPLE_FUNNEL } from '../analytics/funnel-example';

/** `npm run funnel:example`: draws docs/funnel-example.png from the fixed example funnel with the /funnel renderer. */
export const EXAMPLE_PNG_PATH = fileURLToPath(new URL('../docs/funnel-example.png', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(EXAMPLE_PNG_PATH, funnelPng(EXAMPLE_FUNNEL));
  console.log(`wrote ${EXAMPLE_PNG_PATH}`);
}
