import type { Sql } from '../db';
import { auditAdminAction } from '../journey/admin-ops';
import type { AdminActor } from '../journey/admin-ops';
import { formatMoney } from '../locales';
import { PartnerInputError } from './partner-command';
import type { PartnerDraft } from './partner-command';
import { partnerFigures } from './partner-ledger';
import type { PartnerFigures } from './partner-ledger';

/** PARTNER_MIN_PAYOUT: the least amount paid out at once, in minor units per currency (a currency not named: any). */
export type MinimumPayout = Record<string, number>;

export interface PartnerRateLine {
  code: string;
  telegramId: number;
  courseSlug: string;
  tariff: string | null;
  percent: number;
}

/**
 * Partners without SQL (#18): what `/partner` in the review chat and `npm run admin -- partner` do, each change
 * written to admin_actions. A payout moves what is available to paid out, per currency, at most once at a time.
 */
export function createPartnerAdmin({ sql, minimumPayout = {} }: { sql: Sql; minimumPayout?: MinimumPayout }) {
  return {
    /** Registers the code (or finds it, for the same Telegram id) and sets its rate for the course and tariff. */
    async add(actor: AdminActor, draft: PartnerDraft): Promise<{ created: boolean; previousPercent: number | null }> {
      const [course]: [{ id: number }?] = await sql`select id from courses where slug = ${draft.courseSlug}`;
      if (!course) throw new PartnerInputError(`No course "${draft.courseSlug}".`);
      if (draft.tariff !== null) {
        const [sold] =
          await sql`select 1 from course_tariffs where course_id = ${course.id} and tariff = ${draft.tariff}`;
        if (!sold) throw new PartnerInputError(`${draft.courseSlug} does not sell ${draft.tariff}.`);
      }
      return sql.begin(async (tx) => {
        const inserted = await tx`
          insert into partners (code, telegram_id) values (${draft.code}, ${draft.telegramId})
          on conflict (code) do nothing returning id`;
        const [partner]: [{ id: number; telegramId: number }?] = await tx`
          select id, telegram_id from partners where code = ${draft.code} for update`;
        if (partner!.telegramId !== draft.telegramId) {
          throw new PartnerInputError(`The code ${draft.code} belongs to another partner (${partner!.telegramId}).`);
        }
        const [previous]: [{ percent: number }?] = await tx`
          select percent from partner_rates where partner_id = ${partner!.id} and course_id = ${course.id}
            and tariff is not distinct from ${draft.tariff}::tariff`;
        await tx`
          insert into partner_rates (partner_id, course_id, tariff, percent)
          values (${partner!.id}, ${course.id}, ${draft.tariff}, ${draft.percent})
          on conflict (partner_id, course_id, tariff)
          do update set percent = excluded.percent, updated_at = now()`;
        const result = { created: inserted.length > 0, previousPercent: previous?.percent ?? null };
        await auditAdminAction(tx, actor, 'add-partner', `partner:${draft.code}`, {
          ...draft,
          ...result,
        });
        return result;
      });
    },

    /** Every partner's rates, by code. */
    async list(): Promise<PartnerRateLine[]> {
      return sql<PartnerRateLine[]>`
        select pa.code, pa.telegram_id, c.slug as course_slug, r.tariff, r.percent
        from partners pa join partner_rates r on r.partner_id = pa.id join courses c on c.id = r.course_id
        order by pa.code, c.slug, r.tariff nulls first`;
    },

    /** Every partner's starts, sales and balances, for the payout report. */
    async report(): Promise<PartnerFigures[]> {
      const ids = await sql<{ id: number }[]>`select id from partners`;
      return partnerFigures(
        sql,
        ids.map((r) => r.id),
      );
    },

    /**
     * Marks the partner's available money paid, per currency that reaches the minimum; refused (nothing changes)
     * when none does. The partner's row lock makes two at once pay once; the rows paid are locked as they are read.
     */
    async markPaid(actor: AdminActor, code: string): Promise<{ paid: { currency: string; amountMinor: number }[] }> {
      return sql.begin(async (tx) => {
        const [partner]: [{ id: number }?] = await tx`select id from partners where code = ${code} for update`;
        if (!partner) throw new PartnerInputError(`There is no partner ${code}.`);
        const commissions = await tx<{ id: number; currency: string; amountMinor: number }[]>`
          select id, currency, amount_minor from commissions
          where partner_id = ${partner.id} and status = 'available' for update`;
        const adjustments = await tx<{ id: number; currency: string; amountMinor: number }[]>`
          select id, currency, amount_minor from commission_adjustments
          where partner_id = ${partner.id} and payout_id is null for update`;
        const due = new Map<string, number>();
        for (const row of [...commissions, ...adjustments]) {
          due.set(row.currency, (due.get(row.currency) ?? 0) + row.amountMinor);
        }
        const payable = [...due].filter(([currency, amount]) => amount > 0 && amount >= (minimumPayout[currency] ?? 0));
        if (payable.length === 0) {
          const have = [...due].map(([cur, amount]) => formatMoney(amount, cur)).join(', ') || 'nothing';
          const least = Object.entries(minimumPayout).map(([cur, amount]) => formatMoney(amount, cur));
          throw new PartnerInputError(
            `${code} has ${have} available: nothing to pay` +
              (least.length > 0 ? ` (the minimum payout is ${least.join(', ')}).` : '.'),
          );
        }
        const paid = [];
        for (const [currency, amountMinor] of payable) {
          const [payout] = await tx<{ id: number }[]>`
            insert into partner_payouts (partner_id, currency, amount_minor, admin_telegram_id)
            values (${partner.id}, ${currency}, ${amountMinor}, ${actor.telegramId}) returning id`;
          const ids = (rows: { id: number; currency: string }[]) =>
            rows.filter((r) => r.currency === currency).map((r) => r.id);
          await tx`update commissions set status = 'paid_out', payout_id = ${payout!.id} where id = any(${ids(commissions)})`;
          await tx`update commission_adjustments set payout_id = ${payout!.id} where id = any(${ids(adjustments)})`;
          paid.push({ currency, amountMinor });
        }
        await auditAdminAction(tx, actor, 'partner-paid', `partner:${code}`, { paid });
        return { paid };
      });
    },
  };
}

/** One line of `/partner list` and the CLI's list. */
export function describePartnerRate(r: PartnerRateLine): string {
  return `${r.code} · ${r.telegramId} · ${r.percent}% of ${r.courseSlug}${r.tariff ? ` ${r.tariff}` : ''}`;
}
