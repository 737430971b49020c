import { describe, expect, it } from 'vitest';
import type { PaymentReceived } from '../../journey/definitions';
import { JourneyState } from '../../workflows/journey-state';

const payment = (providerPaymentId: string): PaymentReceived => ({
  provider: 'mock',
  providerPaymentId,
  amountMinor: 1900,
  currency: 'USD',
  tariff: 'BASIC',
});

/** A paid, running journey: the state most assertions start from. */
function active(): JourneyState {
  const state = new JourneyState();
  state.paidTariff = 'FEEDBACK';
  state.accessGranted = true;
  return state;
}

describe('JourneyState.stage', () => {
  it('awaits payment until access is granted, then is active', () => {
    const state = new JourneyState();
    expect(state.stage).toBe('awaiting-payment');
    state.accessGranted = true;
    expect(state.stage).toBe('active');
  });

  it('waits for feedback while an assignment awaits review, and only then', () => {
    const state = active();
    state.assignments.set(1, { id: 1, day: 1, status: 'submitted' });
    state.assignments.set(2, { id: 2, day: 2, status: 'answered' });
    expect(state.stage).toBe('active');
    state.assignments.set(3, { id: 3, day: 3, status: 'awaiting-review' });
    expect(state.stage).toBe('awaiting-feedback');
  });

  it('ranks an ending over being blocked, blocked over paused, paused over payment and review', () => {
    const state = new JourneyState();
    state.assignments.set(1, { id: 1, day: 1, status: 'awaiting-review' });
    state.pausedAt = 0;
    expect(state.stage).toBe('paused');
    state.unreachable = 1;
    expect(state.stage).toBe('blocked');
    state.ended = 'refunded';
    expect(state.stage).toBe('refunded');
    state.ended = null;
    state.unreachable = 0;
    state.pausedAt = null;
    state.accessGranted = true;
    expect(state.stage).toBe('awaiting-feedback');
  });
});

describe('JourneyState.firstSightOf', () => {
  it('accepts a payment id once, and each new id once', () => {
    const state = new JourneyState();
    expect(state.firstSightOf(payment('pay-1'))).toBe(true);
    expect(state.firstSightOf(payment('pay-1'))).toBe(false);
    expect(state.firstSightOf(payment('pay-2'))).toBe(true);
    expect([...state.seenPaymentIds]).toEqual(['pay-1', 'pay-2']);
  });
});

describe('JourneyState.feedbackRejection', () => {
  it('refuses an unknown assignment', () => {
    expect(active().feedbackRejection(9)).toBe('Unknown assignment 9 for this enrollment');
  });

  it('refuses an assignment already answered, by status or by recorded feedback', () => {
    const state = active();
    state.assignments.set(1, { id: 1, day: 1, status: 'answered' });
    state.assignments.set(2, { id: 2, day: 1, status: 'changes-requested' });
    state.assignments.set(3, {
      id: 3,
      day: 1,
      status: 'awaiting-review',
      feedback: { assignmentId: 3, reviewerTelegramId: 5, parts: [] },
    });
    for (const id of [1, 2, 3]) expect(state.feedbackRejection(id)).toBe(`Assignment ${id} was already answered`);
  });

  it('takes feedback for an assignment awaiting review, or just submitted on a reviewed tariff', () => {
    const state = active();
    state.assignments.set(1, { id: 1, day: 1, status: 'awaiting-review' });
    state.assignments.set(2, { id: 2, day: 2, status: 'submitted' });
    expect(state.feedbackRejection(1)).toBeNull();
    expect(state.feedbackRejection(2)).toBeNull();
    state.paidTariff = null;
    expect(state.feedbackRejection(2)).toBeNull();
  });

  it('never reviews BASIC submissions or auto-answered ones', () => {
    const state = active();
    state.paidTariff = 'BASIC';
    state.assignments.set(1, { id: 1, day: 1, status: 'submitted' });
    state.assignments.set(2, { id: 2, day: 2, status: 'auto-answered' });
    state.assignments.set(3, { id: 3, day: 3, status: 'awaiting-review' });
    expect(state.feedbackRejection(1)).toBe('Assignment 1 is not waiting for review (submitted)');
    expect(state.feedbackRejection(2)).toBe('Assignment 2 is not waiting for review (auto-answered)');
    expect(state.feedbackRejection(3)).toBeNull();
    state.paidTariff = 'PREMIUM';
    expect(state.feedbackRejection(2)).toBe('Assignment 2 is not waiting for review (auto-answered)');
  });
});

