import { badRequest } from './errors';

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
      const offset = Buffer.byteLength(html.slice(0, i));
      if (!tag) throw badRequest(`can't parse entities: Unexpected character at byte offset ${offset}`);
      if (!TAGS.has(tag[2]!.toLowerCase())) {
        throw badRequest(`can't parse entities: Unsupported start tag "${tag[2]}" at byte offset ${offset}`);
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

/**
 * The text a reader sees for a parse mode. HTML is parsed and validated; Markdown and MarkdownV2 are passed through
 * as sent (the stand-in does not model their escaping rules).
 */
export function visibleText(text: string, parseMode: string | undefined): string {
  if (parseMode === undefined || parseMode === '') return text;
  const mode = parseMode.toLowerCase();
  if (mode === 'html') return readHtml(text);
  if (mode === 'markdown' || mode === 'markdownv2') return text;
  throw badRequest(`unsupported parse_mode "${parseMode}"`);
}
