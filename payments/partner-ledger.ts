import type { Sql, TransactionSql } from '../db';
import { formatMoney } from '../locales';

/** One currency of a partner's money (#18), in minor units: held for refunds, available to pay, already paid out. */
export interface PartnerBalance {
  currency: string;
  heldMinor: number;
  /** Available commissions less refunds after their hold (negative adjustments) not yet settled by a payout. */
  availableMinor: number;
  paidOutMinor: number;
}

export interface PartnerFigures {
  id: number;
  code: string;
  telegramId: number;
  /** Students whose first /start link was this partner's. */
  starts: number;
  /** Commissioned payments not refunded (upgrades count as sales of their own). */
  paidSales: number;
  balances: PartnerBalance[];
}

/** A partner's starts, sales and balances per currency: what /partner shows them and the payout report lists. */
export async function partnerFigures(sql: Sql | TransactionSql, partnerIds: number[]): Promise<PartnerFigures[]> {
  const partners = await sql<Omit<PartnerFigures, 'balances'>[]>`
    select pa.id, pa.code, pa.telegram_id,
           (select count(*)::int from referrals r where upper(r.partner_id) = pa.code) as starts,
           (select count(*)::int from commissions c join payments p on p.id = c.payment_id
            where c.partner_id = pa.id and p.status = 'accepted') as paid_sales
    from partners pa where pa.id = any(${partnerIds}) order by pa.code`;
  const balances = await sql<(PartnerBalance & { partnerId: number })[]>`
    select partner_id, currency, sum(held)::bigint as held_minor, sum(available)::bigint as available_minor,
           sum(paid)::bigint as paid_out_minor
    from (
      select partner_id, currency, case when status = 'held' then amount_minor else 0 end as held,
             case when status = 'available' then amount_minor else 0 end as available, 0 as paid
      from commissions where partner_id = any(${partnerIds}) and status <> 'clawed_back'
      union all
      select partner_id, currency, 0, amount_minor, 0 from commission_adjustments
      where partner_id = any(${partnerIds}) and payout_id is null
      union all
      select partner_id, currency, 0, 0, amount_minor from partner_payouts where partner_id = any(${partnerIds})
    ) money group by partner_id, currency order by currency`;
  return partners.map((p) => ({
    ...p,
    balances: balances.filter((b) => b.partnerId === p.id).map(({ partnerId: _, ...b }) => b),
  }));
}

/** `t.me/<sales bot>?start=<code>`; `salesBot` is "@name" (or a description when the username is not configured). */
export function partnerLink(salesBot: string, code: string): string {
  const name = /^@?(\w{5,32})$/.exec(salesBot)?.[1] ?? '<sales bot>';
  return `t.me/${name}?start=${code}`;
}

/** "12.50 USD held · 3.00 USD available · 0.00 USD paid out" per currency, one line each. */
export function describeBalances(balances: PartnerBalance[]): string[] {
  return balances.map(
    (b) =>
      `${formatMoney(b.heldMinor, b.currency)} held · ${formatMoney(b.availableMinor, b.currency)} available · ` +
      `${formatMoney(b.paidOutMinor, b.currency)} paid out`,
  );
}

/** The payout report: one row per partner and currency (a partner without money yet has one empty row). */
export function payoutCsv(figures: PartnerFigures[]): string {
  const rows = [['code', 'telegram_id', 'starts', 'paid_sales', 'currency', 'held', 'available', 'paid_out']];
  for (const f of figures) {
    const money = f.balances.length > 0 ? f.balances : [undefined];
    for (const b of money) {
      const amount = (minor: number) => (b ? formatMoney(minor, b.currency).split(' ')[0]! : '');
      rows.push([
        f.code,
        String(f.telegramId),
        String(f.starts),
        String(f.paidSales),
        b?.currency ?? '',
        amount(b?.heldMinor ?? 0),
        amount(b?.availableMinor ?? 0),
        amount(b?.paidOutMinor ?? 0),
      ]);
    }
  }
  return rows.map((r) => r.join(',')).join('\n') + '\n';
}
