/** Payment methods by provider name (any string: a provider missing here shows its own name). */
const providerNames: Record<string, string> = {
  mock: 'Card (test)',
  stars: 'Telegram Stars ⭐',
  stripe: 'Card (Stripe)',
  yookassa: 'Card (YooKassa)',
};

/** The sales bot's English texts (Telegram HTML: escape user-provided values before interpolating). */
export const salesEn = {
  courseCard: (p: { title: string; description: string }) =>
    `<b>${p.title}</b>\n\n${p.description}\n\nChoose a tariff:`,
  tariffButton: (p: { title: string; price: string }) => `${p.title} · ${p.price}`,
  tariffCard: (p: { title: string; price: string; includes: string[] }) =>
    `<b>${p.title}</b> · ${p.price}\n\n${p.includes.map((line) => `• ${line}`).join('\n')}`,
  buy: () => `Buy`,
  back: () => `« Back`,
  consent: (p: { offerUrl: string; privacyUrl: string }) =>
    `Before the first payment, please read and accept the <a href="${p.offerUrl}">public offer</a> and the <a href="${p.privacyUrl}">privacy policy</a>.`,
  accept: () => `I accept`,
  choosePayment: (p: { price: string; note: string }) =>
    `To pay: <b>${p.price}</b>${p.note}\nHow would you like to pay?`,
  promoNote: (p: { code: string; listPrice: string }) => ` (code ${p.code}, instead of ${p.listPrice})`,
  upgradeNote: (p: { from: string }) => ` (upgrade from ${p.from}: you pay the difference)`,
  havePromo: () => `🏷 I have a promo code`,
  askPromo: () => `Send the promo code as a message.`,
  promoApplied: (p: { code: string }) => `Promo code ${p.code} applied.`,
  askEmail: () => `This payment method sends a receipt by e-mail. Please send your e-mail address.`,
  badEmail: () => `That doesn't look like an e-mail address. Please try again.`,
  payButton: (p: { price: string }) => `Pay ${p.price}`,
  payLink: () => `Tap the button to pay. Access opens here as soon as the payment goes through.`,
  provider: providerNames,
  freeAccess: () => `🎁 Your promo code covers the whole price: no payment needed.`,
  checkoutProblem: {
    'unknown-course': 'This course is no longer sold.',
    'tariff-not-sold': 'This tariff is not sold any more (or not for this payment method).',
    'promo-unknown': 'There is no such promo code.',
    'promo-expired': 'This promo code has expired.',
    'promo-used-up': 'This promo code has been used up.',
    'promo-other-currency': 'This promo code is for another currency.',
    'promo-other-tariff': 'This promo code is for another tariff.',
    'already-enrolled': 'You have already taken this course.',
    'refunded-before': 'This course was refunded to you before; please write to /support to buy it again.',
    'not-an-upgrade': 'You already have this tariff (or a richer one).',
  },
  stale: () => `This button is out of date. Here is the current menu.`,
  orderNotFound: () => `We couldn't find that order. Please start again with /start.`,
  paymentNotAccepted: () => `This payment can't be accepted any more. Please start again with /start.`,
  talkToHuman: () => `💬 Talk to a human`,
  askQuestion: () => `Write your question in one message; a person from our team will answer here.`,
  questionSent: () => `Thanks! Your question was sent to the team.`,
  answerFromTeam: () => `💬 Answer from the team:`,
  suspended: () => `Your access is suspended. Please contact the course team.`,
  help: () =>
    `/start – the course and tariffs\n/support – talk to a human\n/timezone – set your time zone\n/terms – offer and privacy policy\n/paysupport – help with a payment\n/mydata – everything we hold about you\n/forget – erase your personal data\n/verify CODE – check a certificate`,
  unknownCommand: () => `I don't know that command.`,
  terms: (p: { offerUrl: string; privacyUrl: string }) =>
    `📄 <a href="${p.offerUrl}">Public offer</a>\n🔒 <a href="${p.privacyUrl}">Privacy policy</a>`,
  paySupport: (p: { contact: string }) =>
    `Trouble with a payment or a refund? Write to ${p.contact}, or use /support, and include the time of the payment. Refunds go back to the original payment method.`,
  askTimeZone: (p: { suggestion: string }) => `Send your time zone as Area/City, for example ${p.suggestion}.`,
  badTimeZone: () => `I don't know that time zone. Use the Area/City form, for example Europe/Berlin.`,
  timeZoneSet: (p: { timeZone: string }) => `🌍 Time zone set to ${p.timeZone}.`,
  alreadyScheduled: () => `Your lesson time is set.`,
  onlyReviewers: () => `Only reviewers (REVIEWER_IDS) can do this here; nothing was changed.`,
  failed: () => `Something went wrong on our side. Please try again in a minute.`,
  // Data rights (/mydata, /forget).
  myData: () => `📦 Everything the course platform holds about you, as a JSON file. /forget erases it.`,
  noData: () => `We hold no personal data about you.`,
  /** /verify (#17): what anyone learns about a certificate code, and nothing more. */
  certificateValid: (p: { code: string; initials: string; course: string; issuedOn: string }) =>
    `✅ Certificate ${p.code} is genuine: ${p.initials} completed “${p.course}” (issued ${p.issuedOn}).`,
  certificateUnknown: () => `❌ No certificate has this code. Check it and try again.`,
  certificateMalformed: () =>
    `A certificate code has 12 letters and digits, like /verify ABCD-EFGH-JKMN (dashes and case do not matter).`,
  forgetConfirm: () =>
    `Erase your personal data?\n\n• Erased: your profile, e-mail, submissions and feedback, questions, lesson progress, certificates (their codes stop verifying), referral and what the bots were waiting for from you.\n• Kept, because accounting law requires it: your orders and payments (amounts, dates, the payment provider's ids) and the consents you gave, under a number that no longer leads to you.\n• Your courses end and you leave their groups. <b>This is not a refund</b>: for one, write to /support first.\n\nThis cannot be undone. The button works for 10 minutes.`,
  forgetYes: () => `🗑 Yes, erase my data`,
  forgetStale: () => `This confirmation is out of date or not yours; nothing was erased. Send /forget again.`,
  forgotten: () =>
    `Done: your personal data is erased and your courses have ended. If you write again, you start here as a new student.`,
};

export type SalesMessages = typeof salesEn;
