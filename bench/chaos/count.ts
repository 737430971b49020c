import { enrollmentWorkflowId, progressQuery } from '../../journey/definitions';
import type { SentMessage } from '../../testing/bot-api';
import { COURSE_TOKEN, SALES_TOKEN } from '../stack';
import { inParallel } from '../stats';
import type { Cluster } from './cluster';
import { CHAOS_COURSE } from './cluster';
import type { Journey } from './journeys';
import type { ChaosSettings } from './settings';

const SALES_BOT_ID = Number(SALES_TOKEN.split(':')[0]);
const COURSE_BOT_ID = Number(COURSE_TOKEN.split(':')[0]);

export type MessageName = 'welcome' | 'completion' | `lesson ${number}`;

export interface JourneyCount {
  telegramId: number;
  role: Journey['role'];
  /** Copies Telegram took of each message, oldest first (stand-in time, ms). */
  copies: Partial<Record<MessageName, number[]>>;
  expected: MessageName[];
  lost: MessageName[];
  duplicated: MessageName[];
  /** Sent though not expected: a lesson after the student blocked the bot for good. */
  unexpected: MessageName[];
  payments: number;
  stage: string;
  workflowStatus: string;
  finalAsExpected: boolean;
  /** When lesson 1 was due (the journey's startedAt), for lateness. */
  startedAt: number | null;
  forbidden: number;
}

/** What each student received, from the stand-in's records, and how each journey ended, from Postgres and Temporal. */
export async function countJourneys(cluster: Cluster, journeys: Journey[], settings: ChaosSettings) {
  const byChat = new Map<number, SentMessage[]>();
  for (const m of cluster.telegram.sent()) byChat.set(m.chatId, [...(byChat.get(m.chatId) ?? []), m]);
  const forbidden = new Map<number, number>();
  for (const c of cluster.telegram.calls()) {
    if (c.status === 403) forbidden.set(Number(c.params.chat_id), (forbidden.get(Number(c.params.chat_id)) ?? 0) + 1);
  }
  const rows = await cluster.sql<{ telegramId: number; stage: string; payments: number }[]>`
    select u.telegram_id, e.stage::text as stage,
           (select count(*)::int from payments p where p.enrollment_id = e.id) as payments
    from enrollments e join users u on u.id = e.user_id join courses c on c.id = e.course_id
    where c.slug = ${CHAOS_COURSE}`;
  const db = new Map(rows.map((r) => [Number(r.telegramId), r]));
  const temporal = new Map<number, { status: string; startedAt: number | null }>();
  await inParallel(journeys, 8, async (j) => {
    const handle = cluster.client.workflow.getHandle(
      enrollmentWorkflowId({ userId: j.userId, courseSlug: CHAOS_COURSE }),
    );
    const status = await handle.describe().then(
      (d) => d.status.name,
      () => 'NOT_FOUND',
    );
    const progress = await handle.query(progressQuery).catch(() => undefined);
    temporal.set(j.telegramId, { status, startedAt: progress?.startedAt ?? null });
  });

  return journeys.map((j): JourneyCount => {
    const copies: JourneyCount['copies'] = {};
    for (const m of byChat.get(j.telegramId) ?? []) {
      const name = messageName(m);
      if (name) (copies[name] ??= []).push(m.at);
    }
    const lessons = Array.from({ length: settings.lessons }, (_, i) => `lesson ${i + 1}` as MessageName);
    // A student who blocked for good gets what reached them before the block (lessons 1 and 2 at least), and no more.
    const expected: MessageName[] =
      j.role === 'blocker'
        ? ['welcome', ...lessons.filter((l, i) => i < 2 || (copies[l]?.[0] ?? Infinity) < j.blockedAt!)]
        : ['welcome', ...lessons, 'completion'];
    const sent = Object.keys(copies) as MessageName[];
    const { stage = 'missing', payments = 0 } = db.get(j.telegramId) ?? {};
    const { status = 'NOT_FOUND', startedAt = null } = temporal.get(j.telegramId) ?? {};
    const finalAsExpected =
      j.role === 'blocker'
        ? stage === 'blocked' && status === 'RUNNING'
        : stage === 'completed' && status === 'COMPLETED';
    return {
      telegramId: j.telegramId,
      role: j.role,
      copies,
      expected,
      lost: expected.filter((name) => !copies[name]),
      duplicated: sent.filter((name) => copies[name]!.length > 1),
      unexpected: sent.filter((name) => !expected.includes(name)),
      payments,
      stage,
      workflowStatus: status,
      finalAsExpected,
      startedAt,
      forbidden: forbidden.get(j.telegramId) ?? 0,
    };
  });
}

function messageName(m: SentMessage): MessageName | undefined {
  const text = m.text ?? '';
  if (m.botId === SALES_BOT_ID) return /Payment received/.test(text) ? 'welcome' : undefined;
  if (m.botId !== COURSE_BOT_ID) return undefined;
  const lesson = /^Day (\d+)\./.exec(text);
  if (lesson) return `lesson ${Number(lesson[1])}`;
  return /That was the last lesson/.test(text) ? 'completion' : undefined;
}

/** One message's send → record window: when Telegram took it (stand-in time) and how long until its record. */
export interface RecordGap {
  key: string;
  at: number;
  gapMs: number;
}

/**
 * How wide the send → record window was, per message: from Telegram taking it (stand-in time) to its sent_messages
 * row (Postgres' now() at the INSERT). A SIGKILL inside it sends that message again on retry.
 */
export async function recordGaps(cluster: Cluster): Promise<RecordGap[]> {
  const records = await cluster.sql<{ key: string; chatId: number; messageIds: number[]; sentAt: Date }[]>`
    select key, chat_id, message_ids, sent_at from sent_messages`;
  const accepted = new Map<string, number>();
  for (const m of cluster.telegram.sent()) accepted.set(`${m.botId}:${m.chatId}:${m.messageId}`, m.at);
  const gaps: RecordGap[] = [];
  for (const r of records) {
    const bot = /^(lesson|completion):/.test(r.key) ? COURSE_BOT_ID : SALES_BOT_ID;
    const at = accepted.get(`${bot}:${Number(r.chatId)}:${Number(r.messageIds[0])}`);
    if (at !== undefined) gaps.push({ key: r.key, at, gapMs: r.sentAt.getTime() - at });
  }
  return gaps;
}
