import { z } from 'zod';
import { QUIZ_LIMITS, resolvePassMark } from '../domain/quizzes';
import type { LessonQuiz } from '../domain/quizzes';

/** The loader's own building blocks, so a quiz's errors read like every other field's. */
export interface SchemaTools {
  strict: <T extends z.core.$ZodLooseShape>(shape: T, what: string) => z.ZodType<z.output<z.ZodObject<T>>>;
  expected: (what: string) => { error: (issue: { input?: unknown }) => string };
  plainText: z.ZodType<string>;
  duration: z.ZodType<number, unknown>;
}

const limit = (field: string, max: number) =>
  `expected at most ${max} characters (Telegram's limit for a quiz ${field})`;

/**
 * A lesson's `quiz:` (#17): questions, each with 2–10 options, the right one named by its text, and an optional
 * explanation; `passMark` (correct answers, or a percentage), `retakeAfter` and `attempts`. Telegram's poll limits
 * are checked here, so a quiz never fails at sendPoll in the middle of a journey.
 */
export function makeQuizSchema({ strict, expected, plainText, duration }: SchemaTools): z.ZodType<LessonQuiz, unknown> {
  const question = strict(
    {
      question: plainText.pipe(z.string().max(QUIZ_LIMITS.question, limit('question', QUIZ_LIMITS.question))),
      options: z
        .array(
          z
            .union([z.string(), z.number()], expected('text'))
            .transform(String)
            .pipe(
              z
                .string()
                .trim()
                .min(1, 'expected non-empty text')
                .max(QUIZ_LIMITS.option, limit('option', QUIZ_LIMITS.option)),
            ),
          expected('a list of options'),
        )
        .min(QUIZ_LIMITS.minOptions, `expected ${QUIZ_LIMITS.minOptions} to ${QUIZ_LIMITS.maxOptions} options`)
        .max(QUIZ_LIMITS.maxOptions, `expected ${QUIZ_LIMITS.minOptions} to ${QUIZ_LIMITS.maxOptions} options`)
        .refine((options) => new Set(options).size === options.length, 'expected every option to be different'),
      correct: z.union([z.string(), z.number()], expected('the text of the right option')).transform(String),
      explanation: plainText
        .pipe(z.string().max(QUIZ_LIMITS.explanation, limit('explanation', QUIZ_LIMITS.explanation)))
        .optional(),
    },
    'a question with question, options and correct',
  );
  return strict(
    {
      questions: z.array(question, expected('a list of questions')).min(1, 'expected at least one question'),
      passMark: z
        .union([z.int(), z.string()], expected('a number of correct answers or a percentage like 75%'))
        .optional(),
      retakeAfter: duration.optional(),
      attempts: z.int(expected('a whole number of attempts')).min(1, 'expected at least 1 attempt').optional(),
    },
    'a quiz with questions',
  ).transform((quiz, ctx): LessonQuiz => {
    const questions = quiz.questions.map((q, i) => {
      const correct = q.options.indexOf(q.correct.trim());
      if (correct < 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['questions', i, 'correct'],
          message: `expected the text of one of the options, got ${JSON.stringify(q.correct)}`,
        });
      }
      return {
        question: q.question,
        options: q.options,
        correct,
        ...(q.explanation ? { explanation: q.explanation } : {}),
      };
    });
    let passMark: number | null = null;
    if (quiz.passMark !== undefined) {
      try {
        passMark = resolvePassMark(quiz.passMark, questions.length);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        ctx.addIssue({ code: 'custom', path: ['passMark'], message: error.message });
      }
    }
    for (const field of ['retakeAfter', 'attempts'] as const) {
      if (quiz[field] !== undefined && quiz.passMark === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: 'only a quiz with a passMark is retaken; add passMark',
        });
      }
    }
    return { questions, passMark, retakeAfterMs: quiz.retakeAfter ?? 24 * 3_600_000, attempts: quiz.attempts ?? null };
  });
}
