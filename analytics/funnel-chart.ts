import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import { funnelCells, percent, rowLabel } from './funnel-data';
import type { FunnelReport } from './funnel-data';

/** DejaVu Sans from the `dejavu-fonts-ttf` package (as the certificates use): the chart never depends on system fonts. */
const require = createRequire(import.meta.url);
const FONT_FILES = [
  require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
];

export const CHART_WIDTH = 1000;
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const LABEL_X = 24;
const BAR_X = 250;
const BAR_MAX = 470;
const VALUE_X = BAR_X + BAR_MAX + 12;

/**
 * The funnel as an SVG bar chart: a row per step, a bar per group (length proportional to its students, the longest
 * bar of the chart full width), each with its count, step-to-step and from-the-top rates. Pure: text in, text out,
 * every string from the data escaped.
 */
export function funnelSvg(report: FunnelReport): string {
  const cells = funnelCells(report);
  const grouped = report.groups.length > 1 || report.by !== undefined;
  const barH = grouped ? 18 : 26;
  const rowH = report.groups.length * (barH + 3) + 10;
  const top = grouped ? 118 : 96;
  const height = top + report.rows.length * rowH + 40;
  const max = Math.max(1, ...report.rows.flatMap((r) => r.counts));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${height}" viewBox="0 0 ${CHART_WIDTH} ${height}" font-family="DejaVu Sans">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    text(LABEL_X, 40, `Funnel · ${clip(report.course.title, 60)}`, { size: 22, bold: true }),
    text(LABEL_X, 66, `${report.course.slug} · ${report.period}${report.by ? ` · by ${report.by}` : ''}`, {
      size: 14,
      fill: '#555555',
    }),
  ];
  if (grouped) {
    let x = LABEL_X;
    report.groups.forEach((group, g) => {
      out.push(`<rect x="${x}" y="82" width="14" height="14" fill="${color(g)}"/>`);
      out.push(text(x + 20, 94, clip(group, 24), { size: 13 }));
      x += 40 + Math.min(24, group.length) * 8;
    });
  }
  report.rows.forEach((row, i) => {
    const y = top + i * rowH;
    out.push(text(LABEL_X, y + (rowH - 10) / 2 + 5, rowLabel(row), { size: 14 }));
    row.counts.forEach((count, g) => {
      const c = cells[i]![g]!;
      const by = y + g * (barH + 3);
      const w = round((count / max) * BAR_MAX);
      out.push(
        `<rect class="bar" data-step="${escapeXml(rowLabel(row))}" data-group="${escapeXml(report.groups[g]!)}" x="${BAR_X}" y="${by}" width="${w}" height="${barH}" fill="${color(g)}"/>`,
      );
      const rates = i === 0 ? '' : ` · ${percent(c.stepRate)} step · ${percent(c.topRate)} top`;
      out.push(text(VALUE_X, by + barH / 2 + 5, `${count}${rates}`, { size: 13, fill: '#333333' }));
    });
  });
  out.push(
    text(LABEL_X, height - 14, 'step: share of the step before (refunds: of paid) · top: share of /start', {
      size: 12,
      fill: '#777777',
    }),
  );
  out.push('</svg>');
  return out.join('\n');
}

/** The SVG as a PNG, drawn with DejaVu Sans only (no system fonts), on white. */
export function renderPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' },
    background: '#ffffff',
  });
  return resvg.render().asPng();
}

/** The funnel chart as a PNG: what /funnel sends and docs/funnel-example.png shows. */
export function funnelPng(report: FunnelReport): Buffer {
  return renderPng(funnelSvg(report));
}

/** Telegram takes a photo up to 10000 px of width + height and a side ratio up to 20; a taller chart goes as a file. */
export function fitsTelegramPhoto(png: Buffer): boolean {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  return width + height <= 10_000 && Math.max(width, height) / Math.min(width, height) <= 20;
}

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function text(x: number, y: number, value: string, o: { size: number; bold?: boolean; fill?: string }): string {
  const weight = o.bold ? ' font-weight="bold"' : '';
  return `<text x="${x}" y="${round(y)}" font-size="${o.size}"${weight} fill="${o.fill ?? '#111111'}">${escapeXml(value)}</text>`;
}

const color = (g: number) => PALETTE[g % PALETTE.length]!;
const round = (n: number) => Math.round(n * 10) / 10;
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
