import type { Figures } from './analyze';
import type { HistoryProfile } from './histories';
import type { UnexpectedExit } from './supervisor';

export interface PhaseResult {
  figures: Figures;
  unexpectedExits: Omit<UnexpectedExit, 'output'>[];
  botsAnsweredAfterwards: boolean;
  webhookTries: { max: number; retried: number };
  profile: { seconds: number; coresUsed: Record<string, number>; histories: HistoryProfile };
  faults: { kind: string; atS: number; forS?: number; target?: string }[];
  seconds: number;
  /** Every Bot API call to the chats of unexplained duplicates. */
  suspectCalls: unknown[];
}

/**
 * Why a run failed, or nothing: anything lost, sent twice other than through a SIGKILL in the send → record window,
 * a payment not recorded exactly once, a journey that did not end as it should, a process that exited on its own.
 */
export function failures(name: string, r: PhaseResult): string[] {
  const f = r.figures;
  const sum = (t: Record<string, number>) => Object.values(t).reduce((a, b) => a + b, 0);
  const out: string[] = [];
  if (sum(f.lost) > 0) out.push(`${name}: lost ${JSON.stringify(f.lost)}`);
  if (f.unexplainedDuplicates > 0)
    out.push(`${name}: ${f.unexplainedDuplicates} duplicate(s) not explained by a SIGKILL in the send → record window`);
  if (sum(f.unexpected) > 0) out.push(`${name}: sent after a student blocked the bot ${JSON.stringify(f.unexpected)}`);
  if (f.payments.other > 0) out.push(`${name}: ${f.payments.other} journey(s) without exactly one payment recorded`);
  if (f.finalNotAsExpected.length > 0)
    out.push(
      `${name}: ${f.finalNotAsExpected.length} journey(s) ended wrong: ${JSON.stringify(f.finalNotAsExpected.slice(0, 5))}`,
    );
  const crashed = r.unexpectedExits.filter((e) => e.wasRunning);
  if (crashed.length > 0) out.push(`${name}: running processes exited: ${JSON.stringify(crashed)}`);
  if (!r.botsAnsweredAfterwards) out.push(`${name}: a bot did not answer after the run`);
  return out;
}

