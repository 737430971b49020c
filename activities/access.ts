import type { Sql } from '../db';
import type { PaymentReceived } from '../journey/definitions';
import type { Tariff } from '../domain/tariffs';
import { escapeHtml, formatMoney } from '../locales';
import { callTelegram } from '../telegram/call';
import { inlineButton } from '../telegram/callback-data';
import { sendKey } from '../telegram/send-keys';
import { activityFunnel } from '../analytics/activity-funnel';
import { BotBlockedError } from './errors';
import { settleJourneyPriority } from './journey-priority';
import { recipientOf, sendTextOnce } from './recipient';
import type { Recipient } from './recipient';
import type { TelegramBots } from './telegram';

export interface AccessDeps {
  sql: Sql;
  telegram: TelegramBots;
  /** How long a group invite link stays valid. */
  inviteTtlMs?: number;
}

/** Lesson times offered after payment; the student may also type any HH:MM. */
export const LESSON_TIME_CHOICES = ['07:00', '09:00', '12:00', '19:00'];

/**
 * What the sales bot does for a journey: access (welcome, onboarding, one-person group invites), upgrades, and the
 * end of access after a refund. Each message is sent once per business key; each invite link is created once per
 * (enrollment, group) and remembered in group_invites, so a retry never leaves a stray working link behind.
 */
export function createAccess({ sql, telegram, inviteTtlMs = 7 * 24 * 3600_000 }: AccessDeps) {
  const funnel = activityFunnel(sql);
  async function inviteToGroups(r: Recipient, enrollmentId: number, tariff: Tariff): Promise<void> {
    const [groups]: [{ groupChatIds: number[] }?] = await sql`
      select group_chat_ids from course_tariffs where course_id = ${r.courseId} and tariff = ${tariff}`;
    for (const chatId of groups?.groupChatIds ?? []) {
      const [existing]: [{ inviteLink: string }?] = await sql`
        select invite_link from group_invites where enrollment_id = ${enrollmentId} and chat_id = ${chatId}`;
      let link = existing?.inviteLink;
      if (!link) {
        const invite = await callTelegram(() =>
          telegram.sales.createChatInviteLink(chatId, {
            member_limit: 1,
            expire_date: Math.floor((Date.now() + inviteTtlMs) / 1000),
            name: `enrollment ${enrollmentId}`,
          }),
        );
        link = invite.invite_link;
        await sql`insert into group_invites (enrollment_id, chat_id, invite_link) values (${enrollmentId}, ${chatId}, ${link})`;
      }
      await sendTextOnce(sql, telegram.sales, {
        key: sendKey.groupInvite(enrollmentId, chatId),
        chatId: r.chatId,
        html: r.t.groupInvite({ link: escapeHtml(link) }),
      });
    }
  }

  return {
    /** Records access, welcomes the student (with lesson-time buttons when the course onboards) and invites to groups. */
    async grantAccess(input: { enrollmentId: number; tariff: Tariff; journeyPriority?: number }): Promise<void> {
      const r = await recipientOf(sql, input.enrollmentId);
      const [course]: [{ onboardingWaitMs: number }?] = await sql`
        update enrollments e set tariff = ${input.tariff}, access_granted_at = coalesce(access_granted_at, now())
        from courses c where e.id = ${input.enrollmentId} and c.id = e.course_id
        returning c.onboarding_wait_ms`;
      await funnel.forEnrollment(input.enrollmentId, { step: 'access', tariff: input.tariff });
      const onboardingWaitMs = course?.onboardingWaitMs ?? 0;
      const onboarding = onboardingWaitMs > 0;
      // Says what the journey will do: with onboarding, lesson 1 waits for the time choice (or the wait's end).
      const next = onboarding
        ? `\n\n${r.t.chooseLessonTime({ minutes: Math.max(1, Math.round(onboardingWaitMs / 60_000)) })}`
        : `\n${r.t.firstLessonNow()}`;
      await sendTextOnce(sql, telegram.sales, {
        key: sendKey.welcome(input.enrollmentId),
        chatId: r.chatId,
        html: r.t.welcome({ course: escapeHtml(r.courseTitle), tariff: input.tariff }) + next,
        ...(onboarding
          ? {
              replyMarkup: {
                inline_keyboard: [
                  LESSON_TIME_CHOICES.map((time) =>
                    inlineButton(time, { kind: 'lesson-time', slug: r.courseSlug, time }),
                  ),
                  [inlineButton(r.t.startNow(), { kind: 'lesson-time', slug: r.courseSlug, time: null })],
                ],
              },
            }
          : {}),
      });
      await inviteToGroups(r, input.enrollmentId, input.tariff);
      await settleJourneyPriority(input.journeyPriority);
    },

    /** A paid upgrade: the new tariff is recorded, the student hears it, and gets the new tariff's groups. */
    async grantUpgrade(input: { enrollmentId: number; tariff: Tariff }): Promise<void> {
      const r = await recipientOf(sql, input.enrollmentId);
      await sql`update enrollments set tariff = ${input.tariff} where id = ${input.enrollmentId}`;
      await sendTextOnce(sql, telegram.sales, {
        key: sendKey.upgrade(input.enrollmentId, input.tariff),
        chatId: r.chatId,
        html: r.t.upgraded({ tariff: input.tariff }),
      });
      await inviteToGroups(r, input.enrollmentId, input.tariff);
    },

    /** Tells the student a payment did not cover the price (amount, currency, or a tariff not sold). */
    async notifyUnderpaid(input: {
      enrollmentId: number;
      payment: PaymentReceived;
      price: { priceMinor: number; currency: string } | null;
    }) {
      const r = await recipientOf(sql, input.enrollmentId);
      const p = input.payment;
      const html = r.t.underpaid({
        paid: formatMoney(p.amountMinor, p.currency),
        price: input.price ? formatMoney(input.price.priceMinor, input.price.currency) : '—',
      });
      await sendTextOnce(sql, telegram.sales, {
        key: sendKey.underpaid(p.provider, p.providerPaymentId),
        chatId: r.chatId,
        html,
      });
    },

    /**
     * After a refund: unused invite links are revoked, the student leaves every group of the course (ban, then unban,
     * so a later purchase lets them back in), and hears that access ended, unless they blocked the bot.
     */
    async revokeAccess(input: { enrollmentId: number }): Promise<void> {
      const r = await recipientOf(sql, input.enrollmentId);
      const invites = await sql<{ chatId: number; inviteLink: string; revokedAt: Date | null }[]>`
        select chat_id, invite_link, revoked_at from group_invites where enrollment_id = ${input.enrollmentId}`;
      for (const invite of invites.filter((i) => i.revokedAt === null)) {
        await callTelegram(() => telegram.sales.revokeChatInviteLink(invite.chatId, invite.inviteLink));
        await sql`update group_invites set revoked_at = now() where invite_link = ${invite.inviteLink}`;
      }
      const groups = await sql<{ chatId: number }[]>`
        select distinct unnest(group_chat_ids) as chat_id from course_tariffs where course_id = ${r.courseId}`;
      for (const { chatId } of groups) {
        await callTelegram(() => telegram.sales.banChatMember(chatId, r.chatId));
        await callTelegram(() => telegram.sales.unbanChatMember(chatId, r.chatId, { only_if_banned: true }));
      }
      try {
        await sendTextOnce(sql, telegram.sales, {
          key: sendKey.accessEnded(input.enrollmentId),
          chatId: r.chatId,
          html: r.t.accessEnded(),
        });
      } catch (err) {
        if (!(err instanceof BotBlockedError)) throw err;
      }
    },
  };
}
