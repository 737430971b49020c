import { Context } from '@temporalio/activity';
import type { Sql } from '../db';
import { createFunnelRecorder } from './funnel-events';

/** The funnel recorder for activities: a failed insert is a warning in the activity's log, never a failed step. */
export function activityFunnel(sql: Sql) {
  return createFunnelRecorder({
    sql,
    warn(message, error) {
      let log: Pick<Console, 'warn'> = console;
      try {
        log = Context.current().log;
      } catch {
        // Called outside an activity (a test calling the function directly): the console it is.
      }
      log.warn(message, { error: String(error) } as never);
    },
  });
}
