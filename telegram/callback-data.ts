import type { Tariff } from '../domain/tariffs';

/**
 * Inline-button data of both bots and of the journey's messages, as one typed codec: activities and bots write it only
 * through `encodeButton`, bots read it only through `decodeButton`. The data comes back from the client and can be
 * forged, so anything that is not exactly one of the encodings below decodes to undefined, never to half a button.
 *
 * Versioned by prefix (the data up to its first ':'): every prefix ever written stays readable with its meaning,
 * because buttons live on as long as the messages under which students see them. A new way to write a kind of button
 * takes a new prefix (`sub2:…`, say) and the writer switches to it; the old reader stays. Version 1 is the unmarked
 * strings below, written since the first release.
 */

/** The fields of each kind of button. */
interface ButtonFields {
  /** `c:<course>`: back to the course card. */
  course: { slug: string };
  /** `t:<course>:<tariff>`: show a tariff. */
  tariff: { slug: string; tariff: Tariff };
  /** `b:<course>:<tariff>`: buy it. */
  buy: { slug: string; tariff: Tariff };
  /** `ok:<course>:<tariff>`: accept the terms, then buy it. */
  'accept-terms': { slug: string; tariff: Tariff };
  /** `pr:<course>:<tariff>`: enter a promo code for it. */
  'promo-code': { slug: string; tariff: Tariff };
  /** `p:<course>:<tariff>:<provider>`: pay with this provider. */
  pay: { slug: string; tariff: Tariff; provider: string };
  /** `support`: talk to a human. */
  support: Record<never, never>;
  /** `sched:<course>:<HH:MM>|now` under the welcome message; `time` is null for "now" (keep the start's rhythm). */
  'lesson-time': { slug: string; time: string | null };
  /** `lesson:<course>:<day>`: send a delivered lesson again. */
  lesson: { slug: string; day: number };
  /** `sub:<course>:<day>`: open a submission for the day's assignment. */
  submit: { slug: string; day: number };
  /** `ask:<course>:<day>`: ask a curator about the day's lesson. */
  ask: { slug: string; day: number };
  /** `sub-send`: hand in the open submission. */
  'send-submission': Record<never, never>;
  /** `sub-cancel`: drop the open submission. */
  'cancel-submission': Record<never, never>;
  /** `rv:ok|redo:<assignment id>`: a reviewer's verdict. */
  verdict: { assignmentId: number; verdict: 'approved' | 'changes-requested' };
  /**
   * `fg:<telegram id>:<unix seconds>`: the student confirms /forget. Whose data and when the question was asked ride
   * along, so a press by anyone else, or long after, erases nothing.
   */
  forget: { telegramId: number; askedAt: number };
  /** `fgs:<telegram id>:<unix seconds>`: a reviewer confirms /forget of a student. */
  'forget-student': { telegramId: number; askedAt: number };
  /** `rem:<per day>:<start minute>-<end minute>`: the student's homework reminders (/reminders, #17). */
  reminders: { perDay: number; startMinute: number; endMinute: number };
  /** `bca:<broadcast id>:<c|t|s|h|p|l>:<value|*>`: a reviewer picks one field of a draft broadcast's audience (#18). */
  'broadcast-audience': { broadcastId: number; field: BroadcastField; value: string | null };
  /** `bcok:<broadcast id>`: a reviewer confirms a draft broadcast. */
  'broadcast-confirm': { broadcastId: number };
  /** `bcx:<broadcast id>`: a reviewer drops a draft broadcast. */
  'broadcast-drop': { broadcastId: number };
  /** `bcc:<broadcast id>:<p|r|x>`: pause, resume or cancel a running broadcast. */
  'broadcast-control': { broadcastId: number; action: BroadcastAction };
}

/** The fields of a broadcast's audience a button sets. */
export type BroadcastField = 'course' | 'tariff' | 'stage' | 'cohort' | 'partner' | 'language';
export type BroadcastAction = 'pause' | 'resume' | 'cancel';

export type ButtonKind = keyof ButtonFields;
export type ButtonOf<K extends ButtonKind> = { kind: K } & ButtonFields[K];
export type Button = { [K in ButtonKind]: ButtonOf<K> }[ButtonKind];

/** The data written for a button: the current encoding of its kind. */
export function encodeButton<K extends ButtonKind>(button: ButtonOf<K>): string {
  return WRITERS[button.kind](button);
}

/** The button this data stands for, in any encoding ever written; undefined for anything else. */
export function decodeButton(data: string): Button | undefined {
  for (const reader of READERS) {
    const button = reader(data);
    if (button) return button;
  }
  return undefined;
}

