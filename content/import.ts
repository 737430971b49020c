import type { Sql, TransactionSql } from '../db';
import { formatMinute } from '../domain/reminders';
import type { CourseDefinition } from './loader';

/** A course without `partnerHold` holds commissions 14 days (the column's default, db/migrations/0022). */
const PARTNER_HOLD_DEFAULT_MS = 14 * 86_400_000;

export interface ImportResult {
  slug: string;
  lessons: number;
  /** False when the stored content hash already matched: nothing a student sees has changed. */
  changed: boolean;
}

/**
 * Makes the database hold exactly `course`, in one transaction: the course row is updated in place (its id, and so
 * every enrollment pointing at it, stays), tariffs and lessons are upserted, and ones no longer authored are deleted.
 * Idempotent: rows are rewritten on every run, so hand edits in the database are put back too.
 */
export async function importCourse(sql: Sql, course: CourseDefinition): Promise<ImportResult> {
  return sql.begin(async (tx) => {
    // The row lock serializes two imports of the same course, so `changed` is reported by exactly one of them.
    const [previous]: [{ contentHash: string }?] =
      await tx`select content_hash from courses where slug = ${course.slug} for update`;
    const [row]: [{ id: number }?] = await tx`
      insert into courses (slug, title, description, default_language, lesson_interval_ms, unpaid_expiry_ms,
                           feedback_wait_ms, onboarding_wait_ms, reminder_after_ms, protect_content, certificate,
                           content_hash, reminders_per_day, reminder_window_start, reminder_window_end,
                           partner_hold_ms)
      values (${course.slug}, ${course.title}, ${course.description}, ${course.language}, ${course.lessonIntervalMs},
              ${course.unpaidExpiryMs}, ${course.feedbackWaitMs}, ${course.onboardingWaitMs}, ${course.reminderAfterMs},
              ${course.protectContent}, ${course.certificate ?? false},
              ${course.contentHash}, ${course.reminders?.perDay ?? null},
              ${course.reminders ? formatMinute(course.reminders.startMinute) : null}::time,
              ${course.reminders ? formatMinute(course.reminders.endMinute) : null}::time,
              ${course.partnerHoldMs ?? PARTNER_HOLD_DEFAULT_MS})
      on conflict (slug) do update set
        reminders_per_day = excluded.reminders_per_day,
        reminder_window_start = excluded.reminder_window_start,
        reminder_window_end = excluded.reminder_window_end,
        title = excluded.title,
        description = excluded.description,
        default_language = excluded.default_language,
        lesson_interval_ms = excluded.lesson_interval_ms,
        unpaid_expiry_ms = excluded.unpaid_expiry_ms,
        feedback_wait_ms = excluded.feedback_wait_ms,
        onboarding_wait_ms = excluded.onboarding_wait_ms,
        reminder_after_ms = excluded.reminder_after_ms,
        partner_hold_ms = excluded.partner_hold_ms,
        protect_content = excluded.protect_content,
        certificate = excluded.certificate,
        content_hash = excluded.content_hash,
        updated_at = case when courses.content_hash = excluded.content_hash then courses.updated_at else now() end
      returning id`;
    const courseId = row!.id;
    await importCohorts(tx, courseId, course.cohorts);

    for (const t of course.tariffs) {
      await tx`
        insert into course_tariffs (course_id, tariff, title, price_minor, currency, includes, group_chat_ids, price_stars)
        values (${courseId}, ${t.tariff}, ${t.title}, ${t.priceMinor}, ${t.currency}, ${t.includes}, ${t.groupChatIds},
                ${t.priceStars})
        on conflict (course_id, tariff) do update set
          title = excluded.title,
          price_minor = excluded.price_minor,
          currency = excluded.currency,
          includes = excluded.includes,
          group_chat_ids = excluded.group_chat_ids,
          price_stars = excluded.price_stars`;
    }
    const tariffs = course.tariffs.map((t) => t.tariff);
    await tx`delete from course_tariffs where course_id = ${courseId} and not (tariff::text = any(${tariffs}))`;

    for (const lesson of course.lessons) {
      await tx`
        insert into lessons (course_id, day, title, parts, tasks, silent, gate, quiz)
        values (${courseId}, ${lesson.day}, ${lesson.title}, ${tx.json(lesson.parts)}, ${tx.json(lesson.tasks)},
                ${lesson.silent}, ${lesson.gate ?? null}, ${lesson.quiz ? tx.json(lesson.quiz) : null})
        on conflict (course_id, day) do update set
          title = excluded.title,
          parts = excluded.parts,
          tasks = excluded.tasks,
          silent = excluded.silent,
          gate = excluded.gate,
          quiz = excluded.quiz`;
    }
    const days = course.lessons.map((lesson) => lesson.day);
    await tx`delete from lessons where course_id = ${courseId} and not (day = any(${days}))`;

    return { slug: course.slug, lessons: course.lessons.length, changed: previous?.contentHash !== course.contentHash };
  });
}

/**
 * A course's cohort rules (none: self-paced) and the cohorts course.yaml lists. Cohorts added with /cohort add stay;
 * a cohort no longer listed goes unless students joined it (their journeys still read its start).
 */
async function importCohorts(tx: TransactionSql, courseId: number, cohorts: CourseDefinition['cohorts']) {
  await tx`
    update courses set cohort_policy = ${cohorts?.policy ?? null},
                       cohort_catch_up_ms = ${cohorts?.catchUpEveryMs ?? 300_000},
                       cohort_lesson_time = ${cohorts?.lessonTime ?? '09:00'},
                       cohort_join_until_day = ${cohorts?.joinUntilDay ?? null}
    where id = ${courseId}`;
  const starts = cohorts?.starts ?? [];
  for (const { name, startsOn } of starts) {
    await tx`
      insert into cohorts (course_id, name, starts_on, source) values (${courseId}, ${name}, ${startsOn}, 'file')
      on conflict (course_id, name) do update set starts_on = excluded.starts_on, source = 'file'`;
  }
  const names = starts.map((cohort) => cohort.name);
  await tx`
    delete from cohorts c where c.course_id = ${courseId} and c.source = 'file' and not (c.name = any(${names}))
      and not exists (select 1 from enrollments e where e.cohort_id = c.id)`;
}
