import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { formatTable } from './tables';

/**
 * `npm run bench:journey-cost`: what one journey costs Temporal, read from the committed replay histories
 * (tests/fixtures/histories/, real journeys of the current workflow code): events, bytes of history as the server
 * stores it (protobuf), the actions Temporal Cloud would bill, round trips — and, fitted over the histories, the cost
 * per lesson. docs/scaling.md takes its figures from here.
 */
const dir = path.join(__dirname, '..', 'tests', 'fixtures', 'histories');
const { EventType } = temporal.api.enums.v1;

interface Cost {
  name: string;
  lessons: number;
  events: number;
  bytes: number;
  actions: number;
  workflowTasks: number;
  activities: number;
  localActivities: number;
}

/**
 * Billable actions as Temporal Cloud counts them: a start, each signal, update, timer, activity (local ones too, once
 * per marker), search-attribute upsert, and child workflow.
 */
const BILLED = new Set<number>([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
  EventType.EVENT_TYPE_TIMER_STARTED,
  EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
  EventType.EVENT_TYPE_MARKER_RECORDED,
  EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
  EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
]);

export function journeyCosts(): Cost[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const history = historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
      const events = history.events ?? [];
      const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes);
      return {
        name: file.replace(/\.json$/, ''),
        lessons: scheduled.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'deliverLesson')
          .length,
        events: events.length,
        bytes: temporal.api.history.v1.History.encode(history).finish().length,
        actions: events.filter((e) => BILLED.has(e.eventType ?? 0)).length,
        workflowTasks: events.filter((e) => e.workflowTaskCompletedEventAttributes).length,
        activities: scheduled.length,
        localActivities: events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')
          .length,
      };
    });
}

/** Least-squares line `y = a + b·lessons` over the histories. */
export function perLesson(costs: Cost[], key: keyof Omit<Cost, 'name' | 'lessons'>) {
  const n = costs.length;
  const mx = costs.reduce((s, c) => s + c.lessons, 0) / n;
  const my = costs.reduce((s, c) => s + c[key], 0) / n;
  const sxy = costs.reduce((s, c) => s + (c.lessons - mx) * (c[key] - my), 0);
  const sxx = costs.reduce((s, c) => s + (c.lessons - mx) ** 2, 0);
  const b = sxx === 0 ? 0 : sxy / sxx;
  return { fixed: Math.round(my - b * mx), perLesson: Math.round(b * 10) / 10 };
}

function main(): void {
  const costs = journeyCosts();
  console.log(
    formatTable([
      ['history', 'lessons', 'events', 'bytes', 'actions', 'workflow tasks', 'activities', 'local activities'],
      ...costs.map((c) => [
        c.name,
        String(c.lessons),
        String(c.events),
        String(c.bytes),
        String(c.actions),
        String(c.workflowTasks),
        String(c.activities),
        String(c.localActivities),
      ]),
    ]),
  );
  const keys = ['events', 'bytes', 'actions', 'workflowTasks', 'activities'] as const;
  console.log(
    `\n${formatTable([
      ['fitted over all histories', 'fixed', 'per lesson'],
      ...keys.map((key) => {
        const fit = perLesson(costs, key);
        return [key, String(fit.fixed), String(fit.perLesson)];
      }),
    ])}`,
  );
}

if (require.main === module) main();
