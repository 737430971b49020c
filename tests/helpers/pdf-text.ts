import { inflateSync } from 'node:zlib';

/**
 * The text of a PDF that pdfkit wrote with embedded fonts, for assertions: each shown string (a TJ array of glyph ids)
 * decoded through every ToUnicode map in the file (the regular and the bold font each have one), so a line that
 * shows a name reads as that name through its own font's map. Enough for pdfkit's output, not a general PDF parser.
 */
export function pdfTexts(pdf: Buffer): string[] {
  const streams = [...pdf.toString('latin1').matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)].map(([, body]) => {
    const bytes = Buffer.from(body!, 'latin1');
    try {
      return inflateSync(bytes).toString('latin1');
    } catch {
      return body!;
    }
  });
  const maps = streams.filter((s) => s.includes('begincmap')).map(toUnicodeMap);
  const shown = streams
    .filter((s) => s.includes('TJ'))
    .flatMap((s) => [...s.matchAll(/\[([^\]]*)\]\s*TJ/g)].map(([, array]) => hexGlyphs(array!)));
  return shown.flatMap((glyphs) => maps.map((map) => glyphs.map((gid) => map.get(gid) ?? '\uFFFD').join('')));
}

/** The fonts a PDF names (BaseFont), e.g. "BZZZZZ+DejaVuSans" for an embedded subset. */
export function pdfFonts(pdf: Buffer): string[] {
  return [...pdf.toString('latin1').matchAll(/\/BaseFont\s*\/([^\s/<>\]]+)/g)].map(([, name]) => name!);
}

function hexGlyphs(array: string): number[] {
  const hex = [...array.matchAll(/<([0-9a-fA-F]*)>/g)].map(([, h]) => h!).join('');
  return (hex.match(/.{4}/g) ?? []).map((gid) => parseInt(gid, 16));
}

function toUnicodeMap(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const [, start, , entries] of cmap.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*\[([^\]]*)\]/g)) {
    const units = [...entries!.matchAll(/<([0-9a-fA-F ]*)>/g)].map(([, e]) =>
      String.fromCharCode(...(e!.replace(/ /g, '').match(/.{4}/g) ?? []).map((u) => parseInt(u, 16))),
    );
    units.forEach((text, i) => map.set(parseInt(start!, 16) + i, text));
  }
  return map;
}
