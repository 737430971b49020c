import type { SentMessage } from '../testing/bot-api/types';
import { beyondFloor } from './rate-floor';
import type { Reply } from './rate-floor';
import type { RushSizes } from './rush-hour';
import { COURSE_BOT_ID, SALES_BOT_ID } from './rush-users';
import type { ActionRecord, Inbox } from './rush-users';
import { round } from './scenarios';
import type { Stack } from './stack';
import { sleep, summary } from './stats';

/** What the driver did during the rush: when each lesson fell due, each payment and each user action went. */
export interface RushRecords {
  t0: number;
  callsBefore: number;
  /** Fan-out chat → when its "move to day 2" signal went. */
  dueAt: Map<number, number>;
  payers: { chatId: number; requestedAt: number }[];
  starts: ActionRecord[];
  actions: ActionRecord[];
  students: number[];
}

const WELCOME = /Payment received/;
const ACK = /Assignment received/;
/** Each chat's limit as the bench's processes are configured (the config's defaults). */
const CHAT_LIMITS = { chatBurst: 3, chatPerSecond: 1 };

/**
 * Waits (up to `timeoutMs`) for every lesson and welcome, then reads the stand-in's records once: the latencies, the
 * latencies beyond the rate floor (rate-floor.ts), the lesson rate, 429s, duplicates and what never came.
 */
export async function measureRush(
  stack: Stack,
  inbox: Inbox,
  rush: RushRecords,
  sizes: RushSizes,
  timeoutMs: number,
  log: (line: string) => void,
) {
  const first = (chatId: number, botId: number, match: RegExp) =>
    inbox.inChat(chatId).find((m) => m.botId === botId && match.test(m.text ?? ''));
  const fanOutChats = [...rush.dueAt.keys()];
  const missing = () => ({
    lessons: fanOutChats.filter((c) => !first(c, COURSE_BOT_ID, /^Day 2\./)).length,
    welcomes: rush.payers.filter((p) => !first(p.chatId, SALES_BOT_ID, WELCOME)).length,
    payerLessons: rush.payers.filter((p) => !first(p.chatId, COURSE_BOT_ID, /^Day 1\./)).length,
  });
  const deadline = Date.now() + timeoutMs;
  while (Object.values(missing()).some((n) => n > 0) && Date.now() < deadline) await sleep(250);
  await sleep(3_000); // anything sent twice would show up now
  const lost = missing();
  if (Object.values(lost).some((n) => n > 0)) log(`missing after ${timeoutMs / 1000} s: ${JSON.stringify(lost)}`);

  const count = (chatId: number, botId: number, match: RegExp) =>
    inbox.inChat(chatId).filter((m) => m.botId === botId && match.test(m.text ?? '')).length;
  const extra = (chats: number[], botId: number, match: RegExp) =>
    chats.reduce((n, c) => n + Math.max(0, count(c, botId, match) - 1), 0);
  const payerChats = rush.payers.map((p) => p.chatId);
  const duplicates = {
    lessons: extra(fanOutChats, COURSE_BOT_ID, /^Day 2\./) + extra(payerChats, COURSE_BOT_ID, /^Day 1\./),
    welcomes: extra(payerChats, SALES_BOT_ID, WELCOME),
    assignmentAcks: extra(rush.students, COURSE_BOT_ID, ACK),
  };

  const welcomes: Reply[] = rush.payers.flatMap((p) => {
    const m = first(p.chatId, SALES_BOT_ID, WELCOME);
    return m ? [{ chatId: p.chatId, requestedAt: p.requestedAt, arrivedAt: m.at }] : [];
  });
  const replied = (records: ActionRecord[]) =>
    records.flatMap((r) => (r.repliedAt === undefined ? [] : [{ ...r, arrivedAt: r.repliedAt }]));
  const starts = replied(rush.starts);
  const actions = replied(rush.actions);
  const floor = { perSecond: sizes.sendsPerSecond, burst: sizes.sendsPerSecond / 2, ...CHAT_LIMITS };
  // The sales bot's interactive messages are its /start replies and the welcomes: the floor takes both.
  const salesBeyond = beyondFloor([...starts, ...welcomes], floor);
  const courseBeyond = beyondFloor(actions, floor);
  const latency = (rs: Reply[]) => summary(rs.map((r) => r.arrivedAt - r.requestedAt));
  const byAction = (action: string) => actions.filter((a) => a.action === action);

  const lessons = lessonRate(stack, inbox, rush, sizes.sendsPerSecond);
  const calls = stack.telegram.calls().slice(rush.callsBefore);
  const telegram429s = (botId: number) => calls.filter((c) => c.botId === botId && c.status === 429).length;
  // The /start burst's replies take the sales bot's rate for several seconds: welcomes asked for meanwhile share it.
  const burstFrom = Math.min(...rush.starts.map((r) => r.requestedAt));
  const burstTo = Math.max(burstFrom, ...starts.map((r) => r.arrivedAt));
  const duringBurst = (r: Reply) => r.requestedAt >= burstFrom && r.requestedAt <= burstTo;
  const result = {
    paymentToWelcomeMs: latency(welcomes),
    paymentToWelcomeMsByWindow: {
      burstSeconds: round((burstTo - burstFrom) / 1000, 1),
      duringStartBurst: latency(welcomes.filter(duringBurst)),
      otherwise: latency(welcomes.filter((r) => !duringBurst(r))),
    },
    startReplyMs: latency(starts),
    courseReplyMs: latency(actions),
    courseReplyMsByAction: Object.fromEntries(
      ['lesson', 'progress', 'submit', 'answer', 'send'].map((a) => [a, latency(byAction(a))]),
    ),
    beyondFloorMs: {
      startReplies: summary(salesBeyond.slice(0, starts.length)),
      welcomes: summary(salesBeyond.slice(starts.length)),
      courseReplies: summary(courseBeyond),
    },
    lessons,
    telegram429s: { sales: telegram429s(SALES_BOT_ID), course: telegram429s(COURSE_BOT_ID) },
    duplicates,
    lost: {
      ...lost,
      startReplies: rush.starts.length - starts.length,
      studentReplies: rush.actions.length - actions.length,
    },
    studentsFinished: byAction('send').length,
  };
  // The figures the goals are about, one number each, for the on/off table and its ratios.
  const headline = {
    paymentToWelcomeP99Ms: result.paymentToWelcomeMs.p99,
    courseReplyP99Ms: result.courseReplyMs.p99,
    startReplyP99Ms: result.startReplyMs.p99,
    startBeyondFloorP99Ms: result.beyondFloorMs.startReplies.p99,
    courseBeyondFloorP99Ms: result.beyondFloorMs.courseReplies.p99,
    lessonShareOfLimit: result.lessons.shareOfLimit,
    sendShareOfLimit: result.lessons.sendShareOfLimit,
    lessonShareOfRateLeft: result.lessons.lessonShareOfRateLeft,
    telegram429s: result.telegram429s.sales + result.telegram429s.course,
    duplicates: Object.values(duplicates).reduce((n, v) => n + v, 0),
    lost: Object.values(result.lost).reduce((n, v) => n + v, 0),
  };
  return { headline, ...result };
}

