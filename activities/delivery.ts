import { ApplicationFailure } from '@temporalio/activity';
import type { Api } from 'grammy';
import type { Sql } from '../db';
import type { FeedbackInput, MessagePart, PaymentReceived, Tariff } from '../lib/enrollment-definitions';
import type { LessonPart, LessonTasks } from '../lib/lesson-content';
import { escapeHtml, formatMoney, messagesFor } from '../locales';
import { NotFoundError } from './errors';
import { renderLesson } from './lesson-render';
import type { OutgoingPart } from './lesson-render';
import { sendOnce } from './send-once';
import { callTelegram } from './telegram';
import type { TelegramBots } from './telegram';

export interface DeliveryDeps {
  sql: Sql;
  telegram: TelegramBots;
  /** Review chat for FEEDBACK/PREMIUM assignments. */
  adminChatId?: number;
  /** How long a group invite link stays valid. */
  inviteTtlMs?: number;
}

interface Recipient {
  chatId: number;
  firstName: string;
  languageCode: string | null;
  courseId: number;
  courseTitle: string;
  defaultLanguage: string;
  protectContent: boolean;
}

/**
 * Activities that talk to the student (and the review chat). Every message goes through sendOnce with a key
 * derived from business ids, so retries and re-runs of a step never send the same message twice.
 */
