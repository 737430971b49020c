import { describe, expect, it } from 'vitest';
import { decodeButton, decodeButtonOf, encodeButton, inlineButton, isButtonOf } from '../../telegram/callback-data';
import type { Button, ButtonKind, ButtonOf } from '../../telegram/callback-data';

// Course slugs: lower-case letters, digits and '-', 1 to 63 of them (each end of each range, alone, and the limits).
const GOOD_SLUGS = ['a', 'z', '0', '9', '-', 'intro-101', 'x'.repeat(63)];
const BAD_SLUGS = ['', 'x'.repeat(64), 'A', 'a_b', 'a b', 'kurs-ü', 'a/b', 'a:b'];
const TARIFFS = ['BASIC', 'FEEDBACK', 'PREMIUM'] as const;

/**
 * Every kind of button with the exact data it is written as. These strings sit under messages students already have,
 * so the table is frozen: a new encoding adds a row with a new prefix, it never edits one.
 */
const WIRE: { [K in ButtonKind]: [ButtonOf<K>, string][] } = {
  course: [[{ kind: 'course', slug: 'intro' }, 'c:intro']],
  tariff: [[{ kind: 'tariff', slug: 'intro', tariff: 'FEEDBACK' }, 't:intro:FEEDBACK']],
  buy: [[{ kind: 'buy', slug: 'intro', tariff: 'PREMIUM' }, 'b:intro:PREMIUM']],
  'accept-terms': [[{ kind: 'accept-terms', slug: 'intro', tariff: 'BASIC' }, 'ok:intro:BASIC']],
  'promo-code': [[{ kind: 'promo-code', slug: 'intro', tariff: 'BASIC' }, 'pr:intro:BASIC']],
  pay: [[{ kind: 'pay', slug: 'intro', tariff: 'PREMIUM', provider: 'stripe' }, 'p:intro:PREMIUM:stripe']],
  support: [[{ kind: 'support' }, 'support']],
  'lesson-time': [
    [{ kind: 'lesson-time', slug: 'intro', time: '09:30' }, 'sched:intro:09:30'],
    [{ kind: 'lesson-time', slug: 'intro', time: null }, 'sched:intro:now'],
  ],
  lesson: [[{ kind: 'lesson', slug: 'intro', day: 3 }, 'lesson:intro:3']],
  submit: [[{ kind: 'submit', slug: 'intro', day: 12 }, 'sub:intro:12']],
  ask: [[{ kind: 'ask', slug: 'intro', day: 1 }, 'ask:intro:1']],
  'send-submission': [[{ kind: 'send-submission' }, 'sub-send']],
  'cancel-submission': [[{ kind: 'cancel-submission' }, 'sub-cancel']],
  verdict: [
    [{ kind: 'verdict', assignmentId: 17, verdict: 'approved' }, 'rv:ok:17'],
    [{ kind: 'verdict', assignmentId: 17, verdict: 'changes-requested' }, 'rv:redo:17'],
  ],
  forget: [[{ kind: 'forget', telegramId: 700_000_001, askedAt: 1_780_000_000 }, 'fg:700000001:1780000000']],
  'forget-student': [
    [{ kind: 'forget-student', telegramId: 700_000_001, askedAt: 1_780_000_000 }, 'fgs:700000001:1780000000'],
  ],
  reminders: [
    [{ kind: 'reminders', perDay: 3, startMinute: 540, endMinute: 1260 }, 'rem:3:540-1260'],
    [{ kind: 'reminders', perDay: 0, startMinute: 0, endMinute: 1439 }, 'rem:0:0-1439'],
  ],
  'broadcast-audience': [
    [{ kind: 'broadcast-audience', broadcastId: 7, field: 'course', value: '12' }, 'bca:7:c:12'],
    [{ kind: 'broadcast-audience', broadcastId: 7, field: 'tariff', value: 'PREMIUM' }, 'bca:7:t:PREMIUM'],
    [
      { kind: 'broadcast-audience', broadcastId: 7, field: 'stage', value: 'awaiting-feedback' },
      'bca:7:s:awaiting-feedback',
    ],
    [{ kind: 'broadcast-audience', broadcastId: 7, field: 'cohort', value: null }, 'bca:7:h:*'],
    [{ kind: 'broadcast-audience', broadcastId: 7, field: 'partner', value: 'Blog_42' }, 'bca:7:p:Blog_42'],
    [
      { kind: 'broadcast-audience', broadcastId: 999_999_999_999, field: 'language', value: 'ru' },
      'bca:999999999999:l:ru',
    ],
  ],
  'broadcast-confirm': [[{ kind: 'broadcast-confirm', broadcastId: 7 }, 'bcok:7']],
  'broadcast-drop': [[{ kind: 'broadcast-drop', broadcastId: 7 }, 'bcx:7']],
  'broadcast-control': [
    [{ kind: 'broadcast-control', broadcastId: 7, action: 'pause' }, 'bcc:7:p'],
    [{ kind: 'broadcast-control', broadcastId: 7, action: 'resume' }, 'bcc:7:r'],
    [{ kind: 'broadcast-control', broadcastId: 7, action: 'cancel' }, 'bcc:7:x'],
  ],
};
const ROWS: [Button, string][] = Object.values(WIRE).flat();