describe('JourneyState.progress and details', () => {
  it('counts only the assignments awaiting review', () => {
    const state = active();
    expect(state.pendingReviews()).toBe(0);
    state.assignments.set(1, { id: 1, day: 1, status: 'awaiting-review' });
    state.assignments.set(2, { id: 2, day: 2, status: 'submitted' });
    state.assignments.set(3, { id: 3, day: 3, status: 'awaiting-review' });
    expect(state.pendingReviews()).toBe(2);
  });

  it('reports progress as copies, without feedback bodies', () => {
    const state = active();
    state.currentDay = 2;
    state.lessonCount = 5;
    state.lessonsDelivered.push(1, 2);
    state.startedAt = 1_000;
    state.nextLessonDueAt = 2_000;
    state.assignments.set(7, {
      id: 7,
      day: 2,
      status: 'answered',
      feedback: { assignmentId: 7, reviewerTelegramId: 5, parts: [] },
    });
    state.payments.set('pay-1', 'accepted');
    state.payments.set('pay-2', 'refunded');
    const progress = state.progress();
    expect(progress).toEqual({
      stage: 'active',
      tariff: 'FEEDBACK',
      currentDay: 2,
      lessonCount: 5,
      lessonsDelivered: [1, 2],
      startedAt: 1_000,
      nextLessonDueAt: 2_000,
      gate: null,
      cohort: null,
      assignments: [{ id: 7, day: 2, status: 'answered' }],
      payments: [
        { providerPaymentId: 'pay-1', status: 'accepted' },
        { providerPaymentId: 'pay-2', status: 'refunded' },
      ],
    });
    progress.lessonsDelivered.push(3);
    expect(state.lessonsDelivered).toEqual([1, 2]);
  });

  it('describes a journey waiting at a gate', () => {
    const state = active();
    state.currentDay = 1;
    state.lessonCount = 3;
    state.atGate = { day: 1, gate: 'approved' };
    expect(state.details().split('  \n').at(-1)).toBe("**Waiting at a gate:** day 1's homework to be approved");
    expect(state.progress().gate).toEqual({ day: 1, gate: 'approved' });
  });

  it('passes a gate on the gated day’s hand-ins only, or when a reviewer opened it', () => {
    const state = active();
    state.assignments.set(1, { id: 1, day: 2, status: 'submitted' });
    expect(state.passed({ day: 1, gate: 'submitted' })).toBe(false);
    state.assignments.set(2, {
      id: 2,
      day: 1,
      status: 'changes-requested',
      feedback: { assignmentId: 2, verdict: 'changes-requested' },
    });
    expect(state.passed({ day: 1, gate: 'submitted' })).toBe(true);
    expect(state.passed({ day: 1, gate: 'approved' })).toBe(false);
    state.assignments.set(3, { id: 3, day: 1, status: 'answered', feedback: { assignmentId: 3, verdict: 'approved' } });
    expect(state.passed({ day: 1, gate: 'approved' })).toBe(true);
    expect(state.passed({ day: 2, gate: 'approved' })).toBe(false);
    state.gatesOpened.add(2);
    expect(state.passed({ day: 2, gate: 'approved' })).toBe(true);
  });

  it('describes a journey before payment', () => {
    expect(new JourneyState().details()).toBe(
      ['**Stage:** awaiting-payment', '**Tariff:** not paid yet', '**Lessons:** day 0 of ?, delivered 0'].join('  \n'),
    );
  });

  it('describes a running journey: next lesson and reviews waiting', () => {
    const state = active();
    state.currentDay = 2;
    state.lessonCount = 5;
    state.lessonsDelivered.push(1, 2);
    state.nextLessonDueAt = Date.parse('2026-03-01T09:00:00Z');
    state.assignments.set(1, { id: 1, day: 1, status: 'awaiting-review' });
    expect(state.details()).toBe(
      [
        '**Stage:** awaiting-feedback',
        '**Tariff:** FEEDBACK',
        '**Lessons:** day 2 of 5, delivered 2',
        '**Next lesson:** 2026-03-01T09:00:00.000Z',
        '**Waiting for review:** 1 assignment',
      ].join('  \n'),
    );
    state.assignments.set(2, { id: 2, day: 2, status: 'awaiting-review' });
    expect(state.details().split('  \n').at(-1)).toBe('**Waiting for review:** 2 assignments');
  });

  it('names why a student is unreachable only while they are, and no next lesson once ended', () => {
    const state = active();
    state.nextLessonDueAt = 0;
    state.unreachableReason = 'bot blocked';
    expect(state.details().split('  \n')[0]).toBe('**Stage:** active');
    state.unreachable = 1;
    expect(state.details().split('  \n')[0]).toBe('**Stage:** blocked (bot blocked)');
    state.unreachableReason = null;
    expect(state.details().split('  \n')[0]).toBe('**Stage:** blocked');
    expect(state.details()).toContain('**Next lesson:** 1970-01-01T00:00:00.000Z');
    state.ended = 'completed';
    expect(state.details()).not.toContain('Next lesson');
  });
});

