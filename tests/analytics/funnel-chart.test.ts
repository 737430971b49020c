import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHART_WIDTH, fitsTelegramPhoto, funnelPng, funnelSvg, renderPng } from '../../analytics/funnel-chart';
import { funnelCells, funnelCsv, funnelText } from '../../analytics/funnel-data';
import type { FunnelReport } from '../../analytics/funnel-data';
import { EXAMPLE_FUNNEL } from '../../analytics/funnel-example';
import { EXAMPLE_PNG_PATH } from '../../scripts/funnel-example';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });
const svgHeight = (svg: string) => Number(/<svg[^>]* height="(\d+)"/.exec(svg)![1]);

const small: FunnelReport = {
  course: { slug: 'tags', title: 'Tags <&> "quotes" & more' },
  period: '2026-11-01..2026-11-30',
  groups: ['all'],
  rows: [
    { step: 'start', day: 0, counts: [40] },
    { step: 'tariff', day: 0, counts: [20] },
    { step: 'paid', day: 0, counts: [10] },
    { step: 'lesson', day: 1, counts: [0] },
    { step: 'refunded', day: 0, counts: [5] },
  ],
};
const bars = (svg: string) =>
  [...svg.matchAll(/<rect class="bar" data-step="([^"]*)" data-group="([^"]*)"[^>]* width="([\d.]+)"/g)].map((m) => ({
    step: m[1],
    group: m[2],
    width: Number(m[3]),
  }));

/** The chart renderer (#18): data → SVG → PNG, pure. */
describe('the funnel chart', () => {
  it('draws bars proportional to the students of each step, the longest full width', () => {
    const drawn = bars(funnelSvg(small));
    expect(drawn.map((b) => [b.step, b.width])).toEqual([
      ['/start', 470],
      ['Tariff chosen', 235],
      ['Paid', 117.5],
      ['Lesson 1', 0],
      ['Refunded', 58.8],
    ]);
  });

  it('draws a bar per group of a breakdown, in one scale, and names every group', () => {
    const svg = funnelSvg(EXAMPLE_FUNNEL);
    const drawn = bars(svg);
    expect(drawn).toHaveLength(EXAMPLE_FUNNEL.rows.length * 3);
    const start = drawn.filter((b) => b.step === '/start').map((b) => b.width);
    expect(start).toEqual([Math.round((220 / 380) * 4700) / 10, Math.round((140 / 380) * 4700) / 10, 470]);
    for (const group of EXAMPLE_FUNNEL.groups) expect(svg).toContain(`>${group}</text>`);
  });

  it('escapes every string from the data, so a title with <&> keeps the SVG well-formed', () => {
    const svg = funnelSvg({ ...small, groups: ['<b>&'], by: 'promo', rows: small.rows });
    expect(svg).toContain('Tags &#60;&#38;&#62; &#34;quotes&#34; &#38; more');
    expect(svg).toContain('data-group="&#60;b&#62;&#38;"');
    expect(svg).not.toMatch(/<&>|<b>/);
    // resvg refuses malformed XML: rendering is the well-formedness check.
    expect(renderPng(svg).subarray(0, 8)).toEqual(PNG_SIGNATURE);
  });

  it('computes step-to-step and from-the-top rates; refunds are a share of the paid', () => {
    const cells = funnelCells(small).map(([c]) => [c!.count, c!.stepRate, c!.topRate]);
    expect(cells).toEqual([
      [40, null, 1],
      [20, 0.5, 0.5],
      [10, 0.5, 0.25],
      [0, 0, 0],
      [5, 0.5, 0.125],
    ]);
    expect(funnelText(small).split('\n')).toEqual([
      'Funnel · Tags <&> "quotes" & more (tags) · 2026-11-01..2026-11-30',
      '',
      '/start: 40',
      'Tariff chosen: 20 · 50.0% of previous · 50.0% of top',
      'Paid: 10 · 50.0% of previous · 25.0% of top',
      'Lesson 1: 0 · 0.0% of previous · 0.0% of top',
      'Refunded: 5 · 50.0% of previous · 12.5% of top',
    ]);
    expect(
      funnelCsv({ ...small, course: { slug: 'tags', title: 'x' } })
        .split('\n')
        .slice(0, 3),
    ).toEqual([
      'course,period,breakdown,group,step,day,label,students,step_conversion,top_conversion',
      'tags,2026-11-01..2026-11-30,,all,start,0,/start,40,,1.0000',
      'tags,2026-11-01..2026-11-30,,all,tariff,0,Tariff chosen,20,0.5000,0.5000',
    ]);
  });

  it('renders a PNG of the SVG’s size with the shipped font', () => {
    const png = funnelPng(small);
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: CHART_WIDTH, height: svgHeight(funnelSvg(small)) });
  });

  it('tells a chart too tall for a Telegram photo (many lessons, many groups) from one that fits', () => {
    expect(fitsTelegramPhoto(funnelPng(EXAMPLE_FUNNEL))).toBe(true);
    const lessons = Array.from({ length: 100 }, (_, i) => ({
      step: 'lesson' as const,
      day: i + 1,
      counts: [1, 2, 3, 4, 5],
    }));
    const tall: FunnelReport = { ...EXAMPLE_FUNNEL, groups: ['a', 'b', 'c', 'd', 'e'], rows: lessons };
    const png = funnelPng(tall);
    expect(pngSize(png).width + pngSize(png).height).toBeGreaterThan(10_000);
    expect(fitsTelegramPhoto(png)).toBe(false);
  });

  it('docs/funnel-example.png is what the code renders now (npm run funnel:example redraws it)', () => {
    const committed = readFileSync(EXAMPLE_PNG_PATH);
    const rendered = funnelPng(EXAMPLE_FUNNEL);
    expect(pngSize(committed)).toEqual({ width: CHART_WIDTH, height: svgHeight(funnelSvg(EXAMPLE_FUNNEL)) });
    expect(committed.equals(rendered), 'run `npm run funnel:example` and commit docs/funnel-example.png').toBe(true);
  });
});
