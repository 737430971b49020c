import { Composer, InputFile } from 'grammy';
import { fitsTelegramPhoto, funnelPng } from '../../analytics/funnel-chart';
import { FunnelInputError, parseFunnelCommand } from '../../analytics/funnel-command';
import { funnelText } from '../../analytics/funnel-data';
import { loadFunnel } from '../../analytics/funnel-report';
import type { CourseContext } from './context';

/**
 * /funnel [course] [period] [by X] in the review chat (#18): the funnel as a PNG bar chart, then its numbers as text
 * (every group of a breakdown). Read-only; mounted behind the allow-list like ./promo. A mistake is answered.
 */
export const funnelDesk = new Composer<CourseContext>();
export const FUNNEL_COMMANDS = ['funnel'];

funnelDesk.on('message').command('funnel', async (ctx) => {
  let report;
  try {
    report = await loadFunnel(
      ctx.deps.sql,
      parseFunnelCommand(ctx.match.trim().split(/\s+/).filter(Boolean), new Date()),
    );
  } catch (err) {
    if (err instanceof FunnelInputError) return void (await ctx.reply(err.message));
    throw err;
  }
  const text = funnelText(report);
  const caption = text.split('\n')[0]!;
  const png = funnelPng(report);
  const file = new InputFile(png, `funnel-${report.course.slug}.png`);
  const options = { caption: caption.length <= 1024 ? caption : `${caption.slice(0, 1023)}…` };
  // A course with many lessons and groups draws a chart too tall for a photo: the same PNG goes as a file.
  if (fitsTelegramPhoto(png)) await ctx.replyWithPhoto(file, options);
  else await ctx.replyWithDocument(file, options);
  for (const chunk of chunks(text, 4000)) await ctx.reply(chunk);
});

/** Telegram's 4096-character limit: split between blocks, else between lines. */
function chunks(text: string, max: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const next = current ? `${current}\n${line}` : line;
    if (next.length > max && current) {
      out.push(current);
      current = line.slice(0, max);
    } else current = next.slice(0, max);
  }
  if (current) out.push(current);
  return out;
}
