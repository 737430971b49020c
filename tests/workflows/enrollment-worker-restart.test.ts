import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressQuery } from '../../journey/definitions';
import { insertCourse, insertUser, payment } from '../helpers/fixtures';
import { saveHistoryIfCapturing } from '../helpers/histories';
import { enrollmentRows, lessonArrivals } from '../helpers/journey';
import { eventually, startPlatform } from '../helpers/platform';
import type { Platform } from '../helpers/platform';

const INTERVAL = 1_500;

describe('a worker stopped mid-journey', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(async () => platform?.close());

  it('resumes on a new worker with no lesson lost or repeated', async () => {
    const courseSlug = platform.slug('restart');
    await insertCourse(platform.db.sql, {
      slug: courseSlug,
      intervalMs: INTERVAL,
      lessons: [1, 2, 3, 4, 5].map((day) => ({ day })),
    });
    const { userId, telegramId } = await insertUser(platform.db.sql);
    const input = { userId, courseSlug };
    const handle = platform.temporal.enrollments.handle(input);
    await platform.temporal.enrollments.pay(input, payment('PREMIUM'));
    await eventually(
      () => handle.query(progressQuery),
      (p) => p.lessonsDelivered.length === 2,
    );

    await platform.worker.stop();
    const stoppedAt = Date.now();
    // Lesson 3 falls due while no worker runs; nothing can be sent.
    await new Promise((resolve) => setTimeout(resolve, INTERVAL * 2));
    expect([...lessonArrivals(platform, telegramId).keys()]).toEqual([1, 2]);

    await platform.restartWorker();
    expect(await handle.result()).toEqual({ stage: 'completed', lessonsDelivered: [1, 2, 3, 4, 5] });
    await saveHistoryIfCapturing(handle, 'worker-restart');
    const arrivals = lessonArrivals(platform, telegramId);
    expect([...arrivals.keys()]).toEqual([1, 2, 3, 4, 5]);
    for (const times of arrivals.values()) expect(times).toHaveLength(1);
    expect(arrivals.get(3)![0]!).toBeGreaterThan(stoppedAt + INTERVAL);
    expect((await enrollmentRows(platform.db.sql, input))?.deliveredDays).toEqual([1, 2, 3, 4, 5]);
  });
});