describe('every kind of button', () => {
  it.each(ROWS)('%o is written as %s and read back as itself', (button, data) => {
    expect(encodeButton(button)).toBe(data);
    expect(decodeButton(data)).toEqual(button);
    expect(decodeButtonOf(button.kind, data)).toEqual(button);
    expect(inlineButton('Label', button)).toEqual({ text: 'Label', callback_data: data });
  });

  it('is told apart from every other kind', () => {
    for (const [button, data] of ROWS) {
      for (const kind of Object.keys(WIRE) as ButtonKind[]) {
        expect(decodeButtonOf(kind, data)).toEqual(kind === button.kind ? button : undefined);
        expect(isButtonOf(button, kind)).toBe(kind === button.kind);
      }
    }
  });

  it('round-trips across the range of each field', () => {
    const buttons: Button[] = [];
    for (const slug of GOOD_SLUGS) {
      buttons.push({ kind: 'course', slug }, { kind: 'lesson-time', slug, time: null });
      for (const tariff of TARIFFS) {
        for (const kind of ['tariff', 'buy', 'accept-terms', 'promo-code'] as const)
          buttons.push({ kind, slug, tariff });
        for (const provider of ['az', 'mock', 'y'.repeat(20)]) buttons.push({ kind: 'pay', slug, tariff, provider });
      }
      for (const day of [0, 1, 9, 42, 9999]) {
        for (const kind of ['lesson', 'submit', 'ask'] as const) buttons.push({ kind, slug, day });
      }
    }
    for (const time of ['00:00', '09:59', '10:05', '19:40', '20:00', '23:59', '12:50']) {
      buttons.push({ kind: 'lesson-time', slug: 'intro', time });
    }
    for (const assignmentId of [0, 9, 10, 999_999_999_999]) {
      buttons.push({ kind: 'verdict', assignmentId, verdict: 'approved' });
      buttons.push({ kind: 'verdict', assignmentId, verdict: 'changes-requested' });
    }
    for (const button of buttons) expect(decodeButton(encodeButton(button))).toEqual(button);
  });
});