/** The button, when the data is one of kind `kind`. */
export function decodeButtonOf<K extends ButtonKind>(kind: K, data: string): ButtonOf<K> | undefined {
  const button = decodeButton(data);
  return button && isButtonOf(button, kind) ? button : undefined;
}

export function isButtonOf<K extends ButtonKind>(button: Button, kind: K): button is Button & ButtonOf<K> {
  return button.kind === kind;
}

/** A Bot API inline button, for the messages activities send through the Bot API directly. */
export function inlineButton(text: string, button: Button): { text: string; callback_data: string } {
  return { text, callback_data: encodeButton(button) };
}

// Exhaustive by type: a new tariff does not compile until it is listed here.
const TARIFF_NAMES: { [T in Tariff]: T } = { BASIC: 'BASIC', FEEDBACK: 'FEEDBACK', PREMIUM: 'PREMIUM' };
const isTariff = (name: string): name is Tariff => Object.values(TARIFF_NAMES).some((tariff) => tariff === name);

/** How each kind of button is written now. */
const WRITERS: { [K in ButtonKind]: (button: ButtonOf<K>) => string } = {
  course: (b) => `c:${b.slug}`,
  tariff: (b) => `t:${b.slug}:${b.tariff}`,
  buy: (b) => `b:${b.slug}:${b.tariff}`,
  'accept-terms': (b) => `ok:${b.slug}:${b.tariff}`,
  'promo-code': (b) => `pr:${b.slug}:${b.tariff}`,
  pay: (b) => `p:${b.slug}:${b.tariff}:${b.provider}`,
  support: () => 'support',
  'lesson-time': (b) => `sched:${b.slug}:${b.time ?? 'now'}`,
  lesson: (b) => `lesson:${b.slug}:${b.day}`,
  submit: (b) => `sub:${b.slug}:${b.day}`,
  ask: (b) => `ask:${b.slug}:${b.day}`,
  'send-submission': () => 'sub-send',
  'cancel-submission': () => 'sub-cancel',
  verdict: (b) => `rv:${b.verdict === 'approved' ? 'ok' : 'redo'}:${b.assignmentId}`,
  forget: (b) => `fg:${b.telegramId}:${b.askedAt}`,
  'forget-student': (b) => `fgs:${b.telegramId}:${b.askedAt}`,
  reminders: (b) => `rem:${b.perDay}:${b.startMinute}-${b.endMinute}`,
  'broadcast-audience': (b) => `bca:${b.broadcastId}:${FIELD_LETTERS[b.field]}:${b.value ?? '*'}`,
  'broadcast-confirm': (b) => `bcok:${b.broadcastId}`,
  'broadcast-drop': (b) => `bcx:${b.broadcastId}`,
  'broadcast-control': (b) => `bcc:${b.broadcastId}:${b.action === 'pause' ? 'p' : b.action === 'resume' ? 'r' : 'x'}`,
};

const FIELD_LETTERS: { [F in BroadcastField]: string } = {
  course: 'c',
  tariff: 't',
  stage: 's',
  cohort: 'h',
  partner: 'p',
  language: 'l',
};
/** What each field's value may look like in the data (the bot still checks it names something that exists). */
const FIELD_VALUES: { [F in BroadcastField]: RegExp } = {
  course: /^[1-9]\d{0,11}$/,
  tariff: /^(BASIC|FEEDBACK|PREMIUM)$/,
  stage: /^[a-z]+(-[a-z]+)?$/,
  cohort: /^[1-9]\d{0,11}$/,
  partner: /^[A-Za-z0-9_-]{1,32}$/,
  language: /^[a-z]{2,3}$/,
};
const fieldOf = (letter: string) =>
  (Object.keys(FIELD_LETTERS) as BroadcastField[]).find((field) => FIELD_LETTERS[field] === letter);

/** The capture groups of `pattern` when it matches all of `data` (every pattern below is anchored). */
function read<T>(pattern: RegExp, data: string, build: (...groups: string[]) => T): T | undefined {
  const match = pattern.exec(data);
  return match ? build(...match.slice(1)) : undefined;
}

type Reader = (data: string) => Button | undefined;

// One literal per encoding, so each reads as the data it accepts (and mutation testing varies each). Course slugs are
// 1-63 of a-z, 0-9 and '-'; days have at most 4 digits, assignment ids at most 12.
const tariffReader =
  (kind: 'tariff' | 'buy' | 'accept-terms' | 'promo-code', pattern: RegExp): Reader =>
  (data) =>
    read(pattern, data, (slug, tariff) => (isTariff(tariff) ? { kind, slug, tariff } : undefined));

