import type { SalesMessages } from './en';

/** Русские тексты бота продаж. */
export const salesRu: SalesMessages = {
  courseCard: (p) => `<b>${p.title}</b>\n\n${p.description}\n\nВыберите тариф:`,
  tariffButton: (p) => `${p.title} · ${p.price}`,
  tariffCard: (p) => `<b>${p.title}</b> · ${p.price}\n\n${p.includes.map((line) => `• ${line}`).join('\n')}`,
  buy: () => `Купить`,
  back: () => `« Назад`,
  consent: (p) =>
    `Перед первой оплатой прочитайте и примите <a href="${p.offerUrl}">публичную оферту</a> и <a href="${p.privacyUrl}">политику конфиденциальности</a>.`,
  accept: () => `Принимаю`,
  choosePayment: (p) => `К оплате: <b>${p.price}</b>${p.note}\nКак удобнее оплатить?`,
  promoNote: (p) => ` (промокод ${p.code}, вместо ${p.listPrice})`,
  upgradeNote: (p) => ` (переход с ${p.from}: вы доплачиваете разницу)`,
  havePromo: () => `🏷 У меня есть промокод`,
  askPromo: () => `Отправьте промокод сообщением.`,
  promoApplied: (p) => `Промокод ${p.code} применён.`,
  askEmail: () => `Этот способ оплаты присылает чек на e-mail. Пожалуйста, отправьте ваш адрес.`,
  badEmail: () => `Похоже, это не e-mail. Попробуйте ещё раз.`,
  payButton: (p) => `Оплатить ${p.price}`,
  payLink: () => `Нажмите кнопку, чтобы оплатить. Доступ откроется здесь сразу после оплаты.`,
  provider: { mock: 'Карта (тест)', stars: 'Telegram Stars ⭐', stripe: 'Карта (Stripe)', yookassa: 'Карта (ЮKassa)' },
  freeAccess: () => `🎁 Промокод покрывает всю стоимость: платить ничего не нужно.`,
  checkoutProblem: {
    'unknown-course': 'Этот курс больше не продаётся.',
    'tariff-not-sold': 'Этот тариф больше не продаётся (или не этим способом оплаты).',
    'promo-unknown': 'Такого промокода нет.',
    'promo-expired': 'Срок действия промокода истёк.',
    'promo-used-up': 'Промокод уже использован.',
    'promo-other-currency': 'Этот промокод для другой валюты.',
    'already-enrolled': 'Вы уже прошли этот курс.',
    'refunded-before': 'Этот курс вам уже возвращали; чтобы купить снова, напишите в /support.',
    'not-an-upgrade': 'У вас уже есть этот тариф (или лучше).',
  },
  stale: () => `Эта кнопка устарела. Вот актуальное меню.`,
  orderNotFound: () => `Заказ не найден. Начните заново: /start.`,
  paymentNotAccepted: () => `Этот платёж больше нельзя принять. Начните заново: /start.`,
  talkToHuman: () => `💬 Написать человеку`,
  askQuestion: () => `Напишите вопрос одним сообщением — человек из команды ответит здесь.`,
  questionSent: () => `Спасибо! Вопрос передан команде.`,
  answerFromTeam: () => `💬 Ответ команды:`,
  help: () =>
    `/start – курс и тарифы\n/support – написать человеку\n/timezone – часовой пояс\n/terms – оферта и политика конфиденциальности\n/paysupport – помощь с оплатой`,
  unknownCommand: () => `Я не знаю такой команды.`,
  terms: (p) =>
    `📄 <a href="${p.offerUrl}">Публичная оферта</a>\n🔒 <a href="${p.privacyUrl}">Политика конфиденциальности</a>`,
  paySupport: (p) =>
    `Проблема с оплатой или возвратом? Напишите ${p.contact} или воспользуйтесь /support и укажите время платежа. Возврат приходит на исходный способ оплаты.`,
  askTimeZone: (p) => `Отправьте часовой пояс в виде Регион/Город, например ${p.suggestion}.`,
  badTimeZone: () => `Не знаю такого часового пояса. Используйте вид Регион/Город, например Europe/Moscow.`,
  timeZoneSet: (p) => `🌍 Часовой пояс: ${p.timeZone}.`,
  alreadyScheduled: () => `Время уроков сохранено.`,
};
