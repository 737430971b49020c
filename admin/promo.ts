import type { AdminActor } from '../journey/admin-ops';
import { formatMoney } from '../locales';
import { createPromoAdmin, describePromo } from '../payments/promo-admin';
import { parsePromoCommand } from '../payments/promo-command';
import type { AdminCliDeps } from './cli';

/** `npm run admin -- promo add|list|off` (#18): /promo of the review chat, audited with via 'cli'. */
export async function promoCli(words: string[], deps: AdminCliDeps, actor: AdminActor): Promise<void> {
  const promos = createPromoAdmin(deps);
  const command = parsePromoCommand(words, new Date().toISOString().slice(0, 10));
  if (command.action === 'add') {
    const d = await promos.add(actor, command.draft);
    const off = d.percentOff !== null ? `${d.percentOff}%` : formatMoney(d.amountOffMinor!, d.currency!);
    return deps.out(`${d.code} added: ${off} off`);
  }
  if (command.action === 'off') {
    const { code, uses } = await promos.off(actor, command.code);
    return deps.out(`${code} is off (${uses} use(s) stay as they are)`);
  }
  const codes = await promos.list();
  deps.out(codes.length === 0 ? 'No promo codes.' : codes.map(describePromo).join('\n'));
}
