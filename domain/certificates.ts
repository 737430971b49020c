/**
 * Certificates of completion (#17): the verification code and the student's name as printed. Plain functions, so the
 * bots, the HTTP route and the activity agree on what a code and a name are.
 */

/** Crockford's base32: no I, L, O or U, so a code read aloud or typed from paper has no look-alikes. */
export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 12 characters, 60 random bits: guessing one valid code among millions takes ~10^11 tries. */
export const CODE_LENGTH = 12;
const GROUP = 4;

/** A new code from CODE_LENGTH random bytes (the caller's source: crypto in activities, fixed bytes in tests). */
export function certificateCode(randomBytes: Uint8Array): string {
  if (randomBytes.length < CODE_LENGTH) throw new RangeError(`a code needs ${CODE_LENGTH} random bytes`);
  // 256 is a multiple of 32, so the low five bits of a uniform byte are uniform.
  return Array.from(randomBytes.subarray(0, CODE_LENGTH), (byte) => CODE_ALPHABET[byte & 31]).join('');
}

/** ABCD-EFGH-JKMN: how a code is printed and shown. */
export function groupedCode(code: string): string {
  return code.match(new RegExp(`.{1,${GROUP}}`, 'g'))?.join('-') ?? code;
}

/**
 * A code as someone typed it, in its stored form (12 characters, no dashes), or null when it cannot be one. Case,
 * dashes and spaces do not matter, and the letters Crockford reads as digits (O as 0, I and L as 1) are read so.
 */
export function canonicalCode(typed: string): string | null {
  if (typed.length > 64) return null;
  const compact = typed
    .toUpperCase()
    .replace(/[\s\-‐‑–—]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (compact.length !== CODE_LENGTH) return null;
  return [...compact].every((ch) => CODE_ALPHABET.includes(ch)) ? compact : null;
}

/** Most characters a printed name may have. */
export const NAME_MAX = 64;
/** Words of letters (any script, with their combining marks), joined by single spaces, hyphens or apostrophes. */
const NAME = /^[\p{L}\p{M}]+(?:[ '’-][\p{L}\p{M}]+)*$/u;

/**
 * The name a student typed for their certificate, tidied (outer spaces trimmed, inner runs made one), or null when
 * it is not a name: empty, longer than NAME_MAX, or holding anything but letters, spaces, hyphens and apostrophes.
 */
export function certificateName(typed: string): string | null {
  const name = typed.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (name.length === 0 || [...name].length > NAME_MAX) return null;
  return NAME.test(name) ? name : null;
}

/**
 * What verification shows of a name: the first letter of each word (of each part of a hyphenated one), with dots:
 * "Анна-Мария Петрова" is "А.-М. П.". Words that start with no letter (an emoji in a Telegram name) are left out.
 */
export function nameInitials(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .map((word) =>
      word
        .split('-')
        .map((part) => /\p{L}/u.exec(part)?.[0]?.toUpperCase())
        .filter((letter): letter is string => letter !== undefined)
        .map((letter) => `${letter}.`)
        .join('-'),
    )
    .filter((initials) => initials !== '')
    .join(' ');
}
