import { temporal } from '@temporalio/proto';
import { broadcastClient } from '../journey/broadcast-client';
import { broadcastWorkflowId } from '../journey/definitions';
import type { SentMessage } from '../testing/bot-api';
import { insertBenchCourse, insertStudents } from './fixtures';
import { round } from './scenarios';
import { ADMIN_CHAT_ID, COURSE_TOKEN, TASK_QUEUE, startStack } from './stack';
import { sleep, until } from './stats';

const COURSE_BOT_ID = Number(COURSE_TOKEN.split(':')[0]);

/**
 * Benchmark 7 (#18): one broadcast to `recipients` students through the real worker process, paced at
 * `sendsPerSecond` (no lessons due, so bulk has the whole rate) against the stand-in with a per-bot limit above it.
 * Throughput is first to last copy the stand-in received; duplicates are counted from what it received; history size
 * is each run's (continue-as-new) history as the server stores it.
 */
export async function broadcastBench(
  settings: { recipients: number; sendsPerSecond: number },
  log: (line: string) => void,
) {
  const { recipients, sendsPerSecond } = settings;
  const stack = await startStack(log, {
    sendsPerSecond,
    // Telegram's per-chat limits stay; the bot's is the configured rate's double, so a burst above the rate shows as 429s.
    telegramLimits: { perBotPerSecond: sendsPerSecond * 2 },
  });
  try {
    await insertBenchCourse(stack.sql, { slug: 'bench-broadcast', intervalMs: 86_400_000 });
    const students = await insertStudents(stack.sql, 860_000_000, recipients);
    await stack.sql`
      insert into enrollments (user_id, course_id, workflow_id, tariff, stage)
      select u.id, c.id, 'bench-broadcast-' || u.id, 'BASIC', 'active'
      from users u, courses c where c.slug = 'bench-broadcast' and u.telegram_id >= 860000000`;
    // The reviewer's message in the review chat, as the course bot saw it, and the confirmed row /broadcast makes.
    const source = stack.telegram.sendUserMessage({
      botToken: COURSE_TOKEN,
      from: { id: 1, first_name: 'Reviewer' },
      chatId: ADMIN_CHAT_ID,
      text: 'Bench broadcast: a message to every student',
    });
    const [row] = await stack.sql<{ id: number }[]>`
      insert into broadcasts (created_by, source_chat_id, source_message_ids, course_id, status, confirmed_by, confirmed_at)
      select 1, ${ADMIN_CHAT_ID}, ${[source.message_id]}, id, 'confirmed', 1, now() from courses where slug = 'bench-broadcast'
      returning id`;
    const id = row!.id;
    const chats = new Set(students.map((s) => s.telegramId));
    const isCopy = (m: SentMessage) => m.botId === COURSE_BOT_ID && m.method === 'copyMessage' && chats.has(m.chatId);
    const callsBefore = stack.telegram.calls().length;

    log(`7. broadcast: ${recipients} recipients at ${sendsPerSecond}/s`);
    const startedAt = Date.now();
    await broadcastClient(stack.client, TASK_QUEUE).start(id);
    const handle = stack.client.workflow.getHandle(broadcastWorkflowId(id));
    const deadline = startedAt + (recipients / sendsPerSecond) * 3_000 + 120_000;
    await until('the broadcast to finish', deadline, async () => (await handle.describe()).status.name === 'COMPLETED');
    await sleep(3_000); // anything sent twice would show up now
    const copies = stack.telegram.sent().filter(isCopy);
    const perChat = new Map<number, number>();
    for (const m of copies) perChat.set(m.chatId, (perChat.get(m.chatId) ?? 0) + 1);
    const arrivals = copies.map((m) => m.at);
    const [firstAt, lastAt] = [Math.min(...arrivals), Math.max(...arrivals)];
    const rate = (perChat.size - 1) / ((lastAt - firstAt) / 1000);
    const calls = stack.telegram.calls().slice(callsBefore);
    const [outcomes] = await stack.sql<{ sent: number; failed: number; blocked: number }[]>`
      select count(*) filter (where outcome = 'sent')::int as sent, count(*) filter (where outcome = 'failed')::int as failed,
             count(*) filter (where outcome = 'blocked')::int as blocked
      from broadcast_deliveries where broadcast_id = ${id}`;
    return {
      recipients,
      configuredPerSecond: sendsPerSecond,
      seconds: round((lastAt - firstAt) / 1000, 1),
      startToLastCopySeconds: round((lastAt - startedAt) / 1000, 1),
      copiesPerSecond: round(rate, 1),
      shareOfConfiguredRate: round(rate / sendsPerSecond, 3),
      received: perChat.size,
      duplicates: [...perChat.values()].reduce((n, c) => n + (c - 1), 0),
      losses: recipients - perChat.size,
      telegram429s: calls.filter((c) => c.status === 429).length,
      outcomes,
      histories: await historySizes(stack.client, broadcastWorkflowId(id)),
    };
  } finally {
    await stack.stop();
  }
}

/** Every run of the workflow (newest first, following continue-as-new back), with its events and encoded bytes. */
async function historySizes(client: Awaited<ReturnType<typeof startStack>>['client'], workflowId: string) {
  const runs: { events: number; bytes: number }[] = [];
  let runId: string | undefined;
  for (;;) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const bytes = temporal.api.history.v1.History.encode(history).finish().length;
    runs.push({ events: history.events?.length ?? 0, bytes });
    const previous = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!previous) break;
    runId = previous;
  }
  return {
    runs: runs.length,
    maxBytes: Math.max(...runs.map((r) => r.bytes)),
    maxEvents: Math.max(...runs.map((r) => r.events)),
    totalBytes: runs.reduce((n, r) => n + r.bytes, 0),
  };
}
