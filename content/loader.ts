import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, YAMLError } from 'yaml';
import { z } from 'zod';
import { COHORT_NAME, COHORT_POLICIES, parseCohortDate } from '../domain/cohorts';
import type { Cohort, CohortRules } from '../domain/cohorts';
import { GATES } from '../domain/gates';
import type { Gate } from '../domain/gates';
import { TARIFFS } from '../domain/tariffs';
import type { Tariff } from '../domain/tariffs';
import type { LessonPart, LessonTasks, MediaKind } from '../domain/lesson-content';
import { parseDuration } from '../domain/schedule';
import { MAX_REMINDERS_PER_DAY, parseReminderWindow } from '../domain/reminders';
import type { ReminderSettings } from '../domain/reminders';
import type { LessonQuiz } from '../domain/quizzes';
import { makeQuizSchema } from './quiz-schema';

/** Content that cannot be imported. Each line names the file and the field at fault, so authors can fix it alone. */
export class CourseContentError extends Error {
  override name = 'CourseContentError';
}

export interface TariffDefinition {
  tariff: Tariff;
  title: string;
  /** Cents (price × 100), or whole stars for XTR. */
  priceMinor: number;
  currency: string;
  includes: string[];
  /** Telegram chat ids of the tariff's private groups. */
  groupChatIds: number[];
  /** Price in Telegram Stars; the tariff is not sold for Stars without one. */
  priceStars: number | null;
}

export interface LessonDefinition {
  day: number;
  title: string;
  silent: boolean;
  parts: LessonPart[];
  tasks: LessonTasks;
  /** What the homework must reach before the next lesson comes; absent for an open lesson (the hash stays as it was). */
  gate?: Gate;
  /** Questions sent as Telegram quiz polls after the lesson (#17); absent without a quiz (the hash stays as it was). */
  quiz?: LessonQuiz;
}

/** A course as authored under content/<slug>/, validated and normalized: what `importCourse` writes. */
export interface CourseDefinition {
  slug: string;
  title: string;
  description: string;
  language: string;
  lessonIntervalMs: number;
  unpaidExpiryMs: number;
  feedbackWaitMs: number;
  /** How long a new student has to choose a lesson time before the course begins anyway (0: at once). */
  onboardingWaitMs: number;
  /** After a lesson, when a reviewed student who has not handed in its assignment is reminded once (0: never). */
  reminderAfterMs: number;
  /** Reminders a day and their window for students who have not set theirs (#17); absent: the one reminder above. */
  reminders?: ReminderSettings;
  protectContent: boolean;
  /** Students who complete the course get a certificate (#17); absent when off, so older courses hash as before. */
  certificate?: true;
  /** How long a partner's commission is held for refunds (#18); absent: PARTNER_HOLD_DEFAULT_MS, hash as before. */
  partnerHoldMs?: number;
  /** In BASIC, FEEDBACK, PREMIUM order. */
  tariffs: TariffDefinition[];
  /** By day. */
  lessons: LessonDefinition[];
  /** A course in cohorts (#17) and the cohorts course.yaml lists; absent for a self-paced course. */
  cohorts?: CohortRules & { starts: Cohort[] };
  /** sha256 of everything above, independent of file names and key order: an unchanged course imports as a no-op. */
  contentHash: string;
}

const MEDIA_KINDS = ['photo', 'video', 'document', 'voice', 'audio'] as const satisfies readonly MediaKind[];

/** One schema per tariff, keyed as TARIFFS (domain/tariffs.ts); the record type makes sure no tariff is left out. */
function perTariff<S>(schema: () => S): Record<Tariff, S> {
  return { BASIC: schema(), FEEDBACK: schema(), PREMIUM: schema() };
}

const expected = (what: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : `expected ${what}`),
});

