import { Composer, InputFile } from 'grammy';
import { AdminOpError } from '../../journey/admin-ops';
import { formatMoney } from '../../locales';
import { createPartnerAdmin, describePartnerRate } from '../../payments/partner-admin';
import { parsePartnerCommand } from '../../payments/partner-command';
import { partnerLink, payoutCsv } from '../../payments/partner-ledger';
import type { CourseContext } from './context';

/**
 * /partner in the review chat (#18): `add`, `list`, `report` (a CSV document) and `paid` over
 * payments/partner-admin.ts, the same operations as the CLI, audited. Mounted behind the allow-list like ./promo.
 */
export const partnerDesk = new Composer<CourseContext>();
export const PARTNER_COMMANDS = ['partner'];

partnerDesk.on('message').command('partner', async (ctx) => {
  const partners = createPartnerAdmin({ sql: ctx.deps.sql, minimumPayout: ctx.deps.settings.partnerMinPayout });
  const actor = { telegramId: ctx.from.id, via: 'review-chat' as const };
  try {
    const command = parsePartnerCommand(ctx.match.trim().split(/\s+/).filter(Boolean));
    if (command.action === 'add') {
      const { code, percent, courseSlug, tariff } = command.draft;
      const { previousPercent } = await partners.add(actor, command.draft);
      const was = previousPercent === null ? '' : ` (was ${previousPercent}%)`;
      const link = partnerLink(ctx.deps.settings.salesBot, code);
      return void (await ctx.reply(
        `🤝 ${code}: ${percent}% of ${courseSlug}${tariff ? ` ${tariff}` : ''}${was}. Link: ${link}`,
      ));
    }
    if (command.action === 'paid') {
      const { paid } = await partners.markPaid(actor, command.code);
      const amounts = paid.map((p) => formatMoney(p.amountMinor, p.currency)).join(', ');
      return void (await ctx.reply(`🤝 ${command.code}: ${amounts} marked paid out.`));
    }
    if (command.action === 'report') {
      const csv = payoutCsv(await partners.report());
      return void (await ctx.replyWithDocument(new InputFile(Buffer.from(csv), 'partner-payouts.csv')));
    }
    const rates = await partners.list();
    await ctx.reply(
      rates.length === 0 ? 'No partners yet.' : ['🤝 Partners:', ...rates.map(describePartnerRate)].join('\n'),
    );
  } catch (err) {
    if (err instanceof AdminOpError) return void (await ctx.reply(err.message));
    throw err;
  }
});