describe('JourneyState.checkPayment', () => {
  const prices = { BASIC: { priceMinor: 1900, currency: 'USD' }, FEEDBACK: { priceMinor: 4900, currency: 'USD' } };

  it('accepts the list price or more, in the price currency', () => {
    const state = new JourneyState();
    const price = { priceMinor: 1900, currency: 'USD' };
    expect(state.checkPayment(payment('pay-1'), prices)).toEqual({ status: 'accepted', price });
    expect(state.checkPayment({ ...payment('pay-2'), amountMinor: 2500 }, prices)).toEqual({
      status: 'accepted',
      price,
    });
  });

  it('calls underpaid a payment below the price, in another currency, or for a tariff not sold', () => {
    const state = new JourneyState();
    expect(state.checkPayment({ ...payment('pay-1'), amountMinor: 1899 }, prices)).toEqual({
      status: 'underpaid',
      reason: 'below 1900 USD',
      price: { priceMinor: 1900, currency: 'USD' },
    });
    expect(state.checkPayment({ ...payment('pay-2'), currency: 'EUR' }, prices)).toEqual({
      status: 'underpaid',
      reason: 'paid in EUR, the price is in USD',
      price: { priceMinor: 1900, currency: 'USD' },
    });
    expect(state.checkPayment({ ...payment('pay-3'), tariff: 'PREMIUM' }, prices)).toEqual({
      status: 'underpaid',
      reason: 'tariff PREMIUM is not sold',
      price: null,
    });
  });

  it("measures an order's payment against the order's own price (promo, upgrade), not the list price", () => {
    const state = new JourneyState();
    const order = { publicId: 'o-1', amountMinor: 1000, currency: 'EUR', upgradeFrom: null };
    expect(state.checkPayment({ ...payment('pay-1'), amountMinor: 1000, currency: 'EUR', order }, prices)).toEqual({
      status: 'accepted',
      price: { priceMinor: 1000, currency: 'EUR' },
    });
    expect(state.checkPayment({ ...payment('pay-2'), amountMinor: 999, currency: 'EUR', order }, prices)).toEqual({
      status: 'underpaid',
      reason: 'below 1000 EUR',
      price: { priceMinor: 1000, currency: 'EUR' },
    });
    // Not sold on the list, but priced by an order: the order decides.
    const premium = { ...payment('pay-3'), tariff: 'PREMIUM' as const, amountMinor: 1000, currency: 'EUR', order };
    expect(state.checkPayment(premium, prices).status).toBe('accepted');
  });
});

