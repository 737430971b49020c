import { Composer, InlineKeyboard } from 'grammy';
import type { Tariff } from '../../domain/tariffs';
import { formatMoney } from '../../locales';
import type { Quote } from '../../payments/orders';
import { CheckoutError } from '../../payments/pricing';
import { encodeButton } from '../../telegram/callback-data';
import { onButton } from '../buttons';
import { loadCourse, staleButton } from './catalog';
import { recordConsent, requireConsent } from './consent';
import type { BuyerContext, SalesContext } from './context';
import { funnelStep } from './funnel';
import { upsertUser } from './users';

/** Consent, promo codes, the payment method and the order: everything between "Buy" and the provider's page. */
export const checkout = new Composer<SalesContext>();

onButton(checkout, 'buy', async (ctx, { slug, tariff }) => {
  if (!(await isSold(ctx, slug, tariff))) return staleButton(ctx);
  await ctx.answerCallbackQuery();
  if (!(await requireConsent(ctx, slug, tariff))) return;
  await offerPayment(ctx, slug, tariff);
});

onButton(checkout, 'accept-terms', async (ctx, { slug, tariff }) => {
  if (!(await isSold(ctx, slug, tariff))) return staleButton(ctx);
  await ctx.answerCallbackQuery();
  const user = await upsertUser(ctx.deps.sql, ctx.from);
  await recordConsent(ctx.deps, user.id);
  await funnelStep(ctx, slug, { step: 'consent', tariff });
  await offerPayment(ctx, slug, tariff);
});

onButton(checkout, 'promo-code', async (ctx, { slug, tariff }) => {
  if (!(await isSold(ctx, slug, tariff))) return staleButton(ctx);
  await ctx.answerCallbackQuery();
  if (!(await requireConsent(ctx, slug, tariff))) return;
  ctx.session.awaiting = { kind: 'promo', slug, tariff };
  await ctx.reply(ctx.t.askPromo());
});

onButton(checkout, 'pay', async (ctx, { slug, tariff, provider: providerName }) => {
  const provider = ctx.deps.providers.find((p) => p.name === providerName);
  if (!provider || !(await isSold(ctx, slug, tariff))) return staleButton(ctx);
  await ctx.answerCallbackQuery();
  if (!(await requireConsent(ctx, slug, tariff))) return;
  const user = await upsertUser(ctx.deps.sql, ctx.from);
  if (ctx.deps.settings.emailRequiredBy.includes(provider.name) && !user.email) {
    ctx.session.awaiting = { kind: 'email', slug, tariff, provider: provider.name };
    return void (await ctx.reply(ctx.t.askEmail()));
  }
  await startCheckout(ctx, slug, tariff, provider.name);
});

/** The answer to "Promo code" (see ./answers.ts): a code that applies, or why it does not. */
export const promoAnswer = new Composer<SalesContext>();
promoAnswer.on('message:text', async (ctx) => {
  const awaiting = ctx.session.awaiting;
  if (awaiting?.kind !== 'promo') return;
  ctx.session.awaiting = undefined;
  if (!(await requireConsent(ctx, awaiting.slug, awaiting.tariff))) return;
  const code = ctx.message.text.trim().toUpperCase();
  const quote = await quoteOrExplain(ctx, awaiting.slug, awaiting.tariff, { promoCode: code });
  if (!quote) return;
  ctx.session.promo = { slug: awaiting.slug, code };
  await ctx.reply(ctx.t.promoApplied({ code }));
  await offerPayment(ctx, awaiting.slug, awaiting.tariff);
});

/** The receipt e-mail a provider needs (see ./answers.ts): checkout goes on with it, or the question comes again. */
export const emailAnswer = new Composer<SalesContext>();
emailAnswer.on('message:text', async (ctx) => {
  const awaiting = ctx.session.awaiting;
  if (awaiting?.kind !== 'email') return;
  const email = ctx.message.text.trim();
  if (!/^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,63}$/.test(email)) return void (await ctx.reply(ctx.t.badEmail()));
  ctx.session.awaiting = undefined;
  if (!(await requireConsent(ctx, awaiting.slug, awaiting.tariff))) return;
  await ctx.deps.sql`update users set email = ${email} where telegram_id = ${ctx.from.id}`;
  await startCheckout(ctx, awaiting.slug, awaiting.tariff, awaiting.provider);
});

/** Only the course this bot sells (SALES_COURSE, else the first imported one), whatever a forged button names. */
async function isSold(ctx: SalesContext, slug: string, tariff: Tariff): Promise<boolean> {
  const course = await loadCourse(ctx);
  return course?.slug === slug && course.tariffs.some((t) => t.tariff === tariff);
}