const dayReader =
  (kind: 'lesson' | 'submit' | 'ask', pattern: RegExp): Reader =>
  (data) =>
    read(pattern, data, (slug, day) => ({ kind, slug, day: Number(day) }));

const forgetReader =
  (kind: 'forget' | 'forget-student', pattern: RegExp): Reader =>
  (data) =>
    read(pattern, data, (id, askedAt) => ({ kind, telegramId: Number(id), askedAt: Number(askedAt) }));

/** Every encoding ever written, each with its own prefix, so at most one of them reads any data. */
const READERS: Reader[] = [
  (data) => read(/^c:([a-z0-9-]{1,63})$/, data, (slug) => ({ kind: 'course', slug })),
  tariffReader('tariff', /^t:([a-z0-9-]{1,63}):([A-Z]+)$/),
  tariffReader('buy', /^b:([a-z0-9-]{1,63}):([A-Z]+)$/),
  tariffReader('accept-terms', /^ok:([a-z0-9-]{1,63}):([A-Z]+)$/),
  tariffReader('promo-code', /^pr:([a-z0-9-]{1,63}):([A-Z]+)$/),
  (data) =>
    read(/^p:([a-z0-9-]{1,63}):([A-Z]+):([a-z]{2,20})$/, data, (slug, tariff, provider) =>
      isTariff(tariff) ? { kind: 'pay', slug, tariff, provider } : undefined,
    ),
  (data) => (data === 'support' ? { kind: 'support' } : undefined),
  (data) =>
    read(/^sched:([a-z0-9-]{1,63}):(now|(?:[01]\d|2[0-3]):[0-5]\d)$/, data, (slug, time) => ({
      kind: 'lesson-time',
      slug,
      time: time === 'now' ? null : time,
    })),
  dayReader('lesson', /^lesson:([a-z0-9-]{1,63}):(\d{1,4})$/),
  dayReader('submit', /^sub:([a-z0-9-]{1,63}):(\d{1,4})$/),
  dayReader('ask', /^ask:([a-z0-9-]{1,63}):(\d{1,4})$/),
  (data) => (data === 'sub-send' ? { kind: 'send-submission' } : undefined),
  (data) => (data === 'sub-cancel' ? { kind: 'cancel-submission' } : undefined),
  (data) =>
    read(/^rv:(ok|redo):(\d{1,12})$/, data, (verdict, id) => ({
      kind: 'verdict',
      assignmentId: Number(id),
      verdict: verdict === 'ok' ? 'approved' : 'changes-requested',
    })),
  // Telegram ids have at most 15 digits here (as the admin commands read them); times are Unix seconds.
  forgetReader('forget', /^fg:([1-9]\d{0,14}):(\d{1,12})$/),
  forgetReader('forget-student', /^fgs:([1-9]\d{0,14}):(\d{1,12})$/),
  // 0-5 a day; a window of minutes of one day, start before end.
  (data) =>
    read(/^rem:([0-5]):(0|[1-9]\d{0,3})-(0|[1-9]\d{0,3})$/, data, (perDay, start, end) =>
      Number(start) < Number(end) && Number(end) < 1440
        ? { kind: 'reminders', perDay: Number(perDay), startMinute: Number(start), endMinute: Number(end) }
        : undefined,
    ),
  // Broadcasts (#18): ids of at most 12 digits; an audience value must fit its field, `*` is "any".
  (data) =>
    read(/^bca:([1-9]\d{0,11}):([ctshpl]):(\*|[A-Za-z0-9_-]{1,32})$/, data, (id, letter, value) => {
      const field = fieldOf(letter);
      if (!field || (value !== '*' && !FIELD_VALUES[field].test(value))) return undefined;
      return { kind: 'broadcast-audience', broadcastId: Number(id), field, value: value === '*' ? null : value };
    }),
  (data) => read(/^bcok:([1-9]\d{0,11})$/, data, (id) => ({ kind: 'broadcast-confirm', broadcastId: Number(id) })),
  (data) => read(/^bcx:([1-9]\d{0,11})$/, data, (id) => ({ kind: 'broadcast-drop', broadcastId: Number(id) })),
  (data) =>
    read(/^bcc:([1-9]\d{0,11}):([prx])$/, data, (id, a) => ({
      kind: 'broadcast-control',
      broadcastId: Number(id),
      action: a === 'p' ? 'pause' : a === 'r' ? 'resume' : 'cancel',
    })),
];