/** The fan-out's lessons against the configured rate, over the span from its first lesson to its last. */
function lessonRate(stack: Stack, inbox: Inbox, rush: RushRecords, perSecond: number) {
  const arrivals: number[] = [];
  const lateness: number[] = [];
  for (const [chatId, due] of rush.dueAt) {
    const m = inbox.inChat(chatId).find((x) => x.botId === COURSE_BOT_ID && /^Day 2\./.test(x.text ?? ''));
    if (!m) continue;
    arrivals.push(m.at);
    lateness.push(m.at - due);
  }
  const from = Math.min(...arrivals);
  const to = Math.max(...arrivals);
  const seconds = (to - from) / 1000;
  // Every lesson the course bot sent meanwhile counts (a new payer's day 1 too), and so does every send of the bot.
  const inSpan = (m: SentMessage) => m.botId === COURSE_BOT_ID && m.at >= from && m.at <= to;
  const sends = stack.telegram.sent().filter(inSpan);
  const lessons = sends.filter((m) => /^Day \d+\./.test(m.text ?? '')).length;
  const dues = [...rush.dueAt.values()];
  return {
    fanOut: arrivals.length,
    dueSpreadSeconds: round((Math.max(...dues) - Math.min(...dues)) / 1000, 1),
    allDeliveredSeconds: round((to - rush.t0) / 1000, 1),
    fanOutPerSecond: round((arrivals.length - 1) / seconds, 1),
    lessonsPerSecond: round((lessons - 1) / seconds, 1),
    sendsPerSecond: round((sends.length - 1) / seconds, 1),
    configuredLimit: perSecond,
    shareOfLimit: round((lessons - 1) / seconds / perSecond, 3),
    // Every send of the bot over the span, lessons and answers alike: how much of the rate was used at all.
    sendShareOfLimit: round((sends.length - 1) / seconds / perSecond, 3),
    // The answers to students go first by design; the lessons' share of the rate the answers left them.
    lessonShareOfRateLeft: round((lessons - 1) / (perSecond * seconds - (sends.length - lessons)), 3),
    latenessMs: summary(lateness),
  };
}
