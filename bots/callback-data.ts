import type { Tariff } from '../lib/enrollment-definitions';

/**
 * Inline-button data of both bots: the pattern each handler registers, and a parser that reads it into typed fields.
 * The data comes back from the client and can be forged, so anything that does not match a pattern exactly runs no
 * handler at all, and a parser returns undefined rather than half of it.
 */

/** Buttons about one tariff of a course: `t` shows it, `b` buys it, `ok` accepts the terms, `pr` asks for a promo code. */
export type TariffAction = 't' | 'b' | 'ok' | 'pr';
/** Buttons about one lesson day: `lesson` sends it again, `sub` opens a submission, `ask` asks a curator. */
export type DayAction = 'lesson' | 'sub' | 'ask';

export interface TariffButton {
  slug: string;
  tariff: Tariff;
}

// One literal per button, so each reads as the data it accepts (and mutation testing varies each).
/** `<action>:<course>:<tariff>`. */
export const tariffButtonPattern: Record<TariffAction, RegExp> = {
  t: /^t:([a-z0-9-]{1,63}):(BASIC|FEEDBACK|PREMIUM)$/,
  b: /^b:([a-z0-9-]{1,63}):(BASIC|FEEDBACK|PREMIUM)$/,
  ok: /^ok:([a-z0-9-]{1,63}):(BASIC|FEEDBACK|PREMIUM)$/,
  pr: /^pr:([a-z0-9-]{1,63}):(BASIC|FEEDBACK|PREMIUM)$/,
};
/** `<action>:<course>:<day>`. */
export const dayButtonPattern: Record<DayAction, RegExp> = {
  lesson: /^lesson:([a-z0-9-]{1,63}):(\d{1,4})$/,
  sub: /^sub:([a-z0-9-]{1,63}):(\d{1,4})$/,
  ask: /^ask:([a-z0-9-]{1,63}):(\d{1,4})$/,
};
/** `c:<course>`: back to the course card. */
export const courseButtonPattern = /^c:([a-z0-9-]{1,63})$/;
/** `p:<course>:<tariff>:<provider>`: pay with this provider. */
export const paymentButtonPattern = /^p:([a-z0-9-]{1,63}):(BASIC|FEEDBACK|PREMIUM):([a-z]{2,20})$/;
/** `sched:<course>:<HH:MM>|now`: the lesson-time buttons under the welcome message. */
export const scheduleButtonPattern = /^sched:([a-z0-9-]{1,63}):(now|(?:[01]\d|2[0-3]):[0-5]\d)$/;
/** `rv:ok|redo:<assignment id>`: a reviewer's verdict. */
export const reviewButtonPattern = /^rv:(ok|redo):(\d{1,12})$/;

export function parseTariffButton(action: TariffAction, data: string): TariffButton | undefined {
  const match = tariffButtonPattern[action].exec(data);
  return match ? { slug: match[1]!, tariff: match[2] as Tariff } : undefined;
}

export function parseDayButton(action: DayAction, data: string): { slug: string; day: number } | undefined {
  const match = dayButtonPattern[action].exec(data);
  return match ? { slug: match[1]!, day: Number(match[2]) } : undefined;
}

export function parsePaymentButton(data: string): (TariffButton & { provider: string }) | undefined {
  const match = paymentButtonPattern.exec(data);
  return match ? { slug: match[1]!, tariff: match[2] as Tariff, provider: match[3]! } : undefined;
}

/** `preferredLessonTime` is null for "now" (keep the rhythm of the start time). */
export function parseScheduleButton(data: string): { slug: string; preferredLessonTime: string | null } | undefined {
  const match = scheduleButtonPattern.exec(data);
  return match ? { slug: match[1]!, preferredLessonTime: match[2] === 'now' ? null : match[2]! } : undefined;
}

export function parseReviewButton(
  data: string,
): { assignmentId: number; verdict: 'approved' | 'changes-requested' } | undefined {
  const match = reviewButtonPattern.exec(data);
  if (!match) return undefined;
  return { assignmentId: Number(match[2]), verdict: match[1] === 'ok' ? 'approved' : 'changes-requested' };
}
