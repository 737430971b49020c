import type { AdminActor } from '../journey/admin-ops';
import { formatMoney } from '../locales';
import { createPartnerAdmin, describePartnerRate } from '../payments/partner-admin';
import { parsePartnerCommand } from '../payments/partner-command';
import { payoutCsv } from '../payments/partner-ledger';
import type { AdminCliDeps } from './cli';

/** `npm run admin -- partner add|list|report|paid` (#18): /partner of the review chat, audited with via 'cli'. */
export async function partnerCli(words: string[], deps: AdminCliDeps, actor: AdminActor): Promise<void> {
  const partners = createPartnerAdmin({ sql: deps.sql, minimumPayout: deps.partnerMinPayout });
  const command = parsePartnerCommand(words);
  if (command.action === 'add') {
    const { code, percent, courseSlug, tariff } = command.draft;
    const { previousPercent } = await partners.add(actor, command.draft);
    const was = previousPercent === null ? '' : ` (was ${previousPercent}%)`;
    return deps.out(`${code}: ${percent}% of ${courseSlug}${tariff ? ` ${tariff}` : ''}${was}`);
  }
  if (command.action === 'paid') {
    const { paid } = await partners.markPaid(actor, command.code);
    return deps.out(`${command.code}: ${paid.map((p) => formatMoney(p.amountMinor, p.currency)).join(', ')} paid out`);
  }
  if (command.action === 'report') return deps.out(payoutCsv(await partners.report()).trimEnd());
  const rates = await partners.list();
  deps.out(rates.length === 0 ? 'No partners.' : rates.map(describePartnerRate).join('\n'));
}
