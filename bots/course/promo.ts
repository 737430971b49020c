import { Composer } from 'grammy';
import { AdminOpError } from '../../journey/admin-ops';
import { formatMoney } from '../../locales';
import { describePromo, createPromoAdmin } from '../../payments/promo-admin';
import { parsePromoCommand } from '../../payments/promo-command';
import type { CourseContext } from './context';

/**
 * /promo in the review chat (#18): `add`, `list` and `off` over payments/promo-admin.ts, the same operations as the
 * CLI, audited. Mounted behind the allow-list like ./admin; a mistake is answered and changes nothing.
 */
export const promoDesk = new Composer<CourseContext>();
export const PROMO_COMMANDS = ['promo'];

promoDesk.on('message').command('promo', async (ctx) => {
  const promos = createPromoAdmin(ctx.deps);
  const actor = { telegramId: ctx.from.id, via: 'review-chat' as const };
  try {
    const command = parsePromoCommand(ctx.match.trim().split(/\s+/).filter(Boolean), today());
    if (command.action === 'add') {
      const d = await promos.add(actor, command.draft);
      const off = d.percentOff !== null ? `${d.percentOff}%` : formatMoney(d.amountOffMinor!, d.currency!);
      return void (await ctx.reply(`🏷 ${d.code} added: ${off} off.`));
    }
    if (command.action === 'off') {
      const { code, uses } = await promos.off(actor, command.code);
      return void (await ctx.reply(`🏷 ${code} is off: checkout refuses it now (${uses} use(s) stay as they are).`));
    }
    const codes = await promos.list();
    await ctx.reply(
      codes.length === 0 ? 'No promo codes yet.' : ['🏷 Promo codes:', ...codes.map(describePromo)].join('\n'),
    );
  } catch (err) {
    if (err instanceof AdminOpError) return void (await ctx.reply(err.message));
    throw err;
  }
});

const today = () => new Date().toISOString().slice(0, 10);