/** What the first release wrote, and what each string must keep meaning. */
describe('strings already on students’ screens', () => {
  it('tariff buttons (t, b, ok, pr) read the course and each tariff', () => {
    const kinds = { t: 'tariff', b: 'buy', ok: 'accept-terms', pr: 'promo-code' } as const;
    for (const [prefix, kind] of Object.entries(kinds)) {
      for (const tariff of TARIFFS) {
        expect(decodeButton(`${prefix}:intro:${tariff}`)).toEqual({ kind, slug: 'intro', tariff });
      }
      for (const slug of GOOD_SLUGS) expect(decodeButton(`${prefix}:${slug}:BASIC`)).toMatchObject({ kind, slug });
    }
  });

  it('day buttons (lesson, sub, ask) read the course and the day as a number', () => {
    const kinds = { lesson: 'lesson', sub: 'submit', ask: 'ask' } as const;
    for (const [prefix, kind] of Object.entries(kinds)) {
      expect(decodeButton(`${prefix}:intro:3`)).toEqual({ kind, slug: 'intro', day: 3 });
      expect(decodeButton(`${prefix}:intro:0`)).toEqual({ kind, slug: 'intro', day: 0 });
      expect(decodeButton(`${prefix}:intro:9`)).toEqual({ kind, slug: 'intro', day: 9 });
      expect(decodeButton(`${prefix}:intro:0042`)).toEqual({ kind, slug: 'intro', day: 42 });
      expect(decodeButton(`${prefix}:intro:9999`)).toEqual({ kind, slug: 'intro', day: 9999 });
      for (const slug of GOOD_SLUGS) expect(decodeButton(`${prefix}:${slug}:1`)).toEqual({ kind, slug, day: 1 });
    }
  });

  it('payment buttons (p) read the course, the tariff and the provider', () => {
    expect(decodeButton('p:intro:FEEDBACK:mock')).toEqual({
      kind: 'pay',
      slug: 'intro',
      tariff: 'FEEDBACK',
      provider: 'mock',
    });
    for (const tariff of TARIFFS) expect(decodeButton(`p:intro:${tariff}:mock`)).toMatchObject({ tariff });
    for (const provider of ['az', 'za', 'stars', 'yookassa', 'y'.repeat(20)]) {
      expect(decodeButton(`p:intro:BASIC:${provider}`)).toMatchObject({ kind: 'pay', provider });
    }
    for (const slug of GOOD_SLUGS) expect(decodeButton(`p:${slug}:BASIC:mock`)).toMatchObject({ kind: 'pay', slug });
  });

  it('lesson-time buttons (sched) read a time, or null for "now"', () => {
    expect(decodeButton('sched:intro:now')).toEqual({ kind: 'lesson-time', slug: 'intro', time: null });
    for (const time of ['07:00', '09:00', '12:00', '19:00', '00:00', '09:59', '10:05', '20:00', '23:59']) {
      expect(decodeButton(`sched:intro:${time}`)).toEqual({ kind: 'lesson-time', slug: 'intro', time });
    }
    for (const slug of GOOD_SLUGS) expect(decodeButton(`sched:${slug}:now`)).toMatchObject({ slug });
  });

  it('review buttons (rv) read the verdict and the assignment id', () => {
    expect(decodeButton('rv:ok:17')).toEqual({ kind: 'verdict', assignmentId: 17, verdict: 'approved' });
    expect(decodeButton('rv:redo:17')).toEqual({ kind: 'verdict', assignmentId: 17, verdict: 'changes-requested' });
    expect(decodeButton('rv:ok:0')).toMatchObject({ assignmentId: 0 });
    expect(decodeButton('rv:ok:9')).toMatchObject({ assignmentId: 9 });
    expect(decodeButton('rv:redo:999999999999')).toMatchObject({ assignmentId: 999_999_999_999 });
  });

  it('the course, support and submission buttons', () => {
    for (const slug of GOOD_SLUGS) expect(decodeButton(`c:${slug}`)).toEqual({ kind: 'course', slug });
    expect(decodeButton('support')).toEqual({ kind: 'support' });
    expect(decodeButton('sub-send')).toEqual({ kind: 'send-submission' });
    expect(decodeButton('sub-cancel')).toEqual({ kind: 'cancel-submission' });
  });
});

