import { Composer } from 'grammy';
import { describeBalances, partnerFigures, partnerLink } from '../../payments/partner-ledger';
import type { SalesContext } from './context';

/**
 * /partner (#18) in a private chat: a registered partner (by Telegram id) sees, per code, their link, starts, paid
 * sales and held / available / paid-out money. Anyone else is told, politely, that they are not a partner.
 */
export const partnerView = new Composer<SalesContext>();

partnerView.chatType('private').command('partner', async (ctx) => {
  const { sql } = ctx.deps;
  const mine = await sql<{ id: number }[]>`select id from partners where telegram_id = ${ctx.from.id} order by code`;
  if (mine.length === 0) {
    return void (await ctx.reply(
      'You are not registered as a partner. If you would like to recommend our courses, write to us via /support.',
    ));
  }
  const ids = mine.map((m) => m.id);
  const rates = await sql<{ partnerId: number; slug: string; tariff: string | null; percent: number }[]>`
    select r.partner_id, c.slug, r.tariff, r.percent from partner_rates r join courses c on c.id = r.course_id
    where r.partner_id = any(${ids}) order by c.slug, r.tariff nulls first`;
  const blocks = (await partnerFigures(sql, ids)).map((f) =>
    [
      `🤝 Partner ${f.code}`,
      `Your link: ${partnerLink(ctx.me.username, f.code)}`,
      `Commission: ${rates
        .filter((r) => r.partnerId === f.id)
        .map((r) => `${r.percent}% of ${r.slug}${r.tariff ? ` ${r.tariff}` : ''}`)
        .join(', ')}`,
      `Starts: ${f.starts} · paid sales: ${f.paidSales}`,
      ...(f.balances.length > 0 ? describeBalances(f.balances) : ['No commissions yet.']),
    ].join('\n'),
  );
  await ctx.reply(
    [...blocks, 'A commission is held for the course’s refund window, then becomes available for payout.'].join('\n\n'),
  );
});
