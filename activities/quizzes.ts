import type { Sql } from '../db';
import { retryWhileDisconnected } from '../db';
import type { LessonQuiz } from '../domain/quizzes';
import { callTelegram } from '../telegram/call';
import { sendKey } from '../telegram/send-keys';
import { NotFoundError } from './errors';
import { recipientOf, sendTextOnce } from './recipient';
import { RECORD_RETRY_MS, sendOnce } from './send-once';
import type { TelegramBots } from './telegram';

/** Lesson quizzes (#17): the polls of one attempt, each sent once and recorded by its poll id. */
export function createQuizzes({ sql, telegram }: { sql: Sql; telegram: TelegramBots }) {
  return {
    /**
     * Sends attempt `attempt` of lesson `day`'s quiz: a short intro, then one Telegram quiz poll per question
     * (non-anonymous, so the course bot hears each answer as poll_answer). Every message has its own send-once key,
     * and each poll's id is stored in quiz_polls with its enrollment, day, attempt and question before its key. A poll
     * sent again after a crash between Telegram's answer and the key (send-once.ts) replaces the unanswered one there.
     * A quiz removed from the course since returns 0 questions.
     */
    async sendQuiz(input: { enrollmentId: number; day: number; attempt: number }): Promise<{ questions: number }> {
      const { enrollmentId, day, attempt } = input;
      const r = await recipientOf(sql, enrollmentId);
      const [lesson]: [{ quiz: LessonQuiz | null }?] =
        await sql`select quiz from lessons where course_id = ${r.courseId} and day = ${day}`;
      if (!lesson) throw new NotFoundError(`Lesson ${day} is missing from course ${r.courseId}`);
      // The course was edited since the journey planned the quiz: nothing to send, and nothing to hold back.
      const { quiz } = lesson;
      if (!quiz) return { questions: 0 };
      const questions = quiz.questions.length;
      await sendTextOnce(sql, telegram.course, {
        key: sendKey.quizIntro(enrollmentId, day, attempt),
        chatId: r.chatId,
        html: r.t.quizIntro({ day, questions, passMark: quiz.passMark, attempt, attempts: quiz.attempts }),
        protect: r.protectContent,
      });
      for (const [question, q] of quiz.questions.entries()) {
        await sendOnce(sql, sendKey.quizPoll(enrollmentId, day, attempt, question), r.chatId, async () => {
          const message = await callTelegram(() =>
            telegram.course.sendPoll(
              r.chatId,
              q.question,
              q.options.map((text) => ({ text })),
              {
                type: 'quiz',
                is_anonymous: false,
                correct_option_ids: [q.correct],
                ...(q.explanation ? { explanation: q.explanation } : {}),
                protect_content: r.protectContent,
              },
            ),
          );
          await retryWhileDisconnected(
            () => sql`
              insert into quiz_polls (poll_id, enrollment_id, day, attempt, question, questions, correct_option, message_id)
              values (${message.poll.id}, ${enrollmentId}, ${day}, ${attempt}, ${question}, ${questions}, ${q.correct},
                      ${message.message_id})
              on conflict (enrollment_id, day, attempt, question) do update
                set poll_id = excluded.poll_id, message_id = excluded.message_id
                where quiz_polls.answered_option is null`,
            RECORD_RETRY_MS,
          );
          return [message.message_id];
        });
      }
      return { questions };
    },
  };
}