describe('JourneyState.settlePayment', () => {
  const accepted = { status: 'accepted' as const, ownedByThisEnrollment: true };

  it("changes nothing for another enrollment's payment id", () => {
    const state = new JourneyState();
    expect(state.settlePayment(payment('pay-1'), { ...accepted, ownedByThisEnrollment: false })).toBe('not-ours');
    expect(state.paidTariff).toBeNull();
    expect(state.payments.size).toBe(0);
  });

  it('remembers an underpaid payment without granting a tariff', () => {
    const state = new JourneyState();
    expect(state.settlePayment(payment('pay-1'), { ...accepted, status: 'underpaid' })).toBe('underpaid');
    expect(state.paidTariff).toBeNull();
    expect([...state.payments]).toEqual([['pay-1', 'underpaid']]);
  });

  it('takes the status Postgres stored, not the one the journey asked for', () => {
    const state = new JourneyState();
    expect(state.settlePayment(payment('pay-1'), { ...accepted, status: 'underpaid' })).toBe('underpaid');
    expect(state.settlePayment(payment('pay-2'), accepted)).toBe('paid');
    expect([...state.payments]).toEqual([
      ['pay-1', 'underpaid'],
      ['pay-2', 'accepted'],
    ]);
  });

  it('sets the tariff from the first accepted payment; a later one for another tariff changes nothing', () => {
    const state = new JourneyState();
    expect(state.settlePayment(payment('pay-1'), accepted)).toBe('paid');
    expect(state.settlePayment({ ...payment('pay-2'), tariff: 'PREMIUM' }, accepted)).toBe('paid');
    expect(state.paidTariff).toBe('BASIC');
  });

  it('upgrades only from the tariff the upgrade was priced from', () => {
    const state = new JourneyState();
    state.paidTariff = 'BASIC';
    const upgrade = (from: 'BASIC' | 'FEEDBACK', id: string) => ({
      ...payment(id),
      tariff: 'PREMIUM' as const,
      order: { publicId: id, amountMinor: 8000, currency: 'USD', upgradeFrom: from },
    });
    expect(state.settlePayment(upgrade('FEEDBACK', 'pay-1'), accepted)).toBe('paid');
    expect(state.paidTariff).toBe('BASIC');
    expect(state.settlePayment(upgrade('BASIC', 'pay-2'), accepted)).toBe('upgrade');
    expect(state.paidTariff).toBe('PREMIUM');
  });

  it('never upgrades a journey that has no tariff yet: the payment sets it', () => {
    const state = new JourneyState();
    const order = { publicId: 'o-1', amountMinor: 8000, currency: 'USD', upgradeFrom: 'BASIC' as const };
    expect(state.settlePayment({ ...payment('pay-1'), tariff: 'PREMIUM', order }, accepted)).toBe('paid');
    expect(state.paidTariff).toBe('PREMIUM');
  });
});

describe('JourneyState: what the steps read after payment', () => {
  it('is refunded only when it ended refunded', () => {
    const state = new JourneyState();
    expect(state.refunded).toBe(false);
    state.ended = 'completed';
    expect(state.refunded).toBe(false);
    state.ended = 'refunded';
    expect(state.refunded).toBe(true);
  });

  it('names the tariff and the course start once known, and fails loudly when asked before', () => {
    const state = new JourneyState();
    expect(() => state.tariff).toThrow('The journey asked for its tariff before a payment was taken');
    expect(() => state.courseStart).toThrow('The journey asked when the course started before access');
    state.paidTariff = 'FEEDBACK';
    state.startedAt = 0;
    expect(state.tariff).toBe('FEEDBACK');
    expect(state.courseStart).toBe(0);
  });

  it('keeps feedback for a known assignment, and ignores it for an unknown one', () => {
    const state = active();
    state.assignments.set(1, { id: 1, day: 1, status: 'awaiting-review' });
    const feedback = { assignmentId: 1, reviewerTelegramId: 5, parts: [] };
    state.takeFeedback(feedback);
    state.takeFeedback({ ...feedback, assignmentId: 2 });
    expect(state.assignments.get(1)?.feedback).toBe(feedback);
    expect([...state.assignments.keys()]).toEqual([1]);
  });
});
