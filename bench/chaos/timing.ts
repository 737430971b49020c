import { TELEGRAM_CALL_TIMEOUT_SECONDS } from '../../activities/telegram';
import type { ApiCall } from '../../testing/bot-api';
import { summary } from '../stats';
import type { JourneyCount, MessageName } from './count';
import { INJECTED, SLOW_DELAY_MS } from './telegram-faults';
import type { FaultRecord } from './faults';
import type { Journey } from './journeys';
import type { ChaosSettings } from './settings';

/** What a phase of a chaos run recorded: its journeys and their counts, the faults, and every Bot API call. */
export interface PhaseRecords {
  settings: ChaosSettings;
  t0: number;
  journeys: Journey[];
  counts: JourneyCount[];
  faults: FaultRecord[];
  calls: ApiCall[];
}

/**
 * How late messages came: each lesson of a journey that never blocked against its due time (startedAt + (day - 1)
 * intervals), each welcome against its payment; and the drain: from the end of the last fault (a server back, a
 * kill, the last injected answer, a slow call's client timeout) to the arrival of the last message overdue then.
 */
export function timing(input: PhaseRecords) {
  const { settings, t0, counts } = input;
  const regular = counts.filter((c) => c.role === 'regular');
  const paidAt = new Map(input.journeys.map((j) => [j.telegramId, j.paidAt ?? t0]));
  const due = (c: JourneyCount, name: MessageName): number | undefined => {
    if (name === 'welcome') return paidAt.get(c.telegramId);
    if (c.startedAt === null) return undefined;
    const day = name === 'completion' ? settings.lessons : Number(name.split(' ')[1]);
    return c.startedAt + (day - 1) * settings.intervalMs;
  };

  const lessons: number[] = [];
  const welcomes: number[] = [];
  const byDue = new Map<number, number[]>(); // lesson lateness in 10 s buckets of due time: where the time went
  for (const c of regular) {
    for (const [name, copies] of Object.entries(c.copies) as [MessageName, number[]][]) {
      const d = due(c, name);
      if (d === undefined) continue;
      if (name === 'welcome') welcomes.push(copies[0]! - d);
      if (!name.startsWith('lesson')) continue;
      lessons.push(copies[0]! - d);
      const bucket = Math.floor((d - t0) / 10_000) * 10;
      byDue.set(bucket, [...(byDue.get(bucket) ?? []), copies[0]! - d]);
    }
  }

  const injectedEnds = input.calls
    .filter((c) => c.description?.includes(INJECTED) || c.status === 499)
    .map((c) => (c.status === 499 ? c.at - SLOW_DELAY_MS + TELEGRAM_CALL_TIMEOUT_SECONDS * 1000 : c.at));
  const faultEnds = [...input.faults.map((f) => f.endAt ?? f.at), ...injectedEnds];
  const lastFaultAt = faultEnds.length > 0 ? Math.max(...faultEnds) : null;
  let overdue = 0;
  let drainedAt = lastFaultAt ?? 0;
  for (const c of lastFaultAt === null ? [] : regular) {
    for (const name of c.expected) {
      const d = due(c, name);
      const arrived = c.copies[name]?.[0] ?? Infinity;
      if (d === undefined || d > lastFaultAt! || arrived <= lastFaultAt!) continue;
      overdue++;
      drainedAt = Math.max(drainedAt, arrived);
    }
  }

  return {
    lessonLatenessMs: summary(lessons),
    welcomeLatenessMs: summary(welcomes),
    lessonLatenessByDueS: Object.fromEntries(
      [...byDue]
        .sort(([x], [y]) => x - y)
        .map(([at, values]) => [at, { p50: summary(values).p50, max: summary(values).max }]),
    ),
    drain:
      lastFaultAt === null
        ? null
        : { lastFaultAtS: (lastFaultAt - t0) / 1000, overdue, seconds: (drainedAt - lastFaultAt) / 1000 },
  };
}

/** Students who came back: was their journey 'blocked' in Postgres then, and how soon the missed lesson came. */
export function returns(journeys: Journey[], counts: JourneyCount[], t0: number) {
  const returners = journeys.filter((j) => j.role === 'returner' && j.returnedAt !== undefined);
  const each = returners.map((j) => {
    const c = counts.find((x) => x.telegramId === j.telegramId)!;
    const next = Object.values(c.copies)
      .flatMap((copies) => copies ?? [])
      .filter((at) => at >= j.returnedAt!);
    return {
      telegramId: j.telegramId,
      blockedAtS: (j.blockedAt! - t0) / 1000,
      returnedAtS: (j.returnedAt! - t0) / 1000,
      stageAtReturn: j.stageAtReturn,
      nextMessageAfterMs: next.length > 0 ? Math.min(...next) - j.returnedAt! : null,
      lost: c.lost.length,
    };
  });
  const waits = each.flatMap((r) => (r.nextMessageAfterMs === null ? [] : [r.nextMessageAfterMs]));
  return { returned: each.length, resumed: waits.length, returnToNextMessageMs: summary(waits), returns: each };
}
