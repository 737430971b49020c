/** English texts. Telegram HTML: escape user-provided values with escapeHtml before interpolating. */
export const en = {
  welcome: (p: { course: string; tariff: string }) =>
    `🎉 Payment received, welcome to <b>${p.course}</b> (${p.tariff})!`,
  firstLessonNow: () => `Your first lesson arrives right now; the next ones follow day by day.`,
  /** Onboarding: what the buttons below do, and what happens without a choice (the course's onboardingWait). */
  chooseLessonTime: (p: { minutes: number }) =>
    `⏰ When should your daily lessons arrive? Pick a time below: your first lesson comes as soon as you pick, the next ones at that time (“Start now” keeps this time of day). If you don't pick within ${p.minutes} min, lessons start then. To set your time zone first, use /timezone: it does not start the course.`,
  startNow: () => `Start now`,
  scheduleSet: (p: { time: string; timeZone: string }) => `👍 Lessons will arrive at ${p.time} (${p.timeZone}).`,
  upgraded: (p: { tariff: string }) => `⬆️ Your tariff is now <b>${p.tariff}</b>. Everything it adds is open to you.`,
  accessEnded: () => `Your payment was refunded and your access to the course has ended. You're welcome back any time.`,
  groupInvite: (p: { link: string }) => `Your private group: ${p.link}\nThe link works once and only for you.`,
  underpaid: (p: { paid: string; price: string }) =>
    `We received ${p.paid}, but this tariff costs ${p.price}. Nothing was charged twice; please contact support to settle the difference.`,
  lessonHeader: (p: { day: number; title: string }) => `<b>Day ${p.day}. ${p.title}</b>`,
  task: (p: { task: string }) => `📝 <b>Assignment</b>\n${p.task}`,
  submitAssignment: () => `📤 Submit assignment`,
  reminder: (p: { day: number }) => `⏰ A gentle reminder: your curator is waiting for your day ${p.day} assignment.`,
  /** A reminder the student set (/reminders): the lesson's title is escaped by the caller. */
  studentReminder: (p: { day: number; title: string }) =>
    `⏰ Your day ${p.day} assignment (“${p.title}”) is still waiting for you. Hand it in with the button below. /reminders to change how often you hear this.`,
  /** Before a lesson's quiz polls (#17): how many questions, what passes, which attempt. */
  quizIntro: (p: {
    day: number;
    questions: number;
    passMark: number | null;
    attempt: number;
    attempts: number | null;
  }) =>
    `🧩 <b>Day ${p.day} quiz</b>: ${p.questions} question${p.questions === 1 ? '' : 's'}` +
    (p.passMark === null ? '.' : `; ${p.passMark} right answer${p.passMark === 1 ? '' : 's'} open the next lesson.`) +
    (p.attempt > 1 ? ` Attempt ${p.attempt}${p.attempts === null ? '' : ` of ${p.attempts}`}.` : ''),
  askCurator: () => `❓ Ask a curator`,
  assignmentAutoAnswer: () =>
    `✅ Assignment received, well done! Your tariff doesn't include a personal review, so keep going with the next lesson.`,
  assignmentQueued: () => `✅ Assignment received. A curator will review it and you'll get the feedback right here.`,
  reviewRequest: (p: { assignmentId: number; day: number; tariff: string; student: string }) =>
    `📥 Assignment #${p.assignmentId} · day ${p.day} · ${p.tariff}\nfrom ${p.student}\nReply to this message with your feedback.`,
  approve: () => `✅ Approve`,
  requestChanges: () => `✏️ Request changes`,
  feedbackApproved: (p: { day: number }) => `✅ Your day ${p.day} assignment is approved!`,
  feedbackChangesRequested: (p: { day: number }) =>
    `✏️ Your curator asks for changes to your day ${p.day} assignment. Send the new version with the button below.`,
  feedbackHeader: (p: { day: number }) => `💬 Feedback on your day ${p.day} assignment:`,
  completion: (p: { course: string }) =>
    `🏁 That was the last lesson of <b>${p.course}</b>. Congratulations! Open reviews still reach you here.`,
  /** The certificate of completion (#17): the PDF's lines (plain text) and the message it comes with. */
  certificate: {
    heading: 'Certificate of completion',
    certifies: 'This certifies that',
    completed: 'has completed the course',
    issued: 'Issued',
    code: 'Verification code',
    caption: (p: { course: string; code: string }) =>
      `🎓 Your certificate for <b>${p.course}</b>. Anyone can check it with the code <code>${p.code}</code>.`,
  },
};

export type Messages = typeof en;
