import { describe, expect, it } from 'vitest';
import {
  courseButtonPattern,
  parseDayButton,
  parsePaymentButton,
  parseReviewButton,
  parseScheduleButton,
  parseTariffButton,
} from '../../bots/callback-data';
import type { DayAction, TariffAction } from '../../bots/callback-data';

// Course slugs: lower-case letters, digits and '-', 1 to 63 of them (each end of each range, alone, and the limits).
const GOOD_SLUGS = ['a', 'z', '0', '9', '-', 'intro-101', 'x'.repeat(63)];
const BAD_SLUGS = ['', 'x'.repeat(64), 'A', 'a_b', 'a b', 'kurs-ü', 'a/b'];
const TARIFF_ACTIONS: TariffAction[] = ['t', 'b', 'ok', 'pr'];
const DAY_ACTIONS: DayAction[] = ['lesson', 'sub', 'ask'];

describe('tariff buttons (t, b, ok, pr)', () => {
  it.each(TARIFF_ACTIONS)('%s: reads the course and each tariff', (action) => {
    for (const tariff of ['BASIC', 'FEEDBACK', 'PREMIUM'] as const) {
      expect(parseTariffButton(action, `${action}:intro:${tariff}`)).toEqual({ slug: 'intro', tariff });
    }
    for (const slug of GOOD_SLUGS) expect(parseTariffButton(action, `${action}:${slug}:BASIC`)?.slug).toBe(slug);
  });

  it.each(TARIFF_ACTIONS)('%s: refuses forged, truncated and padded data', (action) => {
    for (const slug of BAD_SLUGS) expect(parseTariffButton(action, `${action}:${slug}:BASIC`)).toBeUndefined();
    for (const data of [
      `${action}:intro:basic`,
      `${action}:intro:GOLD`,
      `${action}:intro:`,
      `${action}:intro`,
      `${action}:intro:BASIC:extra`,
      `x${action}:intro:BASIC`,
      ` ${action}:intro:BASIC`,
      `${action}:intro:BASIC `,
      `${action}:intro:BASICX`,
      `${action}:intro:XBASIC`,
      `${action}:intro:FEEDBACKS`,
      `${action}:intro:PREMIUMS`,
      `${action}:intro:XPREMIUM`,
    ]) {
      expect(parseTariffButton(action, data)).toBeUndefined();
    }
  });

  it('keeps each action to its own prefix', () => {
    expect(parseTariffButton('b', 't:intro:BASIC')).toBeUndefined();
    expect(parseTariffButton('t', 'b:intro:BASIC')).toBeUndefined();
    expect(parseTariffButton('ok', 'pr:intro:BASIC')).toBeUndefined();
    expect(parseTariffButton('pr', 'ok:intro:BASIC')).toBeUndefined();
  });
});

describe('day buttons (lesson, sub, ask)', () => {
  it.each(DAY_ACTIONS)('%s: reads the course and the day as a number', (action) => {
    expect(parseDayButton(action, `${action}:intro:3`)).toEqual({ slug: 'intro', day: 3 });
    expect(parseDayButton(action, `${action}:intro:0`)).toEqual({ slug: 'intro', day: 0 });
    expect(parseDayButton(action, `${action}:intro:9`)?.day).toBe(9);
    expect(parseDayButton(action, `${action}:intro:0042`)?.day).toBe(42);
    expect(parseDayButton(action, `${action}:intro:9999`)?.day).toBe(9999);
    for (const slug of GOOD_SLUGS) expect(parseDayButton(action, `${action}:${slug}:1`)?.slug).toBe(slug);
  });

  it.each(DAY_ACTIONS)('%s: refuses forged, truncated and padded data', (action) => {
    for (const slug of BAD_SLUGS) expect(parseDayButton(action, `${action}:${slug}:1`)).toBeUndefined();
    for (const data of [
      `${action}:intro:`,
      `${action}:intro:12345`,
      `${action}:intro:-1`,
      `${action}:intro:1.5`,
      `${action}:intro:x`,
      `${action}:intro:1:2`,
      `x${action}:intro:1`,
      `${action}:intro:1 `,
    ]) {
      expect(parseDayButton(action, data)).toBeUndefined();
    }
  });

  it('keeps each action to its own prefix', () => {
    expect(parseDayButton('lesson', 'sub:intro:1')).toBeUndefined();
    expect(parseDayButton('sub', 'ask:intro:1')).toBeUndefined();
    expect(parseDayButton('ask', 'lesson:intro:1')).toBeUndefined();
  });
});