/** Unknown keys are errors: a misspelt optional field would otherwise silently fall back to its default. */
function strict<T extends z.core.$ZodLooseShape>(shape: T, what: string, keyNoun = 'field') {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown ${keyNoun} ${issue.keys.join(', ')} (expected ${Object.keys(shape).join(', ')})`
        : issue.input === undefined
          ? 'required'
          : `expected ${what}`,
  });
}

const plainText = z.string(expected('text')).trim().min(1, expected('non-empty text'));
const telegramHtml = plainText.superRefine((text, ctx) => {
  const problem = findHtmlProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem.message });
});

/** A duration like 24h or 1h30m; `allowZero` for waits that may be switched off with 0s. */
const durationSchema = (allowZero = false) =>
  z.union([z.string(), z.number()], expected('a duration like 24h, 30m or 1h30m')).transform((value, ctx) => {
    try {
      const ms = parseDuration(value);
      if (ms > 0 || (allowZero && ms === 0)) return ms;
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
    }
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration like 24h, 30m or 1h30m, got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  });
const duration = durationSchema();

const tariffSchema = strict(
  {
    title: plainText,
    price: z.number(expected('a price like 19.00')).min(0, expected('a price of 0 or more')),
    currency: z.string(expected('a currency')).regex(/^[A-Z]{3}$/, expected('3 capital letters, like USD or XTR')),
    includes: z.array(plainText, expected('a list of strings')),
    groups: z.array(z.int(expected('a Telegram chat id')), expected('a list of Telegram chat ids')).default([]),
    stars: z.int(expected('whole Telegram Stars')).min(1, expected('at least 1 star')).optional(),
  },
  'a tariff with title, price, currency and includes',
).superRefine((t, ctx) => {
  // Floats: 19.99 * 100 is 1998.9999999999998, so "whole" means within rounding noise.
  const minor = t.currency === 'XTR' ? t.price : t.price * 100;
  if (Math.abs(minor - Math.round(minor)) > 1e-6) {
    const message = t.currency === 'XTR' ? 'expected whole stars for XTR' : 'expected at most 2 decimal places';
    ctx.addIssue({ code: 'custom', path: ['price'], message });
  }
});

const tariffs = perTariff(() => tariffSchema.optional());

const cohortsSchema = strict(
  {
    policy: z.enum(COHORT_POLICIES, expected(COHORT_POLICIES.join(' or '))),
    catchUpEvery: durationSchema(true).prefault('5m'),
    lessonTime: z
      .string(expected('a time like 09:00'))
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, expected('a time like 09:00'))
      .default('09:00'),
    joinUntilDay: z.int(expected('a positive integer')).min(1, expected('a positive integer')).optional(),
    starts: z
      .array(
        strict(
          {
            name: z
              .string(expected('a name'))
              .regex(COHORT_NAME, expected('lowercase letters, digits and dashes (at most 40)')),
            startsOn: z
              .string(expected('a date like 2027-03-01'))
              .refine((value) => parseCohortDate(value) !== undefined, expected('a date like 2027-03-01')),
          },
          'a cohort with name and startsOn',
        ),
        expected('a list of cohorts'),
      )
      .default([])
      .refine((starts) => new Set(starts.map((c) => c.name)).size === starts.length, {
        error: 'expected each cohort name once',
      }),
  },
  'a mapping with policy and starts',
);

const courseSchema = strict(
  {
    slug: z
      .string(expected('a slug'))
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, expected('lowercase letters, digits and dashes (at most 63)')),
    title: plainText,
    description: z.string(expected('text')).trim().default(''),
    language: z
      .string(expected('a language code'))
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, expected('a language code like en'))
      .default('en'),
    lessonInterval: duration.prefault('24h'),
    unpaidExpiry: duration.prefault('72h'),
    feedbackWait: duration.prefault('14d'),
    onboardingWait: durationSchema(true).prefault('30m'),
    reminderAfter: durationSchema(true).prefault('20h'),
    partnerHold: durationSchema(true).optional(),
    reminders: strict(
      {
        perDay: z
          .int(expected(`a whole number from 0 to ${MAX_REMINDERS_PER_DAY}`))
          .min(0, expected(`a whole number from 0 to ${MAX_REMINDERS_PER_DAY}`))
          .max(MAX_REMINDERS_PER_DAY, expected(`a whole number from 0 to ${MAX_REMINDERS_PER_DAY}`)),
        window: z
          .string(expected('a window like 09:00-21:00'))
          .default('09:00-21:00')
          .transform((text, ctx) => {
            try {
              return parseReminderWindow(text);
            } catch {
              ctx.addIssue({
                code: 'custom',
                message: `expected a window like 09:00-21:00 (start before end), got ${JSON.stringify(text)}`,
              });
              return z.NEVER;
            }
          }),
      },
      'a mapping with perDay and window',
    ).optional(),
    protectContent: z.boolean(expected('true or false')).default(false),
    cohorts: cohortsSchema.optional(),
    certificate: z.boolean(expected('true or false')).default(false),
    tariffs: strict(tariffs, 'a map of tariffs', 'tariff').refine((t) => Object.keys(t).length > 0, {
      error: `expected at least one of ${TARIFFS.join(', ')}`,
    }),
  },
  'a YAML mapping with slug, title and tariffs',
);

const mediaSchema = strict(
  {
    type: z.enum(MEDIA_KINDS, expected(MEDIA_KINDS.join(', '))),
    source: z
      .string(expected('an https URL or a Telegram file_id'))
      .regex(/^(https:\/\/\S+|[\w-]{20,})$/, expected('an https URL or a Telegram file_id')),
    // Sent without parse_mode, and Telegram refuses longer captions.
    caption: z
      .string(expected('text'))
      .trim()
      .max(1024, expected("at most 1024 characters (Telegram's limit)"))
      .optional(),
    album: z.boolean(expected('true or false')).optional(),
  },
  'a media item with type and source',
);

const lessonSchema = strict(
  {
    day: z.int(expected('a positive integer')).min(1, expected('a positive integer')),
    // The lesson header puts the title inside Telegram HTML; without <, > and & it reads the same escaped or not.
    title: plainText.regex(/^[^<>&]*$/, expected('plain text without <, > or &')),
    silent: z.boolean(expected('true or false')).default(false),
    tasks: strict(
      perTariff(() => telegramHtml.optional()),
      'a map of tasks per tariff',
      'tariff',
    ).default({}),
    media: z.array(mediaSchema, expected('a list of media items')).default([]),
    gate: z.enum(GATES, expected(GATES.join(' or '))).optional(),
    quiz: makeQuizSchema({ strict, expected, plainText, duration }).optional(),
  },
  'front matter fields day and title',
);

/** Telegram's rules for albums: 2-10 items; photos and videos together, or only documents, or only audio. */
function findAlbumProblem(media: LessonPart[]): string | undefined {
  for (const album of albumsOf(media)) {
    const kinds = new Set(album.map((item) => item.type));
    if (album.length < 2 || album.length > 10) return `an album has 2 to 10 items, this one has ${album.length}`;
    const visual = [...kinds].every((k) => k === 'photo' || k === 'video');
    if (!visual && kinds.size > 1) return 'an album mixes photos and videos, or holds only documents, or only audio';
    if (kinds.has('voice')) return 'voice notes cannot be in an album';
  }
  return undefined;
}

/** Runs of consecutive parts marked album: true. */
function albumsOf(parts: LessonPart[]): LessonPart[][] {
  const albums: LessonPart[][] = [];
  let current: LessonPart[] = [];
  for (const part of parts) {
    if (part.type !== 'text' && part.album) current.push(part);
    else if (current.length > 0) {
      albums.push(current);
      current = [];
    }
  }
  if (current.length > 0) albums.push(current);
  return albums;
}

/** Parses one lesson file: YAML front matter between `---` lines, then the lesson text in Telegram HTML. */
export function parseLessonFile(text: string, fileName: string): LessonDefinition {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const end = lines.findIndex((line, i) => i > 0 && line.trimEnd() === '---');
  if (lines[0]?.trimEnd() !== '---' || end < 0) {
    throw new CourseContentError(`${fileName}: expected YAML front matter between two --- lines at the top`);
  }
  const fm = validate(lessonSchema, parseYamlText(lines.slice(1, end).join('\n'), fileName, 1), fileName);

  const rest = lines.slice(end + 1);
  const skipped = rest.findIndex((line) => line.trim() !== '');
  const body = skipped < 0 ? '' : rest.slice(skipped).join('\n').trimEnd();
  const problem = findHtmlProblem(body);
  if (problem) {
    const line = end + 2 + skipped + problem.line - 1;
    throw new CourseContentError(`${fileName}: body: line ${line}: ${problem.message}`);
  }

  const hasContent = body !== '' || fm.media.length > 0;
  if (fm.silent && (hasContent || Object.keys(fm.tasks).length > 0)) {
    throw new CourseContentError(`${fileName}: silent: a silent day sends nothing; remove its text, media and tasks`);
  }
  if (!fm.silent && !hasContent) {
    throw new CourseContentError(
      `${fileName}: body: empty; write the lesson text below the front matter or set silent: true`,
    );
  }
  if (fm.gate && Object.keys(fm.tasks).length === 0) {
    throw new CourseContentError(
      `${fileName}: gate: a lesson without tasks has nothing to hand in; add tasks or remove the gate`,
    );
  }
  if (fm.quiz && fm.silent) {
    throw new CourseContentError(`${fileName}: quiz: a silent day sends nothing; move the quiz to a lesson`);
  }
  const media = fm.media.map(({ type, source, caption, album }): LessonPart => ({
    type,
    source,
    ...(caption ? { caption } : {}),
    ...(album ? { album: true as const } : {}),
  }));
  const albumProblem = findAlbumProblem(media);
  if (albumProblem) throw new CourseContentError(`${fileName}: media: ${albumProblem}`);
  return {
    day: fm.day,
    title: fm.title,
    silent: fm.silent,
    parts: body === '' ? media : [{ type: 'text', text: body }, ...media],
    tasks: fm.tasks,
    ...(fm.gate ? { gate: fm.gate } : {}),
    ...(fm.quiz ? { quiz: fm.quiz } : {}),
  };
}

/** Reads and validates content/<slug>/ (course.yaml and lessons/*.md), reporting every broken file at once. */
export async function loadCourseFromDir(dir: string): Promise<CourseDefinition> {
  const root = path.resolve(dir);
  const courseFile = displayPath(path.join(root, 'course.yaml'));
  const courseText = await readFile(path.join(root, 'course.yaml'), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
    throw new CourseContentError(`${courseFile}: not found; a course folder needs a course.yaml`);
  });
  const course = validate(courseSchema, parseYamlText(courseText, courseFile, 0), courseFile);
  if (course.slug !== path.basename(root)) {
    throw new CourseContentError(
      `${courseFile}: slug: "${course.slug}" must equal the folder name "${path.basename(root)}"`,
    );
  }

  const lessonsDir = path.join(root, 'lessons');
  const names = (await readdir(lessonsDir).catch(() => [])).filter((name) => name.endsWith('.md')).sort();
  if (names.length === 0) {
    throw new CourseContentError(`${displayPath(lessonsDir)}: no lessons; add lessons/*.md files`);
  }
  const problems: string[] = [];
  const fileOfDay = new Map<number, string>();
  const lessons: LessonDefinition[] = [];
  for (const name of names) {
    const file = displayPath(path.join(lessonsDir, name));
    try {
      const lesson = parseLessonFile(await readFile(path.join(lessonsDir, name), 'utf8'), file);
      const other = fileOfDay.get(lesson.day);
      if (other) problems.push(`${file}: day: ${lesson.day} is already the day of ${other}`);
      fileOfDay.set(lesson.day, file);
      lessons.push(lesson);
    } catch (error) {
      if (!(error instanceof CourseContentError)) throw error;
      problems.push(error.message);
    }
  }
  const last = Math.max(...lessons.map((lesson) => lesson.day));
  if (lessons.some((lesson) => lesson.gate && lesson.day === last)) {
    problems.push(
      `${fileOfDay.get(last)}: gate: day ${last} is the last lesson; no lesson follows for a gate to hold back`,
    );
  }
  if (lessons.some((lesson) => lesson.quiz && lesson.quiz.passMark !== null && lesson.day === last)) {
    problems.push(
      `${fileOfDay.get(last)}: quiz.passMark: day ${last} is the last lesson; no lesson follows for a pass mark to hold back`,
    );
  }
  if (problems.length > 0) throw new CourseContentError(problems.join('\n'));

  const definition: Omit<CourseDefinition, 'contentHash'> = {
    slug: course.slug,
    title: course.title,
    description: course.description,
    language: course.language,
    lessonIntervalMs: course.lessonInterval,
    unpaidExpiryMs: course.unpaidExpiry,
    feedbackWaitMs: course.feedbackWait,
    onboardingWaitMs: course.onboardingWait,
    reminderAfterMs: course.reminderAfter,
    ...(course.partnerHold !== undefined ? { partnerHoldMs: course.partnerHold } : {}),
    // Only when authored, so every course without it keeps its content hash.
    ...(course.reminders ? { reminders: { perDay: course.reminders.perDay, ...course.reminders.window } } : {}),
    protectContent: course.protectContent,
    ...(course.certificate ? { certificate: true as const } : {}),
    tariffs: TARIFFS.flatMap((tariff) => {
      const t = course.tariffs[tariff];
      if (!t) return [];
      const priceMinor = t.currency === 'XTR' ? Math.round(t.price) : Math.round(t.price * 100);
      return [
        {
          tariff,
          title: t.title,
          priceMinor,
          currency: t.currency,
          includes: t.includes,
          groupChatIds: t.groups,
          priceStars: t.stars ?? null,
        },
      ];
    }),
    lessons: lessons.sort((a, b) => a.day - b.day),
    ...(course.cohorts
      ? {
          cohorts: {
            policy: course.cohorts.policy,
            catchUpEveryMs: course.cohorts.catchUpEvery,
            lessonTime: course.cohorts.lessonTime,
            joinUntilDay: course.cohorts.joinUntilDay ?? null,
            starts: course.cohorts.starts,
          },
        }
      : {}),
  };
  return { ...definition, contentHash: createHash('sha256').update(canonicalJson(definition)).digest('hex') };
}

function validate<T extends z.ZodType>(schema: T, input: unknown, fileName: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const field = issue.path
      .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i > 0 ? '.' : ''}${String(key)}`))
      .join('');
    return `${fileName}: ${field ? `${field}: ` : ''}${issue.message}`;
  });
  throw new CourseContentError(lines.join('\n'));
}

/** `lineOffset`: lines above the YAML in its file, so a reported line number matches the author's editor. */
function parseYamlText(text: string, fileName: string, lineOffset: number): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    if (!(error instanceof YAMLError)) throw error;
    const where = error.linePos ? `line ${error.linePos[0].line + lineOffset}: ` : '';
    throw new CourseContentError(`${fileName}: ${where}invalid YAML: ${error.message.split(' at line')[0]}`);
  }
}

