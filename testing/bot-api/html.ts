import { badRequest } from './types';

const TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'a',
  'code',
  'pre',
  'span',
  'tg-spoiler',
  'tg-emoji',
  'blockquote',
]);
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/**
 * What a reader sees of a parse_mode=HTML text: tags dropped, entities decoded. Like Telegram, an unknown tag, an
 * unclosed or mismatched tag, or a bare `<` is a 400 "can't parse entities" (the bug an unescaped user value causes).
 */
export function readHtml(html: string): string {
  const open: string[] = [];
  let out = '';
  for (let i = 0; i < html.length;) {
    const ch = html[i]!;
    if (ch === '<') {
      const end = html.indexOf('>', i);
      const tag = end === -1 ? null : /^<\s*(\/?)\s*([a-z-]+)(\s[^>]*)?>$/i.exec(html.slice(i, end + 1));
      if (!tag || !TAGS.has(tag[2]!.toLowerCase())) {
        throw badRequest(
          `can't parse entities: Unsupported start tag at byte offset ${Buffer.byteLength(html.slice(0, i))}`,
        );
      }
      const name = tag[2]!.toLowerCase();
      if (tag[1]) {
        if (open.pop() !== name) throw badRequest(`can't parse entities: Unmatched end tag "${name}"`);
      } else {
        open.push(name);
      }
      i = end + 1;
    } else if (ch === '&') {
      const entity = /^&(#\d+|#x[0-9a-f]+|[a-z]+);/i.exec(html.slice(i));
      const name = entity?.[1];
      if (name && name.startsWith('#')) {
        out += String.fromCodePoint(name[1] === 'x' ? parseInt(name.slice(2), 16) : Number(name.slice(1)));
      } else if (name && ENTITIES[name]) {
        out += ENTITIES[name];
      } else {
        out += '&';
        i += 1;
        continue;
      }
      i += entity![0].length;
    } else {
      out += ch;
      i += 1;
    }
  }
  if (open.length > 0)
    throw badRequest(`can't parse entities: Can't find end tag corresponding to start tag "${open.at(-1)}"`);
  return out;
}