export function createDelivery({ sql, telegram, adminChatId, inviteTtlMs = 7 * 24 * 3600_000 }: DeliveryDeps) {
  async function recipient(enrollmentId: number): Promise<Recipient & { t: ReturnType<typeof messagesFor> }> {
    const [row]: [Recipient?] = await sql`
      select u.telegram_id as chat_id, u.first_name, u.language_code, c.id as course_id, c.title as course_title,
             c.default_language, c.protect_content
      from enrollments e join users u on u.id = e.user_id join courses c on c.id = e.course_id
      where e.id = ${enrollmentId}`;
    if (!row) throw new NotFoundError(`Enrollment ${enrollmentId} does not exist`);
    return { ...row, t: messagesFor(row.languageCode, row.defaultLanguage) };
  }

  const text = (api: Api, chatId: number, key: string, body: string, protect = false) =>
    sendOnce(sql, key, chatId, async () => {
      const m = await callTelegram(() =>
        api.sendMessage(chatId, body, { parse_mode: 'HTML', protect_content: protect }),
      );
      return [m.message_id];
    });

  return {
    /** Records access, welcomes the student and sends a one-person invite for each of the tariff's groups. */
    async grantAccess(input: { enrollmentId: number; tariff: Tariff }): Promise<void> {
      const r = await recipient(input.enrollmentId);
      await sql`update enrollments set tariff = ${input.tariff}, access_granted_at = coalesce(access_granted_at, now())
                where id = ${input.enrollmentId}`;
      await text(
        telegram.sales,
        r.chatId,
        `welcome:${input.enrollmentId}`,
        r.t.welcome({ course: escapeHtml(r.courseTitle), tariff: input.tariff }),
      );
      const [groups]: [{ groupChatIds: number[] }?] = await sql`
        select group_chat_ids from course_tariffs where course_id = ${r.courseId} and tariff = ${input.tariff}`;
      for (const groupId of groups?.groupChatIds ?? []) {
        await sendOnce(sql, `invite:${input.enrollmentId}:${groupId}`, r.chatId, async () => {
          const invite = await callTelegram(() =>
            telegram.sales.createChatInviteLink(groupId, {
              member_limit: 1,
              expire_date: Math.floor((Date.now() + inviteTtlMs) / 1000),
              name: `enrollment ${input.enrollmentId}`,
            }),
          );
          const m = await callTelegram(() =>
            telegram.sales.sendMessage(r.chatId, r.t.groupInvite({ link: invite.invite_link })),
          );
          return [m.message_id];
        });
      }
    },

    /** Tells the student a payment did not cover the tariff (amount, currency, or a tariff not sold). */
    async notifyUnderpaid(input: {
      enrollmentId: number;
      payment: PaymentReceived;
      price: { priceMinor: number; currency: string } | null;
    }) {
      const r = await recipient(input.enrollmentId);
      const p = input.payment;
      const body = r.t.underpaid({
        paid: formatMoney(p.amountMinor, p.currency),
        price: input.price ? formatMoney(input.price.priceMinor, input.price.currency) : '—',
      });
      await text(telegram.sales, r.chatId, `underpaid:${p.provider}:${p.providerPaymentId}`, body);
    },

    /** Sends lesson `day` once: each message has its own key, and the delivery row marks the lesson done. */
    async deliverLesson(input: { enrollmentId: number; day: number; tariff: Tariff }): Promise<void> {
      const [done] =
        await sql`select 1 from lesson_deliveries where enrollment_id = ${input.enrollmentId} and day = ${input.day}`;
      if (done) return;
      const r = await recipient(input.enrollmentId);
      const [lesson]: [{ title: string; parts: LessonPart[]; tasks: LessonTasks }?] = await sql`
        select title, parts, tasks from lessons where course_id = ${r.courseId} and day = ${input.day}`;
      if (!lesson) throw new NotFoundError(`Lesson ${input.day} is missing from course ${r.courseId}`);
      const parts = renderLesson({ day: input.day, ...lesson }, input.tariff, r.t);
      const messageIds: number[] = [];
      for (const [i, part] of parts.entries()) {
        const key = `lesson:${input.enrollmentId}:${input.day}:${i}`;
        messageIds.push(
          ...(await sendOnce(sql, key, r.chatId, () => sendPart(telegram.course, r.chatId, part, r.protectContent))),
        );
      }
      await sql.begin(async (tx) => {
        await tx`insert into lesson_deliveries (enrollment_id, day, message_ids) values (${input.enrollmentId}, ${input.day}, ${messageIds})
                 on conflict (enrollment_id, day) do nothing`;
        await tx`update enrollments set current_day = greatest(current_day, ${input.day}) where id = ${input.enrollmentId}`;
      });
    },

    /** BASIC gets the automatic answer, reviewed tariffs hear that a curator will answer. */
    async acknowledgeAssignment(input: { enrollmentId: number; assignmentId: number; tariff: Tariff }) {
      const r = await recipient(input.enrollmentId);
      const basic = input.tariff === 'BASIC';
      await text(
        telegram.course,
        r.chatId,
        `assignment-ack:${input.assignmentId}`,
        basic ? r.t.assignmentAutoAnswer() : r.t.assignmentQueued(),
      );
      if (basic) await sql`update assignments set status = 'auto-answered' where id = ${input.assignmentId}`;
    },

    /** Posts the assignment to the review chat; admins reply to the header message. */
    async routeAssignment(input: { enrollmentId: number; assignmentId: number; tariff: Tariff }) {
      if (adminChatId === undefined) {
        throw ApplicationFailure.nonRetryable(
          'ADMIN_CHAT_ID is not set: the assignment waits in the review queue',
          'ReviewChatNotConfigured',
        );
      }
      const r = await recipient(input.enrollmentId);
      const [a]: [{ day: number; parts: MessagePart[] }?] =
        await sql`select day, parts from assignments where id = ${input.assignmentId}`;
      if (!a) throw new NotFoundError(`Assignment ${input.assignmentId} does not exist`);
      const header = r.t.reviewRequest({
        assignmentId: input.assignmentId,
        day: a.day,
        tariff: input.tariff,
        student: escapeHtml(r.firstName),
      });
      const [headerId] = await text(telegram.course, adminChatId, `review:${input.assignmentId}:header`, header);
      for (const [i, part] of a.parts.entries()) {
        await sendOnce(sql, `review:${input.assignmentId}:${i}`, adminChatId, () =>
          sendPart(telegram.course, adminChatId, fromMessagePart(part)),
        );
      }
      await sql`update assignments set status = 'awaiting-review', routed_at = coalesce(routed_at, now()),
                review_chat_id = ${adminChatId}, review_message_id = ${headerId ?? null} where id = ${input.assignmentId}`;
    },

    /** Stores the reviewer's answer and delivers it to the student. */
    async deliverFeedback(input: { enrollmentId: number; assignmentId: number; feedback: FeedbackInput }) {
      const r = await recipient(input.enrollmentId);
      const [a]: [{ day: number }?] = await sql`
        update assignments set status = 'answered', feedback = ${sql.json(input.feedback.parts as never)},
               reviewer_telegram_id = ${input.feedback.reviewerTelegramId}, reviewed_at = coalesce(reviewed_at, now())
        where id = ${input.assignmentId} and enrollment_id = ${input.enrollmentId} returning day`;
      if (!a)
        throw new NotFoundError(`Assignment ${input.assignmentId} is not part of enrollment ${input.enrollmentId}`);
      await text(
        telegram.course,
        r.chatId,
        `feedback:${input.assignmentId}:header`,
        r.t.feedbackHeader({ day: a.day }),
      );
      for (const [i, part] of input.feedback.parts.entries()) {
        await sendOnce(sql, `feedback:${input.assignmentId}:${i}`, r.chatId, () =>
          sendPart(telegram.course, r.chatId, fromMessagePart(part)),
        );
      }
      await sql`update assignments set feedback_delivered_at = coalesce(feedback_delivered_at, now()) where id = ${input.assignmentId}`;
    },

    async sendCompletion(input: { enrollmentId: number }) {
      const r = await recipient(input.enrollmentId);
      await text(
        telegram.course,
        r.chatId,
        `completion:${input.enrollmentId}`,
        r.t.completion({ course: escapeHtml(r.courseTitle) }),
      );
    },
  };
}

function fromMessagePart(part: MessagePart): OutgoingPart {
  if (part.type === 'text') return { kind: 'text', text: escapeHtml(part.text) };
  return { kind: part.type, media: part.fileId, ...(part.caption ? { caption: part.caption } : {}) };
}

async function sendPart(api: Api, chatId: number, part: OutgoingPart, protect = false): Promise<number[]> {
  const common = { protect_content: protect };
  const caption = part.kind !== 'text' && part.caption ? { caption: part.caption } : {};
  const message = await callTelegram<{ message_id: number }>(() => {
    switch (part.kind) {
      case 'text':
        return api.sendMessage(chatId, part.text, { ...common, parse_mode: 'HTML' });
      case 'photo':
        return api.sendPhoto(chatId, part.media, { ...common, ...caption });
      case 'video':
        return api.sendVideo(chatId, part.media, { ...common, ...caption });
      case 'document':
        return api.sendDocument(chatId, part.media, { ...common, ...caption });
      case 'voice':
        return api.sendVoice(chatId, part.media, { ...common, ...caption });
      case 'audio':
        return api.sendAudio(chatId, part.media, { ...common, ...caption });
    }
  });
  return [message.message_id];
}