describe('garbage and forged data decode to nothing', () => {
  const nothing = (data: string) => expect(decodeButton(data), data).toBeUndefined();

  it('bad course slugs, under every prefix', () => {
    for (const slug of BAD_SLUGS) {
      for (const data of [
        `c:${slug}`,
        `t:${slug}:BASIC`,
        `b:${slug}:BASIC`,
        `ok:${slug}:BASIC`,
        `pr:${slug}:BASIC`,
        `p:${slug}:BASIC:mock`,
        `sched:${slug}:now`,
        `lesson:${slug}:1`,
        `sub:${slug}:1`,
        `ask:${slug}:1`,
      ]) {
        nothing(data);
      }
    }
  });

  it('reminder buttons: more than 5 a day, windows across midnight or past the day, padded numbers', () => {
    for (const data of [
      'rem:6:540-1260',
      'rem:-1:540-1260',
      'rem:3:1260-540',
      'rem:3:540-540',
      'rem:3:540-1440',
      'rem:3:0540-1260',
      'rem:3:540',
      'rem:3:540-1260:x',
      'rem:3:540-1260 ',
      'rem:33:540-1260',
    ]) {
      nothing(data);
    }
  });

  it('broadcast buttons: unknown fields, values that do not fit their field, ids out of range', () => {
    for (const data of [
      'bca:0:c:1',
      'bca:07:c:1',
      'bca:1234567890123:c:1',
      'bca:7:x:1',
      'bca:7:c:abc',
      'bca:7:c:0',
      'bca:7:t:GOLD',
      'bca:7:t:basic',
      'bca:7:s:Active',
      'bca:7:l:english',
      'bca:7:p:' + 'a'.repeat(33),
      'bca:7:p:a:b',
      'bca:7:c:',
      'bca:7:c:1 ',
      'bcok:',
      'bcok:7:1',
      'bcx:-7',
      'bcc:7:z',
      'bcc:7:',
      'bcc:7:pause',
    ]) {
      nothing(data);
    }
  });

  it('tariff buttons: unknown, truncated and padded tariffs', () => {
    for (const prefix of ['t', 'b', 'ok', 'pr']) {
      for (const data of [
        `${prefix}:intro:basic`,
        `${prefix}:intro:GOLD`,
        `${prefix}:intro:`,
        `${prefix}:intro`,
        `${prefix}:intro:BASIC:extra`,
        `x${prefix}:intro:BASIC`,
        ` ${prefix}:intro:BASIC`,
        `${prefix}:intro:BASIC `,
        `${prefix}:intro:BASICX`,
        `${prefix}:intro:XBASIC`,
        `${prefix}:intro:FEEDBACKS`,
        `${prefix}:intro:PREMIUMS`,
        `${prefix}:intro:XPREMIUM`,
        `${prefix}:intro:TOSTRING`,
        `${prefix}:intro:CONSTRUCTOR`,
      ]) {
        nothing(data);
      }
    }
  });

  it('day buttons: days that are not 1-4 digits', () => {
    for (const prefix of ['lesson', 'sub', 'ask']) {
      for (const data of [
        `${prefix}:intro:`,
        `${prefix}:intro`,
        `${prefix}:intro:12345`,
        `${prefix}:intro:-1`,
        `${prefix}:intro:1.5`,
        `${prefix}:intro:x`,
        `${prefix}:intro:1e3`,
        `${prefix}:intro:1:2`,
        `x${prefix}:intro:1`,
        `${prefix}:intro:1 `,
      ]) {
        nothing(data);
      }
    }
  });

  it('payment buttons: providers that are not 2-20 lower-case letters, tariffs that do not exist', () => {
    for (const data of [
      'p:intro:BASIC:a',
      `p:intro:BASIC:${'y'.repeat(21)}`,
      'p:intro:BASIC:Stripe',
      'p:intro:BASIC:yoo-kassa',
      'p:intro:BASIC:pay2',
      'p:intro:BASIC:',
      'p:intro:BASIC',
      'p:intro:GOLD:mock',
      'p:intro:basic:mock',
      'xp:intro:BASIC:mock',
      'p:intro:BASIC:mock ',
      'p:intro:BASIC:mock:x',
    ]) {
      nothing(data);
    }
  });

  it('lesson-time buttons: times off the 24-hour clock', () => {
    for (const choice of ['24:00', '29:00', '9:30', '12:60', '12:5', '1230', 'NOW', 'later', '', 'now ', '30:00']) {
      nothing(`sched:intro:${choice}`);
    }
    nothing('xsched:intro:now');
    nothing('sched:intro:09:30:00');
    nothing('sched:intro');
  });

  it('review buttons: other verdicts and ids', () => {
    for (const data of [
      'rv:ok:',
      'rv:ok:1234567890123',
      'rv:ok:-1',
      'rv:ok:x',
      'rv:yes:1',
      'rv:OK:1',
      'rv:okk:1',
      'rv:redoo:1',
      'rv:xredo:1',
      'xrv:ok:1',
      'rv:ok:1 ',
      'rv:ok:1:2',
      'rv:approved:1',
    ]) {
      nothing(data);
    }
  });

  it('erasure confirmations (fg, fgs): a positive Telegram id of up to 15 digits and a time, nothing else', () => {
    for (const prefix of ['fg', 'fgs']) {
      for (const data of [
        '',
        ':1',
        '1:',
        '0:1',
        '-5:1',
        '01:1',
        '1234567890123456:1',
        '1:1234567890123',
        'x:1',
        '1:x',
      ]) {
        nothing(`${prefix}:${data}`);
      }
      nothing(`${prefix}:1:1:1`);
      nothing(`${prefix}:1:1 `);
      nothing(`x${prefix}:1:1`);
    }
    expect(decodeButton('fg:999999999999999:1')).toEqual({
      kind: 'forget',
      telegramId: 999_999_999_999_999,
      askedAt: 1,
    });
  });

  it('the fixed buttons only as themselves', () => {
    for (const data of ['support ', 'support:', 'support:x', 'Support', 'sub-send:1', 'sub-send ', 'sub-cancel:x']) {
      nothing(data);
    }
    for (const data of ['c:', 'c', 'c:intro:BASIC', 'xc:intro', 'c:intro ']) nothing(data);
  });

  it('anything else, including names every object inherits', () => {
    for (const data of [
      '',
      ':',
      '::',
      ' ',
      'x',
      'hello',
      'constructor',
      'constructor:x',
      '__proto__',
      '__proto__:intro:1',
      'toString',
      'hasOwnProperty',
      'valueOf:1',
      'sub',
      'sub:',
      'sub-',
      'lesson',
      'rv',
      '2~sub:intro:1',
      'v1:sub:intro:1',
      '{"kind":"submit","slug":"intro","day":1}',
    ]) {
      nothing(data);
    }
  });
});
