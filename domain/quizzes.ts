/**
 * Lesson quizzes (#17): a lesson's questions go out as Telegram quiz polls after the lesson; a scored attempt may
 * open the next lesson (a pass mark is a third kind of gate, see gates.ts), and a failed one may be retaken.
 */

/** Telegram's limits for quiz polls (sendPoll), checked when a course is imported so a send never fails on them. */
export const QUIZ_LIMITS = { question: 300, option: 100, explanation: 200, minOptions: 2, maxOptions: 10 } as const;

/** One question as a course holds it; `correct` is the index of the right option (0-based, as Telegram counts). */
export type QuizQuestion = {
  question: string;
  options: string[];
  correct: number;
  explanation?: string;
};

/**
 * A lesson's quiz as imported: the pass mark is a number of correct answers (a percentage is resolved at import). Type
 * aliases, not interfaces: lessons.quiz is stored as JSON, checked against postgres.js's JSONValue.
 */
export type LessonQuiz = {
  questions: QuizQuestion[];
  /** Correct answers an attempt needs to open the next lesson; null: the quiz is scored but holds nothing back. */
  passMark: number | null;
  /** How long after a failed attempt the quiz is sent again. */
  retakeAfterMs: number;
  /** Attempts a student has in all; null: no limit. */
  attempts: number | null;
};

/** What a journey's plan knows about a lesson's quiz: counts and durations only, never texts. */
export interface QuizPlan {
  day: number;
  questions: number;
  passMark: number | null;
  retakeAfterMs: number;
  attempts: number | null;
}

/** One finished attempt: every question answered. */
export interface QuizScore {
  attempt: number;
  correct: number;
  total: number;
}

/**
 * A pass mark as authored: a whole number of correct answers (1 to the number of questions) or a percentage such as
 * "75%" (rounded up to whole answers). Throws a RangeError that says what was expected.
 */
export function resolvePassMark(value: string | number, questions: number): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 1 && value <= questions) return value;
    throw new RangeError(`expected a number of correct answers from 1 to ${questions}, or a percentage like 75%`);
  }
  const match = /^\s*(\d{1,3}(?:\.\d+)?)\s*%\s*$/.exec(value);
  const percent = match ? Number(match[1]) : NaN;
  if (!(percent > 0 && percent <= 100)) {
    throw new RangeError(
      `expected a percentage from 1% to 100%, or a number of correct answers, got ${JSON.stringify(value)}`,
    );
  }
  // A tiny tolerance, so 3 of 4 passes "75%" despite floating point.
  return Math.max(1, Math.ceil((percent * questions) / 100 - 1e-9));
}

/** Whether a finished attempt reached the pass mark (a quiz without one is never failed). */
export function quizPassed(score: QuizScore, passMark: number | null): boolean {
  return passMark === null || score.correct >= passMark;
}

/**
 * What follows a finished attempt: `passed`; a `retake` (a pass mark missed and attempts left); or `exhausted` (a
 * pass mark missed with no attempts left: the gate stays closed until a reviewer opens it).
 */
export function afterAttempt(
  score: QuizScore,
  quiz: Pick<QuizPlan, 'passMark' | 'attempts'>,
): 'passed' | 'retake' | 'exhausted' {
  if (quizPassed(score, quiz.passMark)) return 'passed';
  return quiz.attempts === null || score.attempt < quiz.attempts ? 'retake' : 'exhausted';
}
