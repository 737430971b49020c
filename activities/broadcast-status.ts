import type { Api } from 'grammy';
import type { Sql } from '../db';
import { audienceOf, countAudience } from '../journey/broadcast-audience';
import { callTelegram } from '../telegram/call';
import { inlineButton } from '../telegram/callback-data';
import { sendKey } from '../telegram/send-keys';
import { NotFoundError, TelegramBadRequestError } from './errors';
import { sendTextOnce } from './recipient';

export type BroadcastState = 'running' | 'paused' | 'cancelled' | 'finished';

interface Progress {
  total: number;
  sent: number;
  failed: number;
  blocked: number;
  startedAt: Date;
  statusMessageId: number | null;
}

/**
 * The first step of a broadcast: marks it running, counts its recipients once and posts the status message to the
 * review chat (once: a retry finds the message by its key). Returns nothing personal.
 */
export async function openBroadcast(sql: Sql, api: Api, adminChatId: number | undefined, broadcastId: number) {
  const audience = await audienceOf(sql, broadcastId);
  if (!audience) throw new NotFoundError(`Broadcast ${broadcastId} does not exist`);
  const total = await countAudience(sql, audience);
  await sql`
    update broadcasts set status = 'running', started_at = coalesce(started_at, now()),
           recipients_total = coalesce(recipients_total, ${total})
    where id = ${broadcastId}`;
  if (adminChatId === undefined) return;
  const [messageId] = await sendTextOnce(sql, api, {
    key: sendKey.broadcastStatus(broadcastId),
    chatId: adminChatId,
    html: statusText(broadcastId, 'running', await progressOf(sql, broadcastId)),
    replyMarkup: controls(broadcastId, 'running'),
  });
  await sql`update broadcasts set status_message_id = ${messageId ?? null} where id = ${broadcastId}`;
}

/**
 * Shows where the broadcast is by editing its status message (sent / failed / blocked / ETA, with the buttons that
 * apply), and records its state; a final state also posts the report, once.
 */
export async function showBroadcast(
  sql: Sql,
  api: Api,
  adminChatId: number | undefined,
  input: { broadcastId: number; state: BroadcastState },
) {
  const { broadcastId, state } = input;
  const final = state === 'cancelled' || state === 'finished';
  await sql`
    update broadcasts set status = ${state}, finished_at = ${final ? sql`coalesce(finished_at, now())` : null}
    where id = ${broadcastId}`;
  if (adminChatId === undefined) return;
  const progress = await progressOf(sql, broadcastId);
  if (progress.statusMessageId !== null) {
    const text = statusText(broadcastId, state, progress);
    const markup = controls(broadcastId, state);
    await callTelegram(() =>
      api.editMessageText(adminChatId, progress.statusMessageId!, text, {
        parse_mode: 'HTML',
        ...(markup ? { reply_markup: markup } : {}),
      }),
    ).catch((err: unknown) => {
      // Nothing changed since the last edit, or the message was deleted: the report below still says it all.
      if (!(err instanceof TelegramBadRequestError)) throw err;
    });
  }
  if (!final) return;
  const left = progress.total - progress.sent - progress.failed - progress.blocked;
  await sendTextOnce(sql, api, {
    key: sendKey.broadcastReport(broadcastId),
    chatId: adminChatId,
    html: [
      `📣 Broadcast #${broadcastId} ${state === 'finished' ? 'finished' : 'was cancelled'}.`,
      `Sent: ${progress.sent} · failed: ${progress.failed} · blocked the bot: ${progress.blocked}` +
        (state === 'cancelled' ? ` · not sent: ${Math.max(left, 0)}` : ''),
    ].join('\n'),
  });
}

async function progressOf(sql: Sql, broadcastId: number): Promise<Progress> {
  const [row]: [Progress?] = await sql`
    select coalesce(b.recipients_total, 0) as total, coalesce(b.started_at, now()) as started_at,
           b.status_message_id,
           count(d.user_id) filter (where d.outcome = 'sent')::int as sent,
           count(d.user_id) filter (where d.outcome = 'failed')::int as failed,
           count(d.user_id) filter (where d.outcome = 'blocked')::int as blocked
    from broadcasts b left join broadcast_deliveries d on d.broadcast_id = b.id
    where b.id = ${broadcastId} group by b.id`;
  if (!row) throw new NotFoundError(`Broadcast ${broadcastId} does not exist`);
  return row;
}

const HEADINGS: Record<BroadcastState, string> = {
  running: 'sending',
  paused: '⏸ paused',
  cancelled: '✖️ cancelled',
  finished: '✅ finished',
};

function statusText(broadcastId: number, state: BroadcastState, p: Progress): string {
  const done = p.sent + p.failed + p.blocked;
  const lines = [
    `📣 Broadcast #${broadcastId}: ${HEADINGS[state]}`,
    `Sent ${p.sent} · failed ${p.failed} · blocked ${p.blocked} · of ${p.total}`,
  ];
  if (state === 'running') lines.push(`ETA: ${eta(done, p.total, Date.now() - p.startedAt.getTime())}`);
  return lines.join('\n');
}

function eta(done: number, total: number, elapsedMs: number): string {
  if (done >= total) return 'any moment';
  if (done === 0 || elapsedMs <= 0) return 'working it out';
  const seconds = Math.ceil(((total - done) * elapsedMs) / done / 1000);
  return seconds < 120 ? `about ${seconds} s` : `about ${Math.ceil(seconds / 60)} min`;
}

function controls(broadcastId: number, state: BroadcastState) {
  if (state === 'cancelled' || state === 'finished') return undefined;
  const toggle =
    state === 'paused'
      ? inlineButton('▶️ Resume', { kind: 'broadcast-control', broadcastId, action: 'resume' })
      : inlineButton('⏸ Pause', { kind: 'broadcast-control', broadcastId, action: 'pause' });
  return {
    inline_keyboard: [
      [toggle, inlineButton('✖️ Cancel', { kind: 'broadcast-control', broadcastId, action: 'cancel' })],
    ],
  };
}
