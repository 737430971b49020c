import { describe, expect, it } from 'vitest';
import { gatePassed } from '../../domain/gates';
import { afterAttempt, quizPassed, resolvePassMark } from '../../domain/quizzes';

describe('quiz pass marks', () => {
  it('takes a number of correct answers as it is, within the number of questions', () => {
    expect(resolvePassMark(3, 4)).toBe(3);
    expect(resolvePassMark(4, 4)).toBe(4);
    expect(() => resolvePassMark(0, 4)).toThrow(RangeError);
    expect(() => resolvePassMark(5, 4)).toThrow('from 1 to 4');
    expect(() => resolvePassMark(2.5, 4)).toThrow(RangeError);
  });

  it('rounds a percentage up to whole correct answers', () => {
    expect(resolvePassMark('75%', 4)).toBe(3);
    expect(resolvePassMark('50%', 3)).toBe(2);
    expect(resolvePassMark('100%', 3)).toBe(3);
    expect(resolvePassMark('66.7%', 3)).toBe(3);
    expect(resolvePassMark('1%', 3)).toBe(1);
    expect(resolvePassMark(' 80 % ', 5)).toBe(4);
    for (const bad of ['0%', '101%', '75', 'most', '-5%']) expect(() => resolvePassMark(bad, 4)).toThrow(RangeError);
  });

  it('passes an attempt at or above the mark, and any attempt of a quiz without one', () => {
    expect(quizPassed({ attempt: 1, correct: 3, total: 4 }, 3)).toBe(true);
    expect(quizPassed({ attempt: 1, correct: 2, total: 4 }, 3)).toBe(false);
    expect(quizPassed({ attempt: 1, correct: 0, total: 4 }, null)).toBe(true);
  });

  it('offers a retake after a failed attempt while attempts are left, then none', () => {
    const quiz = { passMark: 2, attempts: 2 };
    expect(afterAttempt({ attempt: 1, correct: 2, total: 3 }, quiz)).toBe('passed');
    expect(afterAttempt({ attempt: 1, correct: 1, total: 3 }, quiz)).toBe('retake');
    expect(afterAttempt({ attempt: 2, correct: 1, total: 3 }, quiz)).toBe('exhausted');
    expect(afterAttempt({ attempt: 9, correct: 0, total: 3 }, { passMark: 2, attempts: null })).toBe('retake');
  });

  it('opens a quiz gate with a passing attempt only', () => {
    expect(gatePassed('quiz', [])).toBe(false);
    expect(gatePassed('quiz', [{ quizPassed: false }])).toBe(false);
    expect(gatePassed('quiz', [{ quizPassed: false }, { quizPassed: true }])).toBe(true);
  });
});
