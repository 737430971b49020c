/** Rows as columns padded to their widest cell, the first row the header. */
export function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join(' │ ')).join('\n');
}

type Figures = Record<string, number>;

const GOALS: Record<string, string> = {
  paymentToWelcomeP99Ms: '≤ 500',
  courseReplyP99Ms: '≤ 1000',
  startReplyP99Ms: '',
  startBeyondFloorP99Ms: '≤ 150',
  courseBeyondFloorP99Ms: '',
  lessonShareOfLimit: '≥ 0.9',
  sendShareOfLimit: '',
  lessonShareOfRateLeft: '',
  telegram429s: '0',
  duplicates: '0',
  lost: '0',
};

/** 6: each headline figure with PRIORITIES=on, off, and off / on. */
export function rushHourTable(r: {
  on: { headline: Figures };
  off: { headline: Figures };
  ratio: Record<string, unknown>;
}) {
  const rows = Object.keys(r.on.headline).map((k) => [
    k,
    String(r.on.headline[k]),
    String(r.off.headline[k]),
    String(r.ratio[k]),
    GOALS[k] ?? '',
  ]);
  return formatTable([['6 rush hour', 'on', 'off', 'off/on', 'goal'], ...rows]);
}