/** The price for this student now (promo, upgrade), or a polite refusal and undefined. */
async function quoteOrExplain(
  ctx: BuyerContext,
  slug: string,
  tariff: Tariff,
  extra: { promoCode?: string; stars?: boolean } = {},
): Promise<Quote | undefined> {
  const user = await upsertUser(ctx.deps.sql, ctx.from);
  try {
    return await ctx.deps.orders.quote({ userId: user.id, courseSlug: slug, tariff, ...extra });
  } catch (err) {
    if (!(err instanceof CheckoutError)) throw err;
    await ctx.reply(ctx.t.checkoutProblem[err.problem] ?? err.message);
    return undefined;
  }
}

function promoFor(ctx: SalesContext, slug: string): string | undefined {
  return ctx.session.promo?.slug === slug ? ctx.session.promo.code : undefined;
}

/** Price and payment methods; a 100% promo code grants access at once, with no payment at all. */
async function offerPayment(ctx: BuyerContext, slug: string, tariff: Tariff): Promise<void> {
  const quote = await quoteOrExplain(ctx, slug, tariff, { promoCode: promoFor(ctx, slug) });
  if (!quote) return;
  if (quote.amountMinor === 0) return startCheckout(ctx, slug, tariff, 'promo');
  const note = quote.upgradeFrom
    ? ctx.t.upgradeNote({ from: quote.upgradeFrom })
    : quote.promo
      ? ctx.t.promoNote({ code: quote.promo.code, listPrice: formatMoney(quote.listPriceMinor, quote.currency) })
      : '';
  const keyboard = new InlineKeyboard();
  for (const provider of ctx.deps.providers) {
    keyboard
      .text(
        ctx.t.provider[provider.name] ?? provider.name,
        encodeButton({ kind: 'pay', slug, tariff, provider: provider.name }),
      )
      .row();
  }
  if (!quote.upgradeFrom && !quote.promo)
    keyboard.text(ctx.t.havePromo(), encodeButton({ kind: 'promo-code', slug, tariff }));
  await ctx.reply(ctx.t.choosePayment({ price: formatMoney(quote.amountMinor, quote.currency), note }), {
    parse_mode: 'HTML',
    reply_markup: keyboard,
  });
}

/**
 * Creates the order at today's price (claiming its promo code) and hands the student to the provider (a page, or a
 * Telegram invoice). Every order is made here, so consent is checked here too, whichever step led here.
 */
async function startCheckout(ctx: BuyerContext, slug: string, tariff: Tariff, providerName: string): Promise<void> {
  if (!(await requireConsent(ctx, slug, tariff))) return;
  const stars = providerName === 'stars';
  const quote = await quoteOrExplain(ctx, slug, tariff, { promoCode: stars ? undefined : promoFor(ctx, slug), stars });
  if (!quote) return;
  const user = await upsertUser(ctx.deps.sql, ctx.from);
  const free = quote.amountMinor === 0;
  let order;
  try {
    order = await ctx.deps.orders.create({
      userId: user.id,
      courseSlug: slug,
      quote,
      provider: free ? 'promo' : providerName,
      email: user.email ?? undefined,
    });
  } catch (err) {
    // Someone else took the code's last use (or it expired) between the quote and the order.
    if (!(err instanceof CheckoutError)) throw err;
    return void (await ctx.reply(ctx.t.checkoutProblem[err.problem] ?? err.message));
  }
  await funnelStep(ctx, slug, { step: 'checkout', tariff, promoCode: quote.promo?.code ?? null });
  if (free) {
    await ctx.reply(ctx.t.freeAccess());
    ctx.session.promo = undefined;
    const event = {
      providerPaymentId: `promo:${order.publicId}`,
      orderPublicId: order.publicId,
      amountMinor: 0,
      currency: order.currency,
    };
    await ctx.deps.completion.succeeded('promo', { type: 'succeeded', ...event, raw: { promo: quote.promo?.code } });
    return;
  }
  const provider = ctx.deps.providers.find((p) => p.name === providerName)!;
  const next = await provider.createCheckout(order);
  const price = formatMoney(order.amountMinor, order.currency);
  if (next.kind === 'invoice') {
    // Telegram allows an invoice title of 1-32 characters.
    const title = order.description.length <= 32 ? order.description : `${order.description.slice(0, 31)}…`;
    await ctx.replyWithInvoice(title, ctx.t.payLink(), order.publicId, 'XTR', [
      { label: title, amount: order.amountMinor },
    ]);
  } else {
    await ctx.reply(ctx.t.payLink(), { reply_markup: new InlineKeyboard().url(ctx.t.payButton({ price }), next.url) });
  }
}
