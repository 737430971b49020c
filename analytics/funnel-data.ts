import { STEP_LABELS } from './funnel-steps';
import type { FunnelBreakdown, FunnelStep } from './funnel-steps';

/** A funnel as the chart, the text and the CSV show it: one row per step, one count per group. */
export interface FunnelReport {
  course: { slug: string; title: string };
  /** The period as shown, e.g. `2026-11-01..2026-11-30`. */
  period: string;
  by?: FunnelBreakdown;
  /** The breakdown's groups (`(none)` for students without a value), or `['all']` without a breakdown. */
  groups: string[];
  rows: FunnelRow[];
}

export interface FunnelRow {
  step: FunnelStep;
  day: number;
  counts: number[];
}

export interface FunnelCell {
  count: number;
  /** Share of the step before (of `paid` for `refunded`); null when that step has nobody. */
  stepRate: number | null;
  /** Share of the first step; null when it has nobody. */
  topRate: number | null;
}

export const NO_GROUP = '(none)';

export function rowLabel(row: Pick<FunnelRow, 'step' | 'day'>): string {
  return row.step === 'lesson' ? `Lesson ${row.day}` : STEP_LABELS[row.step];
}

/** Every row's cells, per group, with both conversion rates. */
export function funnelCells(report: FunnelReport): FunnelCell[][] {
  const paid = report.rows.find((r) => r.step === 'paid');
  return report.rows.map((row, i) => {
    const base = row.step === 'refunded' && paid ? paid : report.rows[i - 1];
    return row.counts.map((count, g) => ({
      count,
      stepRate: i === 0 ? null : rate(count, base?.counts[g] ?? 0),
      topRate: rate(count, report.rows[0]?.counts[g] ?? 0),
    }));
  });
}

const rate = (count: number, base: number) => (base > 0 ? count / base : null);

/** `62.5%`, or `—` where the base step has nobody. */
export function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}

/** The numbers as text, a block per group: what /funnel writes under the chart. */
export function funnelText(report: FunnelReport): string {
  const cells = funnelCells(report);
  const head = `Funnel · ${report.course.title} (${report.course.slug}) · ${report.period}${report.by ? ` · by ${report.by}` : ''}`;
  const blocks = report.groups.map((group, g) => {
    const lines = report.rows.map((row, i) => {
      const c = cells[i]![g]!;
      return i === 0
        ? `${rowLabel(row)}: ${c.count}`
        : `${rowLabel(row)}: ${c.count} · ${percent(c.stepRate)} of previous · ${percent(c.topRate)} of top`;
    });
    return report.by ? [`[${report.by} ${group}]`, ...lines].join('\n') : lines.join('\n');
  });
  return [head, ...blocks].join('\n\n');
}

/** The same numbers as CSV: one line per step and group. */
export function funnelCsv(report: FunnelReport): string {
  const cells = funnelCells(report);
  const lines = ['course,period,breakdown,group,step,day,label,students,step_conversion,top_conversion'];
  report.rows.forEach((row, i) =>
    report.groups.forEach((group, g) => {
      const c = cells[i]![g]!;
      const fields = [report.course.slug, report.period, report.by ?? '', group, row.step, String(row.day)];
      fields.push(rowLabel(row), String(c.count), ratio(c.stepRate), ratio(c.topRate));
      lines.push(fields.map(csvField).join(','));
    }),
  );
  return lines.join('\n');
}

const ratio = (value: number | null) => (value === null ? '' : value.toFixed(4));

function csvField(value: string): string {
  // A leading =, +, - or @ would be a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
