import { describe, expect, it } from 'vitest';
import {
  canonicalCode,
  certificateCode,
  certificateName,
  CODE_ALPHABET,
  CODE_LENGTH,
  groupedCode,
  nameInitials,
} from '../../domain/certificates';

describe('certificate codes', () => {
  it('are 12 characters of Crockford base32, every one of the 32 reachable', () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => i + 224);
    expect(certificateCode(bytes.subarray(0, 12))).toBe('0123456789AB');
    expect(certificateCode(bytes.subarray(20, 32))).toBe('MNPQRSTVWXYZ');
    expect(CODE_ALPHABET).toHaveLength(32);
    expect(CODE_ALPHABET).not.toMatch(/[ILOU]/);
    expect(() => certificateCode(new Uint8Array(CODE_LENGTH - 1))).toThrow(RangeError);
  });

  it('are shown in groups of four', () => {
    expect(groupedCode('ABCDEFGHJKMN')).toBe('ABCD-EFGH-JKMN');
  });

  it('read the same whatever the case, dashes and spaces a person types', () => {
    for (const typed of ['ABCD-EFGH-JKMN', 'abcd-efgh-jkmn', ' abcd efgh jkmn ', 'ABCDEFGHJKMN', 'ab-cd–ef gh jk-mn']) {
      expect(canonicalCode(typed), typed).toBe('ABCDEFGHJKMN');
    }
  });

  it('read the letters Crockford reads as digits as those digits', () => {
    expect(canonicalCode('o0il-I1Lo-0000')).toBe('001111100000');
  });

  it('are refused when they cannot be a code: wrong length, letters outside the alphabet, anything else', () => {
    for (const typed of [
      '',
      'ABCD-EFGH-JKM',
      'ABCD-EFGH-JKMNP',
      'ABCD-EFGH-JKMU',
      'ABCD_EFGH_JKMN',
      '../../etc/passwd',
      'АВСD-EFGH-JKMN',
      'x'.repeat(100),
    ]) {
      expect(canonicalCode(typed), typed).toBeNull();
    }
  });
});

describe('certificate names', () => {
  it('take letters of any script with spaces, hyphens and apostrophes between words, tidied', () => {
    expect(certificateName('  Ada   Lovelace ')).toBe('Ada Lovelace');
    expect(certificateName('Анна-Мария Петрова')).toBe('Анна-Мария Петрова');
    expect(certificateName("Seán O'Brien")).toBe("Seán O'Brien");
    expect(certificateName('D’Artagnan')).toBe('D’Artagnan');
    expect(certificateName('李小龍')).toBe('李小龍');
    expect(certificateName('a'.repeat(64))).toBe('a'.repeat(64));
  });

  it('refuse anything else: empty, too long, digits, symbols, markup, stray separators', () => {
    for (const typed of [
      '',
      '   ',
      'a'.repeat(65),
      'R2-D2',
      'Ada <b>',
      'Ada 🎓',
      '-Ada',
      "Ada'",
      'Ada--Lovelace',
      'Ada_Lovelace',
    ]) {
      expect(certificateName(typed), typed).toBeNull();
    }
  });

  it('show only initials when verified', () => {
    expect(nameInitials('Ada Lovelace')).toBe('A. L.');
    expect(nameInitials('Анна-Мария Петрова')).toBe('А.-М. П.');
    expect(nameInitials("seán o'brien")).toBe('S. O.');
    expect(nameInitials('🎓 Ada')).toBe('A.');
    expect(nameInitials('')).toBe('');
  });
});
