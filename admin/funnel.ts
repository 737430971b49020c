import { parseArgs } from 'node:util';
import { FunnelInputError, parseBreakdown, parsePeriod } from '../analytics/funnel-command';
import { funnelCsv, funnelText } from '../analytics/funnel-data';
import { loadFunnel } from '../analytics/funnel-report';
import type { AdminCliDeps } from './cli';

/** `npm run admin -- funnel [--course C] [--since 30d|A..B] [--by X] [--csv]` (#18): /funnel's numbers, as CSV. */
export async function funnelCli(args: string[], deps: Pick<AdminCliDeps, 'sql' | 'out'>): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        course: { type: 'string' },
        since: { type: 'string' },
        by: { type: 'string' },
        csv: { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new FunnelInputError(err instanceof Error ? err.message : String(err));
  }
  if (values.course !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(values.course))
    throw new FunnelInputError(`Not a course slug: "${values.course}"`);
  const report = await loadFunnel(deps.sql, {
    courseSlug: values.course,
    period: parsePeriod(values.since ?? '30d', new Date()),
    by: values.by === undefined ? undefined : parseBreakdown(values.by),
  });
  deps.out(values.csv ? funnelCsv(report) : funnelText(report));
}
