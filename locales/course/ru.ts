import type { CourseMessages } from './en';

/** Русские тексты бота курса. */
export const courseRu: CourseMessages = {
  help: () =>
    `/lesson – сегодняшний урок ещё раз\n/lessons – все полученные уроки\n/progress – день, тариф и задания\n/time ЧЧ:ММ, /timezone Регион/Город – когда приходят уроки\n/pause, /resume – перерыв\n/help – эта справка\n\nЧтобы сдать задание, нажмите «Сдать задание» под ним.`,
  notEnrolled: (p) => `У вас пока нет курса. Выберите и оплатите его в ${p.salesBot}, затем возвращайтесь.`,
  noLessonYet: () => `Первый урок ещё не пришёл.`,
  notDelivered: () => `Этот урок ещё не пришёл.`,
  chooseLesson: () => `Ваши уроки:`,
  lessonButton: (p) => `День ${p.day}. ${p.title}`,
  progress: (p) => `<b>${p.course}</b>\nДень ${p.day} из ${p.total} · ${p.tariff} · ${p.stage}${p.next}`,
  nextLesson: (p) => `\nСледующий урок: ${p.when}`,
  assignmentLine: (p) => `\n• День ${p.day}: ${p.status}`,
  status: {
    submitted: 'отправлено',
    'awaiting-review': 'ждёт проверки',
    'auto-answered': 'принято',
    answered: 'проверено',
    'changes-requested': 'нужна доработка',
  },
  startSubmission: (p) =>
    `Отправьте задание дня ${p.day}: текст, фото, видео, документы или голосовые, одним или несколькими сообщениями. Когда всё готово, нажмите «Отправить».`,
  received: (p) => `Получено частей: ${p.count}. Добавьте ещё или отправьте:`,
  send: () => `📤 Отправить`,
  cancel: () => `Отмена`,
  submitted: () => `📤 Отправлено. Ответ придёт сюда.`,
  cancelled: () => `Отменено, ничего не отправлено.`,
  emptySubmission: () => `Пока нечего отправлять: сначала добавьте работу.`,
  unsupported: () => `Такое сообщение нельзя сдать как задание. Отправьте текст, фото, видео, документ или голосовое.`,
  noSubmissionOpen: () => `Чтобы сдать задание, нажмите «Сдать задание» под ним.`,
  badTime: () => `Отправьте время как /time ЧЧ:ММ (24 часа), например /time 08:30, или /time off.`,
  badTimeZone: () => `Отправьте часовой пояс как /timezone Регион/Город, например /timezone Europe/Moscow.`,
  noFixedTime: () => `время начала курса`,
  scheduleSaved: (p) => `⏰ Уроки будут приходить в ${p.time} (${p.timeZone}), начиная со следующего.`,
  paused: () => `⏸ Курс на паузе. Когда будете готовы — /resume; ни один урок не пропадёт.`,
  resumed: (p) => `▶️ С возвращением! День ${p.day} придёт по новому расписанию.`,
  onlyReviewers: () => `Отвечать на задания могут только проверяющие; ничего не изменилось.`,
  feedbackSent: (p) => `✅ Ответ на #${p.id} отправлен студенту.`,
  feedbackRefused: (p) => `⚠️ Не отправлено (#${p.id}): ${p.reason}`,
  queueEmpty: () => `Заданий в очереди нет. 🎉`,
  queueLine: (p) => `#${p.id} · ${p.tariff} · день ${p.day} · ${p.student} · ждёт ${p.age}`,
};
