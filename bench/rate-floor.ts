/** One interactive message of a bot: asked for (a user's update, a payment) at `requestedAt`, accepted at `arrivedAt`. */
export interface Reply {
  chatId: number;
  requestedAt: number;
  arrivedAt: number;
}

export interface FloorLimits {
  /** The bot's configured rate (TELEGRAM_SENDS_PER_SECOND) and how many may go at once after a quiet spell. */
  perSecond: number;
  burst: number;
  /** Each chat's: a burst, then a rate (TELEGRAM_CHAT_BURST, TELEGRAM_CHAT_SENDS_PER_SECOND). */
  chatBurst: number;
  chatPerSecond: number;
}

/** A token bucket: the earliest moment at or after `at` that it has a token, which it then spends. */
function bucket(capacity: number, perSecond: number) {
  const msPerToken = 1000 / perSecond;
  let tokens = capacity;
  let updatedAt = Number.NEGATIVE_INFINITY;
  return (at: number): number => {
    const now = Math.max(at, updatedAt);
    tokens = Math.min(capacity, tokens + (now - updatedAt) / msPerToken);
    const slot = tokens >= 1 ? now : now + (1 - tokens) * msPerToken;
    tokens = Math.min(capacity, tokens + (slot - now) / msPerToken) - 1;
    updatedAt = slot;
    return slot;
  };
}

/**
 * Each reply's latency beyond the rate floor, in the order of `replies`. The floor is an ideal bot that sent nothing
 * but these replies: each as soon as it was asked for, its chat's limit allowed and a slot of the bot's rate was
 * free, first come first served. The replies, in the order they arrived, each claim the earliest unclaimed slot of
 * that schedule at or after their own request; arrival minus that slot is what the bot added. So the queue the rate
 * forces is not counted, anything sent ahead of a waiting reply is, and answering out of order hides nothing.
 */
export function beyondFloor(replies: Reply[], limits: FloorLimits): number[] {
  const chats = new Map<number, (at: number) => number>();
  const ready = new Map<Reply, number>();
  for (const r of [...replies].sort((a, b) => a.requestedAt - b.requestedAt)) {
    let chat = chats.get(r.chatId);
    if (!chat) chats.set(r.chatId, (chat = bucket(limits.chatBurst, limits.chatPerSecond)));
    ready.set(r, chat(r.requestedAt));
  }
  const bot = bucket(limits.burst, limits.perSecond);
  const slots = [...ready.values()].sort((a, b) => a - b).map(bot);
  const claimed = slots.map(() => false);
  const beyond = new Map<Reply, number>();
  for (const r of [...replies].sort((a, b) => a.arrivedAt - b.arrivedAt)) {
    const from = ready.get(r)!;
    const i = claimed.findIndex((taken, j) => !taken && slots[j]! >= from);
    if (i >= 0) claimed[i] = true;
    beyond.set(r, r.arrivedAt - (i >= 0 ? slots[i]! : from));
  }
  return replies.map((r) => Math.round(beyond.get(r)!));
}
