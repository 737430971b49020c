import type { Sql } from '../db';
import type { Tariff } from '../domain/tariffs';
import { formatMoney } from '../locales';
import { auditAdminAction } from '../journey/admin-ops';
import type { AdminActor } from '../journey/admin-ops';
import { PromoInputError } from './promo-command';
import type { PromoDraft } from './promo-command';

export interface PromoSummary {
  code: string;
  percentOff: number | null;
  amountOffMinor: number | null;
  currency: string | null;
  courseSlug: string | null;
  tariff: Tariff | null;
  /** The partner the code's sales go to (#18), or null. */
  partnerCode: string | null;
  /** Claims of pending and paid orders (see payments/order-claims.ts). */
  uses: number;
  maxUses: number | null;
  expiresAt: Date | null;
  status: 'active' | 'off' | 'expired' | 'used up';
}

/**
 * Promo codes without SQL (#18): what `/promo` in the review chat and `npm run admin -- promo` do, each change written
 * to admin_actions. A code is switched off, never deleted: orders that used it keep it, and checkout refuses it.
 */
export function createPromoAdmin({ sql }: { sql: Sql }) {
  return {
    /** Adds a code; a code in use, an unknown course or tariff, or a currency nobody sells in is refused. */
    async add(actor: AdminActor, draft: PromoDraft): Promise<PromoDraft> {
      let courseId: number | null = null;
      if (draft.courseSlug !== null) {
        const [course]: [{ id: number }?] = await sql`select id from courses where slug = ${draft.courseSlug}`;
        if (!course) throw new PromoInputError(`No course "${draft.courseSlug}".`);
        courseId = course.id;
      }
      const sold = await sql<{ tariff: Tariff; currency: string }[]>`
        select tariff, currency from course_tariffs
        where (${courseId}::bigint is null or course_id = ${courseId}) and (${draft.tariff}::tariff is null or tariff = ${draft.tariff})`;
      const where = `${draft.tariff ?? 'any tariff'}${draft.courseSlug ? ` of ${draft.courseSlug}` : ''}`;
      if (sold.length === 0) throw new PromoInputError(`Nothing is sold as ${where}.`);
      if (draft.currency !== null && !sold.some((s) => s.currency === draft.currency)) {
        const currencies = [...new Set(sold.map((s) => s.currency))].join(', ');
        throw new PromoInputError(`${where} is sold in ${currencies}, not ${draft.currency}.`);
      }
      let partnerId: number | null = null;
      if (draft.partnerCode !== undefined) {
        const [partner]: [{ id: number }?] = await sql`select id from partners where code = ${draft.partnerCode}`;
        if (!partner) throw new PromoInputError(`There is no partner ${draft.partnerCode} (see /partner add).`);
        partnerId = partner.id;
      }
      const added = await sql`
        insert into promo_codes (code, course_id, tariff, percent_off, amount_off_minor, currency, max_uses, expires_at,
                                 partner_id)
        values (${draft.code}, ${courseId}, ${draft.tariff}, ${draft.percentOff}, ${draft.amountOffMinor},
                ${draft.currency}, ${draft.maxUses}, ${expiresAt(draft.until)}, ${partnerId})
        on conflict (code) do nothing returning id`;
      if (added.length === 0) throw new PromoInputError(`The code ${draft.code} exists already.`);
      await auditAdminAction(sql, actor, 'add-promo', `promo:${draft.code}`, { ...draft });
      return draft;
    },

    /** Every code, newest first, with its claims, limit, expiry and whether checkout takes it now. */
    async list(): Promise<PromoSummary[]> {
      return sql<PromoSummary[]>`
        select p.code, p.percent_off, p.amount_off_minor, p.currency, c.slug as course_slug, p.tariff, p.uses,
               p.max_uses, p.expires_at, pa.code as partner_code,
               case when p.disabled_at is not null then 'off'
                    when p.expires_at <= now() then 'expired'
                    when p.max_uses is not null and p.uses >= p.max_uses then 'used up'
                    else 'active' end as status
        from promo_codes p left join courses c on c.id = p.course_id left join partners pa on pa.id = p.partner_id
        order by p.created_at desc, p.id desc`;
    },

    /** Switches a code off for every checkout from now; orders made with it are left as they are. */
    async off(actor: AdminActor, code: string): Promise<{ code: string; uses: number }> {
      const [row]: [{ uses: number }?] = await sql`
        update promo_codes set disabled_at = now() where code = ${code} and disabled_at is null returning uses`;
      if (!row) {
        const [known] = await sql`select 1 from promo_codes where code = ${code}`;
        throw new PromoInputError(known ? `The code ${code} is off already.` : `There is no code ${code}.`);
      }
      await auditAdminAction(sql, actor, 'disable-promo', `promo:${code}`, { uses: row.uses });
      return { code, uses: row.uses };
    },
  };
}

/** One line of `/promo list` and the CLI's list. */
export function describePromo(p: PromoSummary): string {
  const off = p.percentOff !== null ? `${p.percentOff}%` : formatMoney(p.amountOffMinor!, p.currency!);
  const scope = [p.courseSlug, p.tariff].filter(Boolean).join(' ') || 'every course';
  const until = p.expiresAt ? `until ${new Date(p.expiresAt.getTime() - 1).toISOString().slice(0, 10)}` : 'no expiry';
  const partner = p.partnerCode ? ` · partner ${p.partnerCode}` : '';
  return `${p.code} · ${off} off · ${scope} · ${p.uses}/${p.maxUses ?? '∞'} used · ${until} · ${p.status}${partner}`;
}

/** A code runs through its --until day (UTC): it expires when the next day begins. */
function expiresAt(until: string | null): Date | null {
  return until === null ? null : new Date(Date.parse(`${until}T00:00:00Z`) + 86_400_000);
}
