import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnrollmentStore } from '../../activities/enrollment-store';
import { importCourse } from '../../content/import';
import { loadCourseFromDir } from '../../content/loader';
import { createTestDatabase } from '../helpers/database';
import type { TestDatabase } from '../helpers/database';
import { insertCourse, insertUser } from '../helpers/fixtures';

/** A quiz goes from the course files into lessons.quiz, and from there into a journey's plan as counts only. */
describe('importing lesson quizzes', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("stores the demo course's quiz and plans it for a journey, without its texts", async () => {
    const demo = await loadCourseFromDir(path.join(__dirname, '..', '..', 'content', 'demo'));
    await importCourse(db.sql, demo);
    const rows = await db.sql<{ day: number; quiz: unknown }[]>`
      select day, quiz from lessons where course_id = (select id from courses where slug = 'demo') and quiz is not null`;
    expect(rows).toEqual([{ day: 2, quiz: demo.lessons[1]!.quiz }]);

    const { userId } = await insertUser(db.sql);
    const store = createEnrollmentStore({ sql: db.sql });
    const plan = await store.openEnrollment({ workflowId: `quiz-plan-${userId}`, userId, courseSlug: 'demo' });
    expect(plan.quizzes).toEqual([{ day: 2, questions: 3, passMark: 2, retakeAfterMs: 12 * 3_600_000, attempts: 3 }]);
    expect(JSON.stringify(plan)).not.toContain('BotFather');

    // A course without quizzes plans none: its journeys' plans look as they did before quizzes.
    await insertCourse(db.sql, { slug: 'no-quiz', lessons: [{ day: 1 }] });
    const plain = await store.openEnrollment({ workflowId: `no-quiz-${userId}`, userId, courseSlug: 'no-quiz' });
    expect(plain).not.toHaveProperty('quizzes');
  });
});
