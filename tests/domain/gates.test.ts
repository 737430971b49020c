import { describe, expect, it } from 'vitest';
import { effectiveGate, gatePassed } from '../../domain/gates';

describe('lesson gates', () => {
  it('opens a submitted gate with any hand-in, whatever the verdict', () => {
    expect(gatePassed('submitted', [])).toBe(false);
    expect(gatePassed('submitted', [{}])).toBe(true);
    expect(gatePassed('submitted', [{ verdict: 'changes-requested' }])).toBe(true);
  });

  it('opens an approved gate only with an approval', () => {
    expect(gatePassed('approved', [{}])).toBe(false);
    expect(gatePassed('approved', [{ verdict: 'changes-requested' }])).toBe(false);
    expect(gatePassed('approved', [{ verdict: 'changes-requested' }, { verdict: 'approved' }])).toBe(true);
  });

  it('asks BASIC students, whom nobody reviews, only for a submission', () => {
    expect(effectiveGate('approved', 'BASIC')).toBe('submitted');
    expect(effectiveGate('approved', 'FEEDBACK')).toBe('approved');
    expect(effectiveGate('approved', 'PREMIUM')).toBe('approved');
    expect(effectiveGate('submitted', 'PREMIUM')).toBe('submitted');
  });
});