const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:="[^"]*")?)*)\s*>/y;
const ENTITY = /&(?:lt|gt|amp|quot|#\d+|#x[\da-fA-F]+);/y;
const ATTRIBUTES: Record<string, RegExp> = {
  b: /^$/,
  i: /^$/,
  u: /^$/,
  s: /^$/,
  pre: /^$/,
  a: /^href="[^"]+"$/,
  code: /^(class="language-[\w+#.-]+")?$/,
  blockquote: /^(expandable)?$/,
};
const ALLOWED = 'b, i, u, s, a href, code, pre, blockquote';

/**
 * The first thing Telegram's HTML parse mode would reject. Telegram refuses the whole message, and that would
 * surface mid-journey as a failing delivery; the import catches it instead.
 */
function findHtmlProblem(html: string): { line: number; message: string } | undefined {
  const open: string[] = [];
  const at = (index: number, message: string) => ({ line: html.slice(0, index).split('\n').length, message });
  for (let i = 0; i < html.length; i++) {
    const ch = html[i];
    if (ch === '&') {
      ENTITY.lastIndex = i;
      if (!ENTITY.test(html)) return at(i, 'a bare "&"; write &amp;');
    } else if (ch === '>') {
      return at(i, 'a bare ">"; write &gt;');
    } else if (ch === '<') {
      TAG.lastIndex = i;
      const match = TAG.exec(html);
      if (!match) return at(i, `a bare "<"; write &lt; (tags allowed: ${ALLOWED})`);
      const [whole, closing, rawName = '', attributes = ''] = match;
      const name = rawName.toLowerCase();
      const allowedAttributes = ATTRIBUTES[name];
      if (!allowedAttributes) return at(i, `unsupported tag <${name}> (allowed: ${ALLOWED})`);
      if (closing) {
        if (open.pop() !== name) return at(i, `</${name}> does not close the innermost open tag`);
      } else {
        if (!allowedAttributes.test(attributes.trim())) return at(i, `unsupported attributes in ${whole}`);
        open.push(name);
      }
      i += whole.length - 1;
    }
  }
  const unclosed = open.pop();
  return unclosed ? at(html.length, `<${unclosed}> is never closed`) : undefined;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Paths relative to the working directory when inside it, as authors see them in their editor. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
