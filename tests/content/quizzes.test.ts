import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CourseContentError, loadCourseFromDir, parseLessonFile } from '../../content/loader';

const file = 'content/demo/lessons/02-x.md';
const QUIZ = `quiz:
  passMark: 75%
  retakeAfter: 12h
  attempts: 3
  questions:
    - question: Where do updates come from?
      options: [getUpdates or a webhook, sendMessage, BotFather]
      correct: getUpdates or a webhook
      explanation: A bot pulls them with getUpdates or Telegram pushes them to its webhook.
    - question: How long may a poll question be?
      options: [100, 300, 4096]
      correct: 300
`;
const withQuiz = (quiz: string, day = 2) => `---\nday: ${day}\ntitle: Polls\n${quiz}---\nText\n`;
const parse = (quiz: string) => parseLessonFile(withQuiz(quiz), file);
const errorOf = (quiz: string): string => {
  try {
    parse(quiz);
  } catch (error) {
    expect(error).toBeInstanceOf(CourseContentError);
    return (error as Error).message;
  }
  throw new Error('expected the quiz to be rejected');
};

describe('lesson quizzes in course files', () => {
  it("gives the demo course's lesson 2 a quiz that holds lesson 3 back", async () => {
    const demo = await loadCourseFromDir(path.join(__dirname, '..', '..', 'content', 'demo'));
    expect(demo.lessons.map((l) => l.quiz?.questions.length ?? 0)).toEqual([0, 3, 0, 0, 0, 0, 0]);
    expect(demo.lessons[1]?.quiz).toMatchObject({ passMark: 2, retakeAfterMs: 12 * 3_600_000, attempts: 3 });
  });

  it('normalizes a quiz: the right option as its index, the pass mark as correct answers, durations in ms', () => {
    expect(parse(QUIZ).quiz).toEqual({
      questions: [
        {
          question: 'Where do updates come from?',
          options: ['getUpdates or a webhook', 'sendMessage', 'BotFather'],
          correct: 0,
          explanation: 'A bot pulls them with getUpdates or Telegram pushes them to its webhook.',
        },
        { question: 'How long may a poll question be?', options: ['100', '300', '4096'], correct: 1 },
      ],
      passMark: 2,
      retakeAfterMs: 12 * 3_600_000,
      attempts: 3,
    });
  });

  it('scores a quiz without a pass mark and holds nothing back; a lesson without a quiz has none', () => {
    const quiz = `quiz:\n  questions:\n    - { question: Q, options: [a, b], correct: b }\n`;
    expect(parse(quiz).quiz).toEqual({
      questions: [{ question: 'Q', options: ['a', 'b'], correct: 1 }],
      passMark: null,
      retakeAfterMs: 24 * 3_600_000,
      attempts: null,
    });
    expect(parse('')).not.toHaveProperty('quiz');
  });

  it("rejects what Telegram's quiz polls refuse, naming the lesson and the field", () => {
    const one = (q: string) => `quiz:\n  questions:\n    - ${q}\n`;
    expect(errorOf(one(`{ question: ${'x'.repeat(301)}, options: [a, b], correct: a }`))).toBe(
      `${file}: quiz.questions[0].question: expected at most 300 characters (Telegram's limit for a quiz question)`,
    );
    expect(errorOf(one(`{ question: Q, options: [a], correct: a }`))).toBe(
      `${file}: quiz.questions[0].options: expected 2 to 10 options`,
    );
    const eleven = Array.from({ length: 11 }, (_, i) => `o${i}`).join(', ');
    expect(errorOf(one(`{ question: Q, options: [${eleven}], correct: o1 }`))).toBe(
      `${file}: quiz.questions[0].options: expected 2 to 10 options`,
    );
    expect(errorOf(one(`{ question: Q, options: [a, ${'y'.repeat(101)}], correct: a }`))).toBe(
      `${file}: quiz.questions[0].options[1]: expected at most 100 characters (Telegram's limit for a quiz option)`,
    );
    expect(errorOf(one(`{ question: Q, options: [a, b], correct: a, explanation: ${'z'.repeat(201)} }`))).toBe(
      `${file}: quiz.questions[0].explanation: expected at most 200 characters (Telegram's limit for a quiz explanation)`,
    );
    expect(errorOf(one(`{ question: Q, options: [a, a], correct: a }`))).toBe(
      `${file}: quiz.questions[0].options: expected every option to be different`,
    );
  });

  it('rejects a right answer that is not an option, a bad pass mark and retake settings without one', () => {
    const one = `    - { question: Q, options: [a, b], correct: c }\n`;
    expect(errorOf(`quiz:\n  questions:\n${one}`)).toBe(
      `${file}: quiz.questions[0].correct: expected the text of one of the options, got "c"`,
    );
    const two = `  questions:\n    - { question: Q, options: [a, b], correct: a }\n    - { question: R, options: [a, b], correct: b }\n`;
    expect(errorOf(`quiz:\n  passMark: 3\n${two}`)).toBe(
      `${file}: quiz.passMark: expected a number of correct answers from 1 to 2, or a percentage like 75%`,
    );
    expect(errorOf(`quiz:\n  passMark: most\n${two}`)).toMatch(/^.*: quiz\.passMark: expected a percentage from 1%/);
    expect(errorOf(`quiz:\n  attempts: 2\n${two}`)).toBe(
      `${file}: quiz.attempts: only a quiz with a passMark is retaken; add passMark`,
    );
    expect(errorOf(`quiz:\n  passMark: 1\n  retakeAfter: soon\n${two}`)).toMatch(
      /quiz\.retakeAfter: expected a duration like 24h/,
    );
    expect(errorOf(`quiz:\n  passMark: 1\n  retake: 1h\n${two}`)).toMatch(/quiz: unknown field retake \(expected /);
    expect(errorOf(`quiz:\n  questions: []\n`)).toBe(`${file}: quiz.questions: expected at least one question`);
  });

  it('rejects a quiz on a silent day, and a pass mark on the last lesson', async () => {
    expect(() =>
      parseLessonFile(`---\nday: 2\ntitle: Rest\nsilent: true\nquiz:\n  questions: []\n---\n`, file),
    ).toThrow(CourseContentError);
    const scratch = mkdtempSync(path.join(tmpdir(), 'quiz-loader-'));
    try {
      const dir = path.join(scratch, 'sample');
      mkdirSync(path.join(dir, 'lessons'), { recursive: true });
      writeFileSync(
        path.join(dir, 'course.yaml'),
        'slug: sample\ntitle: Sample\ntariffs:\n  BASIC: { title: Basic, price: 1, currency: USD, includes: [] }\n',
      );
      writeFileSync(path.join(dir, 'lessons', '1.md'), '---\nday: 1\ntitle: One\n---\nText\n');
      writeFileSync(path.join(dir, 'lessons', '2.md'), withQuiz(QUIZ));
      await expect(loadCourseFromDir(dir)).rejects.toThrow(
        /lessons\/2\.md: quiz\.passMark: day 2 is the last lesson; no lesson follows for a pass mark to hold back$/,
      );
      writeFileSync(path.join(dir, 'lessons', '3.md'), '---\nday: 3\ntitle: Three\n---\nText\n');
      const course = await loadCourseFromDir(dir);
      expect(course.lessons.map((l) => l.quiz?.passMark ?? null)).toEqual([null, 2, null]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
