import { readFileSync } from 'node:fs';
import path from 'node:path';

interface Panel {
  targets?: { expr: string }[];
  panels?: Panel[];
}

/** The metric names the committed Grafana dashboard plots with `prefix` (histogram suffixes dropped). */
export function dashboardMetrics(prefix: string): string[] {
  const file = path.join(__dirname, '..', '..', 'infra', 'grafana', 'dashboards', 'course-platform.json');
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as { panels: Panel[] };
  const exprs = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).flatMap((p) => p.targets ?? []);
  const names = exprs.flatMap(({ expr }) => expr.match(new RegExp(`\\b${prefix}[a-z_]+`, 'g')) ?? []);
  return [...new Set(names.map((name) => name.replace(/_(bucket|sum|count)$/, '')))].sort();
}

/** The metric families a /metrics answer declares (`# TYPE name …`). */
export function declaredMetrics(text: string): Set<string> {
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
}