/** The headline figures side by side: baseline, with faults, and faults ÷ baseline where a ratio means something. */
export function table(baseline: PhaseResult | undefined, faults: PhaseResult): string {
  const b = baseline?.figures;
  const f = faults.figures;
  const lmh = (t: { welcomes: number; lessons: number; completions: number }) =>
    `${t.welcomes} / ${t.lessons} / ${t.completions}`;
  const p = (s: { p50: number; p99: number; max: number }) => `${s.p50} / ${s.p99} / ${s.max}`;
  const ratio = (x: number | undefined, y: number | undefined) =>
    x !== undefined && y !== undefined && y > 0 ? `${(x / y).toFixed(1)}×` : '';
  const rows: string[][] = [
    ['figure', 'baseline', 'with faults', 'ratio'],
    [
      'journeys (regular/blockers/returners)',
      b ? `${b.journeys}` : '-',
      `${f.journeys} (${f.roles.regular}/${f.roles.blockers}/${f.roles.returners})`,
      '',
    ],
    ['messages expected', b ? `${b.messagesExpected}` : '-', `${f.messagesExpected}`, ''],
    ['lost welcomes / lessons / completions', b ? lmh(b.lost) : '-', lmh(f.lost), ''],
    ['duplicated welcomes / lessons / completions', b ? lmh(b.duplicated) : '-', lmh(f.duplicated), ''],
    [
      '  of them not from a SIGKILL in the window',
      b ? `${b.unexplainedDuplicates}` : '-',
      `${f.unexplainedDuplicates}`,
      '',
    ],
    [
      'SIGKILLs random / aimed; of them in the window',
      '-',
      `${f.sigkills.random} / ${f.sigkills.aimed}; ${f.sigkills.randomInWindow} / ${f.sigkills.landedInSendRecordWindow - f.sigkills.randomInWindow}`,
      '',
    ],
    ['payments recorded exactly once', b ? `${b.payments.exactlyOne}` : '-', `${f.payments.exactlyOne}`, ''],
    [
      'journeys not ending as expected',
      b ? `${b.finalNotAsExpected.length}` : '-',
      `${f.finalNotAsExpected.length}`,
      '',
    ],
    ['final stage/status', b ? fmt(b.finalStatus) : '-', fmt(f.finalStatus), ''],
    [
      'bot-caused 429s (chats)',
      b ? `${b.botCaused429s.total} (${b.botCaused429s.chats})` : '-',
      `${f.botCaused429s.total} (${f.botCaused429s.chats})`,
      '',
    ],
    [
      'injected 502 / 429 / slow',
      '-',
      `${f.injected.fiveXx} / ${f.injected.tooManyRequests} / ${f.injected.slowSendsAbandoned}`,
      '',
    ],
    ['403s per blocking student (max)', '-', `${f.forbiddenPerBlocker.max}`, ''],
    [
      'lesson lateness ms p50 / p99 / max',
      b ? p(b.lessonLatenessMs) : '-',
      p(f.lessonLatenessMs),
      ratio(f.lessonLatenessMs.p99, b?.lessonLatenessMs.p99),
    ],
    [
      'payment → welcome ms p50 / p99 / max',
      b ? p(b.welcomeLatenessMs) : '-',
      p(f.welcomeLatenessMs),
      ratio(f.welcomeLatenessMs.p99, b?.welcomeLatenessMs.p99),
    ],
    [
      'drain after last fault (overdue msgs)',
      '-',
      f.drain ? `${f.drain.seconds} s (${f.drain.overdue}) at t+${f.drain.lastFaultAtS} s` : '-',
      '',
    ],
    [
      'returns resumed; return → missed lesson ms p50 / max',
      '-',
      `${f.resumed} of ${f.returned}; ${f.returnToNextMessageMs.p50} / ${f.returnToNextMessageMs.max}`,
      '',
    ],
    ['send → record ms p50 / p99 / max', b ? p(b.sendToRecordMs) : '-', p(f.sendToRecordMs), ''],
    ['running processes that exited on their own', baseline ? exits(baseline, true) : '-', exits(faults, true), ''],
    ['starts that failed (restarted)', baseline ? exits(baseline, false) : '-', exits(faults, false), ''],
    [
      'webhook tries max (retried)',
      baseline ? `${baseline.webhookTries.max} (${baseline.webhookTries.retried})` : '-',
      `${faults.webhookTries.max} (${faults.webhookTries.retried})`,
      '',
    ],
    ['workflow task timeouts (by kind)', baseline ? timeouts(baseline) : '-', timeouts(faults), ''],
    ['activities retried (max attempt)', baseline ? retried(baseline) : '-', retried(faults), ''],
    ['run seconds', baseline ? `${baseline.seconds}` : '-', `${faults.seconds}`, ''],
    ['cores used: workers / temporal / postgres', baseline ? cores(baseline) : '-', cores(faults), ''],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join(' │ ')).join('\n');
}

function fmt(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

function exits(r: PhaseResult, wasRunning: boolean): string {
  const matching = r.unexpectedExits.filter((e) => e.wasRunning === wasRunning);
  return matching.length === 0 ? '0' : `${matching.length}: ${matching.map((e) => e.name).join(', ')}`;
}

function timeouts(r: PhaseResult): string {
  const t = r.profile.histories.workflowTaskTimeouts;
  return Object.keys(t).length === 0 ? '0' : fmt(t);
}

function retried(r: PhaseResult): string {
  const a = r.profile.histories.activities;
  return `${a.retried} of ${a.total} (${a.attempts.max})`;
}

function cores(r: PhaseResult): string {
  const c = r.profile.coresUsed;
  return `${c.workers} / ${c.temporal} / ${c.postgres}`;
}
