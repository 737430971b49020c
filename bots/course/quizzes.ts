import { Composer } from 'grammy';
import type { Sql } from '../../db';
import type { Gate, LessonGate } from '../../domain/gates';
import { afterAttempt } from '../../domain/quizzes';
import { quizAnsweredSignal } from '../../journey/definitions';
import { courseMessagesFor } from '../../locales/course';
import type { CourseMessages } from '../../locales/course';
import { sendKey } from '../../telegram/send-keys';
import type { CourseContext } from './context';

/**
 * Answers to lesson quizzes (#17): Telegram's poll_answer for a quiz poll the journey sent. The answer is recorded
 * once (the first counts; a repeated update changes nothing); a poll the bot never sent, or a vote by anyone but the
 * student it was sent to, is ignored. The answer that completes an attempt scores it from Postgres, tells the
 * journey (quizAnsweredSignal, counts only) and the student.
 */
export const quizAnswers = new Composer<CourseContext>();

interface AnsweredPoll {
  enrollmentId: number;
  day: number;
  attempt: number;
  questions: number;
}

quizAnswers.on('poll_answer', async (ctx) => {
  const { poll_id: pollId, user, option_ids: options } = ctx.pollAnswer;
  const option = options[0];
  if (!user || option === undefined) return; // anonymous, or a retracted vote: never a quiz of ours
  const { sql } = ctx.deps;
  const [answered]: [AnsweredPoll?] = await sql`
    update quiz_polls p set answered_option = ${option}, answered_at = now()
    from enrollments e join users u on u.id = e.user_id
    where p.poll_id = ${pollId} and p.answered_option is null and e.id = p.enrollment_id and u.telegram_id = ${user.id}
    returning p.enrollment_id, p.day, p.attempt, p.questions`;
  if (!answered) return;
  const { enrollmentId, day, attempt } = answered;
  const [tally]: [{ answered: number; correct: number }?] = await sql`
    select count(answered_option)::int as answered, count(*) filter (where answered_option = correct_option)::int as correct
    from quiz_polls where enrollment_id = ${enrollmentId} and day = ${day} and attempt = ${attempt}`;
  if (!tally || tally.answered < answered.questions) return;
  // Two last answers handled at once both see the attempt complete: the claim lets one of them go on.
  const [claimed] = await sql`
    insert into sent_messages (key, chat_id, message_ids) values (${sendKey.quizResult(enrollmentId, day, attempt)}, ${user.id}, '{}')
    on conflict (key) do nothing returning key`;
  if (!claimed) return;
  const [journey]: [
    { userId: number; courseSlug: string; passMark: number | null; attempts: number | null; retakeAfterMs: number }?,
  ] = await sql`
      select e.user_id, c.slug as course_slug, (l.quiz->>'passMark')::int as pass_mark,
             (l.quiz->>'attempts')::int as attempts, (l.quiz->>'retakeAfterMs')::float8 as retake_after_ms
      from enrollments e join courses c on c.id = e.course_id join lessons l on l.course_id = c.id and l.day = ${day}
      where e.id = ${enrollmentId}`;
  if (!journey) return;
  const score = { attempt, correct: tally.correct, total: answered.questions };
  await ctx.deps.enrollments
    .handle({ userId: journey.userId, courseSlug: journey.courseSlug })
    .signal(quizAnsweredSignal, { day, ...score });
  const t = courseMessagesFor(user.language_code);
  const { passMark } = journey;
  const text =
    passMark === null
      ? t.quiz.scored({ day, ...score })
      : {
          passed: () => t.quiz.passed({ day, ...score }),
          retake: () =>
            t.quiz.retake({ day, ...score, passMark, hours: Math.round(journey.retakeAfterMs / 360_000) / 10 }),
          exhausted: () => t.quiz.failed({ day, ...score, passMark }),
        }[afterAttempt(score, journey)]();
  try {
    const sent = await ctx.api.sendMessage(user.id, text);
    await sql`update sent_messages set message_ids = ${[sent.message_id]}
              where key = ${sendKey.quizResult(enrollmentId, day, attempt)}`;
  } catch (err) {
    // The journey has the score; the note to the student is a courtesy (they may have blocked the bot since).
    ctx.deps.log?.(`quiz result for enrollment ${enrollmentId} day ${day} not sent: ${String(err)}`);
  }
});

/** Each quiz's latest attempt, for /progress: its score, or how far the student got. */
export async function quizProgressLines(
  sql: Sql,
  t: CourseMessages,
  enrollmentId: number,
  gate: LessonGate | null | undefined,
): Promise<{ lines: string; gate?: string }> {
  const rows = await sql<
    {
      day: number;
      attempt: number;
      questions: number;
      answered: number;
      correct: number;
      passMark: number | null;
      attempts: number | null;
    }[]
  >`
    select p.day, p.attempt, max(p.questions)::int as questions, count(p.answered_option)::int as answered,
           count(*) filter (where p.answered_option = p.correct_option)::int as correct,
           (l.quiz->>'passMark')::int as pass_mark, (l.quiz->>'attempts')::int as attempts
    from quiz_polls p join enrollments e on e.id = p.enrollment_id
    left join lessons l on l.course_id = e.course_id and l.day = p.day
    where p.enrollment_id = ${enrollmentId}
      and p.attempt = (select max(attempt) from quiz_polls q where q.enrollment_id = p.enrollment_id and q.day = p.day)
    group by p.day, p.attempt, l.quiz order by p.day`;
  let exhausted: string | undefined;
  const lines = rows.map((r) => {
    if (r.answered < r.questions) return t.quiz.unfinished({ day: r.day, answered: r.answered, total: r.questions });
    const score = { attempt: r.attempt, correct: r.correct, total: r.questions };
    const next = afterAttempt(score, r);
    if (next === 'exhausted' && gate?.gate === ('quiz' satisfies Gate) && gate.day === r.day) {
      exhausted = t.quiz.exhausted({ day: r.day });
    }
    return t.quiz.score({ day: r.day, correct: r.correct, total: r.questions, passed: next === 'passed' });
  });
  return { lines: lines.join(''), ...(exhausted ? { gate: exhausted } : {}) };
}

/** Per question of every quiz with answers: how many students answered right, the worst first (for /stats). */
export async function quizStatsLines(sql: Sql, limit = 20): Promise<string[]> {
  const rows = await sql<
    { slug: string; day: number; question: number; text: string | null; answered: number; correct: number }[]
  >`
    select c.slug, p.day, p.question, l.quiz->'questions'->p.question->>'question' as text,
           count(*)::int as answered, count(*) filter (where p.answered_option = p.correct_option)::int as correct
    from quiz_polls p join enrollments e on e.id = p.enrollment_id join courses c on c.id = e.course_id
    left join lessons l on l.course_id = c.id and l.day = p.day
    where p.answered_option is not null
    group by c.slug, p.day, p.question, text
    order by count(*) filter (where p.answered_option = p.correct_option)::float8 / count(*), c.slug, p.day, p.question
    limit ${limit}`;
  if (rows.length === 0) return [];
  return [
    '🧩 Quiz questions, right answers of all answers (worst first):',
    ...rows.map((r) => {
      const text = r.text && r.text.length > 60 ? `${r.text.slice(0, 59)}…` : (r.text ?? '?');
      const percent = Math.round((100 * r.correct) / r.answered);
      return `• ${r.slug} day ${r.day} Q${r.question + 1}: ${r.correct}/${r.answered} (${percent}%) ${text}`;
    }),
  ];
}
