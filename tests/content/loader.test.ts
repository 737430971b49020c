import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CourseContentError, loadCourseFromDir, parseLessonFile } from '../../content/loader';

const DEMO_DIR = path.join(__dirname, '..', '..', 'content', 'demo');
const scratch = mkdtempSync(path.join(tmpdir(), 'content-loader-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const COURSE_YAML = `slug: sample
title: Sample
tariffs:
  BASIC: { title: Basic, price: 19.99, currency: USD, includes: [Lessons] }
`;
const lesson = (day: number | string, body = 'Text') => `---\nday: ${day}\ntitle: Lesson ${day}\n---\n${body}\n`;

let courses = 0;
/** A course folder named `sample` (its slug) with the given files. */
function writeCourse(files: Record<string, string>): string {
  const dir = path.join(scratch, String(++courses), 'sample');
  mkdirSync(path.join(dir, 'lessons'), { recursive: true });
  for (const [name, text] of Object.entries({ 'course.yaml': COURSE_YAML, ...files }))
    writeFileSync(path.join(dir, name), text);
  return dir;
}

async function loadError(dir: string): Promise<string> {
  const error = await loadCourseFromDir(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CourseContentError);
  return (error as CourseContentError).message;
}

describe('loadCourseFromDir', () => {
  it('parses the demo course', async () => {
    const course = await loadCourseFromDir(DEMO_DIR);
    expect(course).toMatchObject({
      slug: 'demo',
      language: 'en',
      lessonIntervalMs: 86_400_000,
      unpaidExpiryMs: 72 * 3_600_000,
      feedbackWaitMs: 14 * 86_400_000,
      onboardingWaitMs: 30 * 60_000,
      protectContent: false,
      certificate: true,
    });
    expect(course.tariffs.map((t) => t.priceStars)).toEqual([950, 2450, 4950]);
    expect(course.tariffs.map((t) => [t.tariff, t.priceMinor, t.currency])).toEqual([
      ['BASIC', 1900, 'USD'],
      ['FEEDBACK', 4900, 'USD'],
      ['PREMIUM', 9900, 'USD'],
    ]);
    expect(course.lessons.map((l) => l.day)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(course.lessons[3]).toEqual({ day: 4, title: 'Rest day', silent: true, parts: [], tasks: {} });
    expect(course.lessons.map((l) => l.gate ?? null)).toEqual(['submitted', null, null, null, null, null, null]);
    for (const l of course.lessons.filter((l) => !l.silent)) {
      expect(l.parts[0]?.type).toBe('text');
      expect(Object.keys(l.tasks).sort()).toEqual(['BASIC', 'FEEDBACK', 'PREMIUM']);
    }
    expect(course.lessons.flatMap((l) => l.parts).filter((p) => p.type === 'photo')).toEqual([
      expect.objectContaining({ source: expect.stringMatching(/^https:\/\//) }),
    ]);
    expect(course.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await loadCourseFromDir(DEMO_DIR)).contentHash).toBe(course.contentHash);
  });

  it('rounds prices to minor units and keeps XTR prices as whole stars', async () => {
    const xtr = COURSE_YAML.replace('price: 19.99, currency: USD', 'price: 250, currency: XTR');
    expect((await loadCourseFromDir(writeCourse({ 'lessons/1.md': lesson(1) }))).tariffs[0]?.priceMinor).toBe(1999);
    const stars = await loadCourseFromDir(writeCourse({ 'course.yaml': xtr, 'lessons/1.md': lesson(1) }));
    expect(stars.tariffs[0]).toMatchObject({ priceMinor: 250, currency: 'XTR' });
  });

  it('rejects a day used by two files, naming both', async () => {
    const message = await loadError(writeCourse({ 'lessons/a.md': lesson(2), 'lessons/b.md': lesson(2) }));
    expect(message).toMatch(/sample\/lessons\/b\.md: day: 2 is already the day of .*sample\/lessons\/a\.md/);
  });

  it('rejects an unknown tariff', async () => {
    const yaml = `${COURSE_YAML}  GOLD: { title: Gold, price: 1, currency: USD, includes: [] }\n`;
    const message = await loadError(writeCourse({ 'course.yaml': yaml, 'lessons/1.md': lesson(1) }));
    expect(message).toMatch(/sample\/course\.yaml: tariffs: unknown tariff GOLD/);
  });

  it('rejects a bad currency', async () => {
    const yaml = COURSE_YAML.replace('USD', 'usd');
    const message = await loadError(writeCourse({ 'course.yaml': yaml, 'lessons/1.md': lesson(1) }));
    expect(message).toMatch(/sample\/course\.yaml: tariffs\.BASIC\.currency: expected 3 capital letters/);
  });

  it('rejects a bad duration', async () => {
    const yaml = `${COURSE_YAML}lessonInterval: tomorrow\n`;
    const message = await loadError(writeCourse({ 'course.yaml': yaml, 'lessons/1.md': lesson(1) }));
    expect(message).toMatch(/sample\/course\.yaml: lessonInterval: expected a duration .*"tomorrow"/);
  });

  it('takes the students’ default reminders (#17), and none when the course has no such field', async () => {
    const without = await loadCourseFromDir(writeCourse({ 'lessons/1.md': lesson(1) }));
    expect(without).not.toHaveProperty('reminders');
    const yaml = `${COURSE_YAML}reminders: { perDay: 3, window: '08:00-20:30' }\n`;
    const course = await loadCourseFromDir(writeCourse({ 'course.yaml': yaml, 'lessons/1.md': lesson(1) }));
    expect(course.reminders).toEqual({ perDay: 3, startMinute: 480, endMinute: 1230 });
    expect(course.contentHash).not.toBe(without.contentHash);
    const byDefault = `${COURSE_YAML}reminders: { perDay: 0 }\n`;
    expect(
      (await loadCourseFromDir(writeCourse({ 'course.yaml': byDefault, 'lessons/1.md': lesson(1) }))).reminders,
    ).toEqual({ perDay: 0, startMinute: 540, endMinute: 1260 });
  });

  it('rejects reminders beyond 5 a day and windows that cross midnight', async () => {
    for (const [field, error] of [
      ['{ perDay: 6 }', /reminders\.perDay: expected a whole number from 0 to 5/],
      [
        "{ perDay: 2, window: '21:00-09:00' }",
        /reminders\.window: expected a window like 09:00-21:00 \(start before end\)/,
      ],
      ["{ perDay: 2, every: '1h' }", /reminders: unknown field every/],
    ] as const) {
      const yaml = `${COURSE_YAML}reminders: ${field}\n`;
      expect(await loadError(writeCourse({ 'course.yaml': yaml, 'lessons/1.md': lesson(1) }))).toMatch(error);
    }
  });

  it('rejects a slug that differs from the folder name', async () => {
    const message = await loadError(
      writeCourse({ 'course.yaml': COURSE_YAML.replace('sample', 'other'), 'lessons/1.md': lesson(1) }),
    );
    expect(message).toMatch(/course\.yaml: slug: "other" must equal the folder name "sample"/);
  });

  it('rejects a course without lessons', async () => {
    expect(await loadError(writeCourse({}))).toMatch(/sample\/lessons: no lessons/);
  });

  it('takes a gate on a lesson with tasks, and none on the last lesson', async () => {
    const gated = `---\nday: 1\ntitle: One\ngate: approved\ntasks: { BASIC: Do it }\n---\nText\n`;
    const course = await loadCourseFromDir(writeCourse({ 'lessons/1.md': gated, 'lessons/2.md': lesson(2) }));
    expect(course.lessons.map((l) => l.gate)).toEqual(['approved', undefined]);

    const last = `---\nday: 2\ntitle: Two\ngate: submitted\ntasks: { BASIC: Do it }\n---\nText\n`;
    expect(await loadError(writeCourse({ 'lessons/1.md': lesson(1), 'lessons/2.md': last }))).toMatch(
      /lessons\/2\.md: gate: day 2 is the last lesson; no lesson follows for a gate to hold back$/,
    );
  });

  it('reads a course in cohorts with its defaults, and none for a self-paced course', async () => {
    const yaml = `${COURSE_YAML}cohorts:\n  policy: from-today\n  starts:\n    - { name: spring-2027, startsOn: '2027-03-01' }\n`;
    const course = await loadCourseFromDir(writeCourse({ 'course.yaml': yaml, 'lessons/1.md': lesson(1) }));
    expect(course.cohorts).toEqual({
      policy: 'from-today',
      catchUpEveryMs: 5 * 60_000,
      lessonTime: '09:00',
      joinUntilDay: null,
      starts: [{ name: 'spring-2027', startsOn: '2027-03-01' }],
    });
    expect((await loadCourseFromDir(writeCourse({ 'lessons/1.md': lesson(1) }))).cohorts).toBeUndefined();
  });

  it('rejects a bad cohort policy, name, date, lesson time and a name used twice, naming each field', async () => {
    const yaml = `${COURSE_YAML}cohorts:
  policy: whenever
  lessonTime: '25:00'
  starts:
    - { name: Spring, startsOn: '2027-02-30' }
    - { name: autumn, startsOn: '2027-09-01' }
    - { name: autumn, startsOn: '2027-10-01' }
`;
    const message = await loadError(writeCourse({ 'course.yaml': yaml, 'lessons/1.md': lesson(1) }));
    expect(message).toMatch(/cohorts\.policy: expected catch-up or from-today/);
    expect(message).toMatch(/cohorts\.lessonTime: expected a time like 09:00/);
    expect(message).toMatch(/cohorts\.starts\[0\]\.name: expected lowercase letters/);
    expect(message).toMatch(/cohorts\.starts\[0\]\.startsOn: expected a date like 2027-03-01/);
    expect(message).toMatch(/cohorts\.starts: expected each cohort name once/);
  });

  it('reports every broken lesson file at once', async () => {
    const message = await loadError(writeCourse({ 'lessons/1.md': lesson(0), 'lessons/2.md': lesson('two') }));
    expect(message.split('\n')).toEqual([
      expect.stringMatching(/lessons\/1\.md: day: expected a positive integer$/),
      expect.stringMatching(/lessons\/2\.md: day: expected a positive integer$/),
    ]);
  });
});

describe('parseLessonFile', () => {
  const file = 'content/demo/lessons/03-x.md';

  it('makes the body a text part followed by the media in order', () => {
    const text = `---
day: 3
title: Buttons
tasks: { BASIC: Do it }
media:
  - { type: photo, source: https://example.com/a.png, caption: A }
  - { type: voice, source: AwACAgIAAxkBAAIBZ2ZxYz-abcdefghijklmnop }
---

<b>Buttons</b> &amp; keyboards.
`;
    expect(parseLessonFile(text, file)).toEqual({
      day: 3,
      title: 'Buttons',
      silent: false,
      tasks: { BASIC: 'Do it' },
      parts: [
        { type: 'text', text: '<b>Buttons</b> &amp; keyboards.' },
        { type: 'photo', source: 'https://example.com/a.png', caption: 'A' },
        { type: 'voice', source: 'AwACAgIAAxkBAAIBZ2ZxYz-abcdefghijklmnop' },
      ],
    });
  });

  it.each([
    ['a day that is not a positive integer', lesson(-1), 'day: expected a positive integer'],
    ['a missing title', '---\nday: 3\n---\nText', 'title: required'],
    ['an unknown field', '---\nday: 3\ntitle: T\ndya: 4\n---\nText', 'unknown field dya'],
    [
      'an unknown tariff in tasks',
      '---\nday: 3\ntitle: T\ntasks: { GOLD: x }\n---\nText',
      'tasks: unknown tariff GOLD',
    ],
    [
      'media that is not a URL or file_id',
      '---\nday: 3\ntitle: T\nmedia: [{ type: photo, source: "x y" }]\n---\n',
      'media[0].source: expected an https URL',
    ],
    ['no front matter', 'day: 3\n', 'expected YAML front matter'],
    ['an empty body on a normal day', lesson(3, ''), 'body: empty'],
    ['text on a silent day', '---\nday: 3\ntitle: T\nsilent: true\n---\nText', 'silent: a silent day sends nothing'],
    ['a bare < in the body', lesson(3, 'Line\nif a < b'), 'body: line 6: a bare "<"; write &lt;'],
    ['an unsupported tag', lesson(3, '<div>x</div>'), 'body: line 5: unsupported tag <div>'],
    ['an unclosed tag', lesson(3, '<b>bold'), 'body: line 5: <b> is never closed'],
    ['a bare & in a task', '---\nday: 3\ntitle: T\ntasks: { BASIC: Q&A }\n---\nText', 'tasks.BASIC: a bare "&"'],
  ])('rejects %s, naming the file and field', (_case, text, expected) => {
    expect(() => parseLessonFile(text, file)).toThrow(CourseContentError);
    expect(() => parseLessonFile(text, file)).toThrow(`${file}: ${expected}`);
  });

  it('marks album items and checks Telegram’s album rules', () => {
    const lesson = (media: string) => `---\nday: 4\ntitle: Album\nmedia:\n${media}\n---\n\nText.\n`;
    const photo = (name: string, album = true) =>
      `  - { type: photo, source: https://example.com/${name}.png, album: ${album} }`;
    const parsed = parseLessonFile(lesson([photo('a'), photo('b'), photo('c', false)].join('\n')), file);
    expect(parsed.parts.slice(1)).toEqual([
      { type: 'photo', source: 'https://example.com/a.png', album: true },
      { type: 'photo', source: 'https://example.com/b.png', album: true },
      { type: 'photo', source: 'https://example.com/c.png' },
    ]);
    expect(() => parseLessonFile(lesson(photo('solo')), file)).toThrow(/an album has 2 to 10 items, this one has 1/);
    const mixed = [photo('a'), '  - { type: document, source: https://example.com/d.pdf, album: true }'].join('\n');
    expect(() => parseLessonFile(lesson(mixed), file)).toThrow(/only documents/);
  });

  it('rejects broken YAML with its line in the file', () => {
    expect(() => parseLessonFile('---\nday: 3\ntitle: T: x\n---\nText', file)).toThrow(
      new RegExp(`^${file}: line 3: invalid YAML`),
    );
  });

  it('rejects a gate it does not know, naming the ones it does', () => {
    expect(() =>
      parseLessonFile('---\nday: 3\ntitle: T\ngate: reviewed\ntasks: { BASIC: x }\n---\nText', file),
    ).toThrow(new RegExp(`^${file}: gate: expected submitted or approved$`));
  });

  it('rejects a gate on a lesson without tasks, and on a silent day', () => {
    expect(() => parseLessonFile('---\nday: 3\ntitle: T\ngate: submitted\n---\nText', file)).toThrow(
      new RegExp(`^${file}: gate: a lesson without tasks has nothing to hand in; add tasks or remove the gate$`),
    );
    expect(() => parseLessonFile('---\nday: 4\ntitle: Rest\nsilent: true\ngate: submitted\n---\n', file)).toThrow(
      /gate: a lesson without tasks/,
    );
  });

  it('accepts a silent day with an empty body', () => {
    expect(parseLessonFile('---\nday: 4\ntitle: Rest\nsilent: true\n---\n', file)).toEqual({
      day: 4,
      title: 'Rest',
      silent: true,
      parts: [],
      tasks: {},
    });
  });
});
