import { condition, log, patched, setHandler } from '@temporalio/workflow';
import type { EnrollmentPlan } from '../activities';
import type { LessonGate } from '../domain/gates';
import { afterAttempt, quizPassed } from '../domain/quizzes';
import type { QuizPlan, QuizScore } from '../domain/quizzes';
import { quizAnsweredSignal } from '../journey/definitions';
import { telegram } from './activity-steps';
import type { JourneyState } from './journey-state';
import type { StudentLine } from './student-line';

/** Quizzes go out after their lessons from here on; a journey whose plan has none (every one before #17) never asks. */
export const LESSON_QUIZZES_PATCH = 'lesson-quizzes';

export interface Quizzes {
  /** Lesson `day` reached the student: its quiz, if it has one, follows at once, and its retakes on their own. */
  delivered(day: number): void;
  /** The quiz gate that holds back lesson `day` (lesson `day - 1`'s pass mark, not reached yet), or null. */
  closedBefore(day: number): LessonGate | null;
}

/**
 * A lesson's quiz: attempt 1 right after the lesson; a failed attempt is sent again `retakeAfterMs` after it was
 * scored (a durable timer), up to `attempts`. A pass mark holds the next lesson back until an attempt reaches it
 * (the caller waits at the gate with workflows/gates.ts); with no attempts left it stays closed until a reviewer
 * opens it (openGateSignal), which also ends the retakes.
 */
export function createQuizzes(journey: { state: JourneyState; plan: EnrollmentPlan; student: StudentLine }): Quizzes {
  const { state, plan, student } = journey;
  const authored = new Map((plan.quizzes ?? []).map((quiz) => [quiz.day, quiz]));
  const active = authored.size > 0 && patched(LESSON_QUIZZES_PATCH);
  const sent = new Set<number>();
  /** Attempts the course bot scored, by `${day}:${attempt}`. */
  const scored = new Map<string, QuizScore>();
  if (active) {
    setHandler(quizAnsweredSignal, ({ day, attempt, correct, total }) => {
      const valid = [day, attempt, correct, total].every(Number.isInteger) && correct >= 0 && correct <= total;
      const key = `${day}:${attempt}`;
      if (valid && authored.has(day) && !scored.has(key)) scored.set(key, { attempt, correct, total });
    });
  }

  async function run(day: number, quiz: QuizPlan): Promise<void> {
    const { enrollmentId } = plan;
    for (let attempt = 1; ; attempt++) {
      let questions = quiz.questions;
      const sent = await student.reach(async () => {
        questions = (await telegram.sendQuiz({ enrollmentId, day, attempt })).questions;
      });
      if (!sent) return;
      const attempts = state.quizAttempts.get(day) ?? [];
      state.quizAttempts.set(day, attempts);
      if (questions === 0) {
        // The quiz left the course after this journey planned it: it holds nothing back any more.
        attempts.push({ attempt, passed: true });
        return log.warn('Quiz no longer in the course; its gate is open', { enrollmentId, day });
      }
      const key = `${day}:${attempt}`;
      await condition(() => scored.has(key) || state.refunded);
      const score = scored.get(key);
      if (!score) return;
      attempts.push({ attempt, passed: quizPassed(score, quiz.passMark) });
      const next = afterAttempt(score, quiz);
      log.info('Quiz attempt scored', { enrollmentId, day, attempt, correct: score.correct, next });
      if (next !== 'retake') return;
      // A reviewer who opens the gate meanwhile makes the retake moot.
      if (await condition(() => state.gatesOpened.has(day) || state.refunded, quiz.retakeAfterMs)) return;
    }
  }

  return {
    delivered(day) {
      const quiz = authored.get(day);
      if (!active || !quiz || sent.has(day)) return;
      sent.add(day);
      void run(day, quiz);
    },
    closedBefore(day) {
      const quiz = authored.get(day - 1);
      if (!active || !quiz || quiz.passMark === null || !sent.has(day - 1)) return null;
      const held: LessonGate = { day: day - 1, gate: 'quiz' };
      return state.passed(held) ? null : held;
    },
  };
}