describe('payment buttons (p)', () => {
  it('reads the course, the tariff and the provider', () => {
    expect(parsePaymentButton('p:intro:PREMIUM:stripe')).toEqual({
      slug: 'intro',
      tariff: 'PREMIUM',
      provider: 'stripe',
    });
    for (const tariff of ['BASIC', 'FEEDBACK', 'PREMIUM'] as const) {
      expect(parsePaymentButton(`p:intro:${tariff}:mock`)?.tariff).toBe(tariff);
    }
    for (const provider of ['az', 'za', 'y'.repeat(20)]) {
      expect(parsePaymentButton(`p:intro:BASIC:${provider}`)?.provider).toBe(provider);
    }
    for (const slug of GOOD_SLUGS) expect(parsePaymentButton(`p:${slug}:BASIC:mock`)?.slug).toBe(slug);
  });

  it('refuses forged, truncated and padded data', () => {
    for (const slug of BAD_SLUGS) expect(parsePaymentButton(`p:${slug}:BASIC:mock`)).toBeUndefined();
    for (const data of [
      'p:intro:BASIC:a',
      `p:intro:BASIC:${'y'.repeat(21)}`,
      'p:intro:BASIC:Stripe',
      'p:intro:BASIC:yoo-kassa',
      'p:intro:BASIC:pay2',
      'p:intro:BASIC:',
      'p:intro:BASIC',
      'p:intro:GOLD:mock',
      'xp:intro:BASIC:mock',
      'p:intro:BASIC:mock ',
    ]) {
      expect(parsePaymentButton(data)).toBeUndefined();
    }
  });
});

describe('lesson-time buttons (sched)', () => {
  it('reads a time, or null for "now"', () => {
    expect(parseScheduleButton('sched:intro:now')).toEqual({ slug: 'intro', preferredLessonTime: null });
    expect(parseScheduleButton('sched:intro:09:30')).toEqual({ slug: 'intro', preferredLessonTime: '09:30' });
    for (const time of ['00:00', '09:59', '10:05', '19:40', '20:00', '23:59', '12:50']) {
      expect(parseScheduleButton(`sched:intro:${time}`)?.preferredLessonTime).toBe(time);
    }
    for (const slug of GOOD_SLUGS) expect(parseScheduleButton(`sched:${slug}:now`)?.slug).toBe(slug);
  });

  it('refuses times off the 24-hour clock and anything else', () => {
    for (const slug of BAD_SLUGS) expect(parseScheduleButton(`sched:${slug}:now`)).toBeUndefined();
    for (const choice of ['24:00', '29:00', '9:30', '12:60', '12:5', '1230', 'NOW', 'later', '', 'now ', '30:00']) {
      expect(parseScheduleButton(`sched:intro:${choice}`)).toBeUndefined();
    }
    expect(parseScheduleButton('xsched:intro:now')).toBeUndefined();
    expect(parseScheduleButton('sched:intro:09:30:00')).toBeUndefined();
  });
});

describe('review buttons (rv)', () => {
  it('reads the verdict and the assignment id', () => {
    expect(parseReviewButton('rv:ok:17')).toEqual({ assignmentId: 17, verdict: 'approved' });
    expect(parseReviewButton('rv:redo:17')).toEqual({ assignmentId: 17, verdict: 'changes-requested' });
    expect(parseReviewButton('rv:ok:0')?.assignmentId).toBe(0);
    expect(parseReviewButton('rv:ok:9')?.assignmentId).toBe(9);
    expect(parseReviewButton('rv:ok:999999999999')?.assignmentId).toBe(999_999_999_999);
  });

  it('refuses anything else', () => {
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
    ]) {
      expect(parseReviewButton(data)).toBeUndefined();
    }
  });
});

describe('the course button (c)', () => {
  it('matches a course slug and nothing else', () => {
    for (const slug of GOOD_SLUGS) expect(courseButtonPattern.exec(`c:${slug}`)?.[1]).toBe(slug);
    for (const slug of BAD_SLUGS) expect(courseButtonPattern.test(`c:${slug}`)).toBe(false);
    expect(courseButtonPattern.test('xc:intro')).toBe(false);
    expect(courseButtonPattern.test('c:intro:BASIC')).toBe(false);
  });
});
