/** The course bot's English texts (Telegram HTML: escape user-provided values before interpolating). */
export const courseEn = {
  suspended: () => `Your access is suspended. Please contact the course team.`,
  help: () =>
    `/lesson – today's lesson again\n/lessons – every lesson you have received\n/progress – your day, tariff and assignments\n/time HH:MM, /timezone Area/City – when lessons arrive\n/pause, /resume – take a break\n/reminders – how often to remind you of homework\n/name Your Name – the name on your certificate\n/help – this list\n\nTo hand in an assignment, press “Submit assignment” under it.`,
  notEnrolled: (p: { salesBot: string }) =>
    `You have no course here yet. Choose one and pay in ${p.salesBot}, then come back.`,
  noLessonYet: () => `Your first lesson has not arrived yet.`,
  notDelivered: () => `That lesson has not arrived yet.`,
  chooseLesson: () => `Your lessons:`,
  lessonButton: (p: { day: number; title: string }) => `Day ${p.day}. ${p.title}`,
  progress: (p: { course: string; day: number; total: number; tariff: string; stage: string; next: string }) =>
    `<b>${p.course}</b>\nDay ${p.day} of ${p.total} · ${p.tariff} · ${p.stage}${p.next}`,
  nextLesson: (p: { when: string }) => `\nNext lesson: ${p.when}`,
  /** The next lesson waits at a gate (#17): what the student still has to do for it. */
  waitingAtGate: {
    submitted: (p: { day: number }) => `\n🔒 The next lesson comes once you hand in your day ${p.day} assignment.`,
    approved: (p: { day: number }) =>
      `\n🔒 The next lesson comes once your curator approves your day ${p.day} assignment.`,
    quiz: (p: { day: number }) => `\n🔒 The next lesson comes once you pass the day ${p.day} quiz.`,
  },
  /** Lesson quizzes (#17): scores in /progress, and the answer to a finished attempt. */
  quiz: {
    score: (p: { day: number; correct: number; total: number; passed: boolean }) =>
      `\n• Quiz day ${p.day}: ${p.correct}/${p.total} ${p.passed ? '✅' : '❌'}`,
    unfinished: (p: { day: number; answered: number; total: number }) =>
      `\n• Quiz day ${p.day}: ${p.answered} of ${p.total} answered`,
    exhausted: (p: { day: number }) =>
      `\n🔒 No attempts left at the day ${p.day} quiz: your curator can open the next lesson for you.`,
    passed: (p: { day: number; correct: number; total: number }) =>
      `✅ Day ${p.day} quiz: ${p.correct}/${p.total}. Passed!`,
    scored: (p: { day: number; correct: number; total: number }) => `🧩 Day ${p.day} quiz: ${p.correct}/${p.total}.`,
    retake: (p: { day: number; correct: number; total: number; passMark: number; hours: number }) =>
      `❌ Day ${p.day} quiz: ${p.correct}/${p.total}; ${p.passMark} open the next lesson. You can retake it in ${p.hours} h: it comes here.`,
    failed: (p: { day: number; correct: number; total: number; passMark: number }) =>
      `❌ Day ${p.day} quiz: ${p.correct}/${p.total}; ${p.passMark} were needed and no attempts are left. Your curator can open the next lesson for you.`,
  },
  /** The cohort the student is in (#17); `started` once its day 1 has come for them. */
  cohortLine: (p: { name: string; startsOn: string; started: boolean }) =>
    p.started ? `\n👥 Cohort ${p.name}, started on ${p.startsOn}` : `\n👥 Cohort ${p.name}: day 1 on ${p.startsOn}`,
  assignmentLine: (p: { day: number; status: string }) => `\n• Day ${p.day}: ${p.status}`,
  status: {
    submitted: 'sent',
    'awaiting-review': 'waiting for review',
    'auto-answered': 'received',
    answered: 'reviewed',
    'changes-requested': 'changes requested',
  },
  startSubmission: (p: { day: number }) =>
    `Send your day ${p.day} assignment: text, photos, videos, documents or voice, in one or several messages. Press “Send” when it's all there.`,
  received: (p: { count: number }) => `Received ${p.count} part(s). Add more, or send it:`,
  send: () => `📤 Send`,
  cancel: () => `Cancel`,
  submitted: () => `📤 Sent. You'll hear back here.`,
  cancelled: () => `Cancelled; nothing was sent.`,
  emptySubmission: () => `Nothing to send yet: add your work first.`,
  submissionFull: (p: { max: number }) =>
    `One submission holds at most ${p.max} messages, so this one was not added. Press “Send” for what is there, or “Cancel”.`,
  courseEnded: () =>
    `🏁 The course has ended, so reviews are closed and this assignment was not sent. Thank you for taking part!`,
  failed: () => `Something went wrong on our side. Please try again in a minute.`,
  dataRights: (p: { salesBot: string }) =>
    `To get everything we hold about you (/mydata) or to erase it (/forget), write those commands to ${p.salesBot}: it holds your account and your payments.`,
  unsupported: () =>
    `I can't take this kind of message as an assignment. Send text, photos, videos, documents or voice.`,
  noSubmissionOpen: () => `To hand in an assignment, press “Submit assignment” under it.`,
  badTime: () => `Send the time as /time HH:MM (24-hour clock), for example /time 08:30, or /time off.`,
  badTimeZone: () => `Send the time zone as /timezone Area/City, for example /timezone Europe/Berlin.`,
  noFixedTime: () => `the time you started`,
  scheduleSaved: (p: { time: string; timeZone: string }) =>
    `⏰ Lessons arrive at ${p.time} (${p.timeZone}), from the next one on.`,
  paused: () => `⏸ The course is paused. /resume when you're ready; no lesson is lost.`,
  resumed: (p: { day: number }) => `▶️ Welcome back! Day ${p.day} comes on your new schedule.`,
  /** /name (#17): the name printed on the student's certificates. */
  nameSaved: (p: { name: string }) => `🎓 Your certificates will read: ${p.name}`,
  nameCurrent: (p: { name: string }) =>
    `🎓 Your certificates read: ${p.name}\nTo change it, send /name and your name, for example /name Ada Lovelace.`,
  nameUnset: (p: { name: string }) =>
    `🎓 Your certificates will carry your Telegram name (${p.name}). To set another, send /name and your name, for example /name Ada Lovelace.`,
  badName: () =>
    `That name can't go on a certificate: use 1 to 64 letters, with spaces, hyphens or apostrophes between words, for example /name Anna-Maria O'Neil. Nothing was changed.`,
  // Homework reminders the student sets (/reminders, #17).
  remindersNow: (p: { perDay: number; window: string; timeZone: string }) =>
    `⏰ Homework reminders: ${p.perDay} a day between ${p.window} (${p.timeZone}), while an assignment is waiting.`,
  remindersOff: () => `🔕 Homework reminders are off.`,
  remindersCourseDefault: () => `⏰ Homework reminders: the course's own (one, the day after a lesson).`,
  remindersChoose: () =>
    `How many a day? Or send /reminders 3 09:00-21:00 to set the hours too, /reminders off for none.`,
  remindersSaved: () => `👍 Saved.`,
  badReminders: () =>
    `Send /reminders N HH:MM-HH:MM: N from 0 to 5 a day, hours within one day (start before end), e.g. /reminders 3 09:00-21:00, or /reminders off. Nothing was changed.`,
  badReminderButton: () => `That button is not valid; nothing was changed. Send /reminders to choose again.`,
  // Review desk (admin chat).
  askQuestion: () => `Write your question in one message (text, voice or a screenshot); a curator will answer here.`,
  questionSent: () => `Thanks! Your question is with the curators.`,
  questionHeader: (p: { student: string; tariff: string; day: number; course: string }) =>
    `❓ Question from ${p.student} · ${p.tariff} · day ${p.day} of ${p.course}. Reply to answer.`,
  curatorAnswer: () => `💬 Your curator answers:`,
  answerSent: () => `✅ Answer sent to the student.`,
  onlyReviewers: () => `Only reviewers (REVIEWER_IDS) can do this here; nothing was changed.`,
  notLinked: () => `Not sent: this message is not linked to an assignment or a question.`,
  feedbackSent: (p: { id: number }) => `✅ Feedback on #${p.id} sent to the student.`,
  feedbackRefused: (p: { id: number; reason: string }) => `⚠️ Not sent (#${p.id}): ${p.reason}`,
  queueEmpty: () => `No assignments are waiting. 🎉`,
  queueLine: (p: { id: number; tariff: string; day: number; age: string; student: string }) =>
    `#${p.id} · ${p.tariff} · day ${p.day} · ${p.student} · waiting ${p.age}`,
};

export type CourseMessages = typeof courseEn;
