import { describe, expect, it } from 'vitest';
import { isReviewed, tariffRank, TARIFFS } from '../../domain/tariffs';

describe('tariffs', () => {
  it('rank in the order a course sells them, so an upgrade goes up', () => {
    expect(TARIFFS.map(tariffRank)).toEqual([1, 2, 3]);
    expect(tariffRank('PREMIUM')).toBeGreaterThan(tariffRank('FEEDBACK'));
  });

  it('are reviewed by a curator except BASIC', () => {
    expect(TARIFFS.filter(isReviewed)).toEqual(['FEEDBACK', 'PREMIUM']);
  });
});
