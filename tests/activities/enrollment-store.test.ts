import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnrollmentStore } from '../../activities/enrollment-store';
import { createTestDatabase } from '../helpers/database';
import type { TestDatabase } from '../helpers/database';
import { insertCourse, insertUser } from '../helpers/fixtures';

describe('recordStage: an older stage write never overwrites a newer one', () => {
  let db: TestDatabase;
  let store: ReturnType<typeof createEnrollmentStore>;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = createEnrollmentStore({ sql: db.sql });
    await insertCourse(db.sql, { slug: 'stage-seq', lessons: [{ day: 1 }, { day: 2 }] });
  });
  afterAll(async () => db?.drop());

  async function openEnrollment(workflowId: string): Promise<number> {
    const { userId } = await insertUser(db.sql);
    return (await store.openEnrollment({ workflowId, userId, courseSlug: 'stage-seq' })).enrollmentId;
  }

  async function stored(enrollmentId: number) {
    const [row] = await db.sql<{ stage: string; currentDay: number; stageReason: string | null; stageSeq: number }[]>`
      select stage, current_day, stage_reason, stage_seq from enrollments where id = ${enrollmentId}`;
    return row;
  }

  async function changedAt(enrollmentId: number) {
    const [row]: [{ at: string }?] =
      await db.sql`select stage_changed_at::text as at from enrollments where id = ${enrollmentId}`;
    return row?.at;
  }

  it('keeps the newer stage when the older write lands after it', async () => {
    const enrollmentId = await openEnrollment('stage-seq-late');
    await store.recordStage({ enrollmentId, stage: 'active', currentDay: 1, reason: null, seq: 1 });
    // The journey blocked (seq 3) while its 'paused' write (seq 2) was still being retried: it lands last.
    await store.recordStage({ enrollmentId, stage: 'blocked', currentDay: 1, reason: 'BotBlockedError', seq: 3 });
    await store.recordStage({ enrollmentId, stage: 'paused', currentDay: 1, reason: null, seq: 2 });
    expect(await stored(enrollmentId)).toEqual({
      stage: 'blocked',
      currentDay: 1,
      stageReason: 'BotBlockedError',
      stageSeq: 3,
    });
    await store.recordStage({ enrollmentId, stage: 'active', currentDay: 2, reason: null, seq: 4 });
    expect(await stored(enrollmentId)).toEqual({ stage: 'active', currentDay: 2, stageReason: null, stageSeq: 4 });
  });

  it('writes a number once: a retried attempt leaves the time of the change as it was', async () => {
    const enrollmentId = await openEnrollment('stage-seq-retry');
    await store.recordStage({ enrollmentId, stage: 'completed', currentDay: 2, reason: null, seq: 1 });
    const first = await changedAt(enrollmentId);
    await db.sql`select pg_sleep(0.01)`;
    await store.recordStage({ enrollmentId, stage: 'completed', currentDay: 2, reason: null, seq: 1 });
    expect(await changedAt(enrollmentId)).toBe(first);
    expect(await stored(enrollmentId)).toMatchObject({ stage: 'completed', stageSeq: 1 });
  });

  it('applies an unnumbered write (scheduled before the numbering) only until a numbered one has landed', async () => {
    const enrollmentId = await openEnrollment('stage-seq-legacy');
    expect(await stored(enrollmentId)).toMatchObject({ stage: 'awaiting-payment', stageSeq: 0 });
    await store.recordStage({ enrollmentId, stage: 'active', currentDay: 1, reason: null });
    expect(await stored(enrollmentId)).toMatchObject({ stage: 'active', currentDay: 1, stageSeq: 0 });
    await store.recordStage({ enrollmentId, stage: 'paused', currentDay: 1, reason: null, seq: 1 });
    await store.recordStage({ enrollmentId, stage: 'active', currentDay: 2, reason: null });
    expect(await stored(enrollmentId)).toMatchObject({ stage: 'paused', currentDay: 1, stageSeq: 1 });
  });
});

describe('recordAssignment: a submission the course bot stored', () => {
  let db: TestDatabase;
  let store: ReturnType<typeof createEnrollmentStore>;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = createEnrollmentStore({ sql: db.sql });
    await insertCourse(db.sql, { slug: 'stored-submissions', lessons: [{ day: 1 }] });
  });
  afterAll(async () => db?.drop());

  async function enrollmentWithSubmission(text: string) {
    const { userId } = await insertUser(db.sql);
    const { enrollmentId } = await store.openEnrollment({
      workflowId: `stored-${userId}`,
      userId,
      courseSlug: 'stored-submissions',
    });
    const [{ id }] = await db.sql<[{ id: number }]>`
      insert into submissions (enrollment_id, day, submission_key, parts)
      values (${enrollmentId}, 1, ${`chat:${userId}`}, ${db.sql.json([{ type: 'text', text }])}) returning id`;
    return { enrollmentId, submissionId: id };
  }

  it('becomes an assignment with its parts, once however often it is recorded', async () => {
    const { enrollmentId, submissionId } = await enrollmentWithSubmission('Mine');
    const submission = { submissionKey: `submission:${submissionId}`, day: 1, submissionId };
    const first = await store.recordAssignment({ enrollmentId, submission });
    const again = await store.recordAssignment({ enrollmentId, submission });
    expect(again).toEqual(first);
    const rows = await db.sql`select parts from assignments where enrollment_id = ${enrollmentId}`;
    expect(rows).toEqual([{ parts: [{ type: 'text', text: 'Mine' }] }]);
  });

  it('refuses another enrollment’s submission (NotFoundError) and records nothing', async () => {
    const theirs = await enrollmentWithSubmission('Theirs');
    const mine = await enrollmentWithSubmission('Mine');
    const submission = {
      submissionKey: `submission:${theirs.submissionId}`,
      day: 1,
      submissionId: theirs.submissionId,
    };
    await expect(store.recordAssignment({ enrollmentId: mine.enrollmentId, submission })).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    expect(await db.sql`select id from assignments where enrollment_id = ${mine.enrollmentId}`).toEqual([]);
  });
});
