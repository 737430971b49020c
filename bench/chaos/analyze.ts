import { COURSE_TOKEN, SALES_TOKEN } from '../stack';
import { summary } from '../stats';
import { attributeDuplicates } from './attribution';
import type { MessageName, RecordGap } from './count';
import { INJECTED } from './telegram-faults';
import { returns, timing } from './timing';
import type { PhaseRecords } from './timing';

const BOTS: Record<number, string> = {
  [Number(SALES_TOKEN.split(':')[0])]: 'sales',
  [Number(COURSE_TOKEN.split(':')[0])]: 'course',
};

/** The figures of one run, from what was counted per journey and what the faults and Telegram's records say. */
export function analyze(input: PhaseRecords & { records: RecordGap[] }) {
  const { counts, calls } = input;
  const { duplicates, sigkills } = attributeDuplicates(counts, input.faults, input.records, input.t0);
  const tooMany = calls.filter((c) => c.status === 429 && !c.description?.includes(INJECTED));
  const injected = (status: (s: number) => boolean) =>
    calls.filter((c) => status(c.status) && c.description?.includes(INJECTED)).length;
  return {
    journeys: counts.length,
    roles: {
      regular: counts.filter((c) => c.role === 'regular').length,
      blockers: counts.filter((c) => c.role === 'blocker').length,
      returners: counts.filter((c) => c.role === 'returner').length,
    },
    messagesExpected: counts.reduce((n, c) => n + c.expected.length, 0),
    lost: tally(counts.flatMap((c) => c.lost)),
    duplicated: tally(duplicates.map((d) => d.message)),
    duplicates,
    unexplainedDuplicates: duplicates.filter((d) => d.cause === 'unexplained').length,
    unexpected: tally(counts.flatMap((c) => c.unexpected)),
    sigkills,
    payments: {
      exactlyOne: counts.filter((c) => c.payments === 1).length,
      other: counts.filter((c) => c.payments !== 1).length,
    },
    finalStatus: countBy(counts, (c) => `${c.stage}/${c.workflowStatus}`),
    finalNotAsExpected: counts
      .filter((c) => !c.finalAsExpected)
      .map((c) => ({ telegramId: c.telegramId, role: c.role, stage: c.stage, status: c.workflowStatus })),
    botCaused429s: {
      total: tooMany.length,
      byBot: countBy(tooMany, (c) => BOTS[c.botId] ?? String(c.botId)),
      chats: new Set(tooMany.map((c) => c.params.chat_id)).size,
    },
    injected: {
      fiveXx: injected((s) => s >= 500),
      tooManyRequests: injected((s) => s === 429),
      slowSendsAbandoned: calls.filter((c) => c.status === 499).length,
    },
    forbiddenPerBlocker: summary(counts.filter((c) => c.role !== 'regular').map((c) => c.forbidden)),
    ...timing(input),
    ...returns(input.journeys, counts, input.t0),
    sendToRecordMs: summary(input.records.map((r) => r.gapMs)),
    slowestRecords: [...input.records]
      .sort((x, y) => y.gapMs - x.gapMs)
      .slice(0, 5)
      .map((r) => ({ key: r.key, atS: (r.at - input.t0) / 1000, gapMs: r.gapMs })),
  };
}

export type Figures = ReturnType<typeof analyze>;

function tally(names: MessageName[]) {
  const out = { welcomes: 0, lessons: 0, completions: 0 };
  for (const name of names) out[name.startsWith('lesson') ? 'lessons' : (`${name}s` as 'welcomes')]++;
  return out;
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}
