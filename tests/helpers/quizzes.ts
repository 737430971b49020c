import type { Sql } from '../../db';
import type { LessonQuiz } from '../../domain/quizzes';
import type { BotApiStandIn } from '../../testing/bot-api';
import { COURSE_TOKEN, eventually } from './platform';

/** Two questions; both right pass (passMark 2), a retake 12 hours after a miss, two attempts in all. */
export const TWO_QUESTIONS: LessonQuiz = {
  questions: [
    {
      question: 'Which update tells a bot that a student answered a quiz?',
      options: ['message', 'poll_answer', 'callback_query'],
      correct: 1,
      explanation: 'Non-anonymous polls report each answer as poll_answer.',
    },
    { question: 'Can a student change a quiz answer?', options: ['No', 'Yes'], correct: 0 },
  ],
  passMark: 2,
  retakeAfterMs: 12 * 3_600_000,
  attempts: 2,
};

/** Gives lesson `day` of a course inserted by insertCourse a quiz (as the import stores it). */
export async function addQuiz(sql: Sql, slug: string, day: number, quiz: LessonQuiz = TWO_QUESTIONS): Promise<void> {
  await sql`update lessons set quiz = ${sql.json(quiz)}
            where day = ${day} and course_id = (select id from courses where slug = ${slug})`;
}

export interface SentPoll {
  pollId: string;
  question: number;
  correct: number;
}

/** The polls of one attempt, once every one of them reached the chat and is recorded by its poll id. */
export async function quizPolls(
  sql: Sql,
  input: { telegramId: number; day: number; attempt: number; questions: number },
): Promise<SentPoll[]> {
  return eventually(
    () => sql<SentPoll[]>`
      select p.poll_id, p.question, p.correct_option as correct from quiz_polls p
      join enrollments e on e.id = p.enrollment_id join users u on u.id = e.user_id
      where u.telegram_id = ${input.telegramId} and p.day = ${input.day} and p.attempt = ${input.attempt}
      order by p.question`,
    (rows) => rows.length === input.questions,
  );
}

/** The student answers each poll, right or wrong as `right` says, and the course bot has handled every answer. */
export async function answerQuiz(
  telegram: BotApiStandIn,
  from: { id: number; first_name: string },
  polls: SentPoll[],
  right: boolean[],
): Promise<void> {
  for (const [i, poll] of polls.entries()) {
    const option = right[i] ? poll.correct : poll.correct === 0 ? 1 : 0;
    telegram.answerPoll({ botToken: COURSE_TOKEN, from, pollId: poll.pollId, optionIds: [option] });
  }
  await telegram.waitUntilHandled(COURSE_TOKEN);
}
