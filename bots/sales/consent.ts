import { InlineKeyboard } from 'grammy';
import { encodeButton } from '../../telegram/callback-data';
import type { Tariff } from '../../domain/tariffs';
import type { BuyerContext, SalesBotDeps } from './context';
import { funnelStep } from './funnel';
import { upsertUser } from './users';

type ConsentDeps = Pick<SalesBotDeps, 'sql' | 'settings'>;

/**
 * The one consent check: has this user accepted the current version (TERMS_VERSION) of both the offer and the
 * privacy policy? Every step that makes an order or grants access asks it server-side (the Buy, pay and promo
 * buttons, a promo code or e-mail sent as a message, upgrades, checkout itself, the Stars pre-checkout), whatever
 * button or conversation led there.
 */
export async function hasConsented(deps: ConsentDeps, userId: number): Promise<boolean> {
  const rows = await deps.sql`
    select document from consents
    where user_id = ${userId} and version = ${deps.settings.termsVersion} and document in ('offer', 'privacy')`;
  return rows.length === 2;
}

/** The student pressed "I accept" under the current documents. */
export async function recordConsent(deps: ConsentDeps, userId: number): Promise<void> {
  const version = deps.settings.termsVersion;
  await deps.sql`
    insert into consents (user_id, document, version) values (${userId}, 'offer', ${version}), (${userId}, 'privacy', ${version})
    on conflict do nothing`;
}

/** True when the student has consented; otherwise asks for it (with "I accept" for this tariff) and returns false. */
export async function requireConsent(ctx: BuyerContext, slug: string, tariff: Tariff): Promise<boolean> {
  const user = await upsertUser(ctx.deps.sql, ctx.from);
  if (await hasConsented(ctx.deps, user.id)) {
    // Consent given earlier (another course, another tariff) counts for this course the first time it is checked.
    await funnelStep(ctx, slug, { step: 'consent', tariff });
    return true;
  }
  const { offerUrl, privacyUrl } = ctx.deps.settings;
  await ctx.reply(ctx.t.consent({ offerUrl, privacyUrl }), {
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
    reply_markup: new InlineKeyboard().text(ctx.t.accept(), encodeButton({ kind: 'accept-terms', slug, tariff })),
  });
  return false;
}
