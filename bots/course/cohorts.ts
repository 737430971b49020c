import { Composer } from 'grammy';
import { AdminOpError } from '../../journey/admin-ops';
import { createCohortOps } from '../../journey/cohort-ops';
import type { CourseContext } from './context';

/**
 * /cohort in the review chat (#17): `/cohort add <course> <name> <YYYY-MM-DD>` adds a cohort to a course in cohorts
 * (audited), `/cohort list [course]` shows them with their students. Mounted behind the allow-list like ./admin.
 */
export const cohortDesk = new Composer<CourseContext>();
export const COHORT_COMMANDS = ['cohort'];

const USAGE = 'Usage: /cohort add <course> <name> <YYYY-MM-DD>, or /cohort list [course]';

cohortDesk.on('message').command('cohort', async (ctx) => {
  const [action, ...rest] = ctx.match.trim().split(/\s+/).filter(Boolean);
  const ops = createCohortOps(ctx.deps);
  try {
    if (action === 'add' && rest.length === 3) {
      const [courseSlug = '', name = '', startsOn = ''] = rest;
      const actor = { telegramId: ctx.from.id, via: 'review-chat' as const };
      const added = await ops.add(actor, { courseSlug, name, startsOn });
      return void (await ctx.reply(`👥 ${added.courseSlug}: cohort ${added.name} starts on ${added.startsOn}.`));
    }
    if (action === 'list' && rest.length <= 1) {
      const cohorts = await ops.list(rest[0]);
      if (cohorts.length === 0) return void (await ctx.reply('No cohorts yet.'));
      const lines = cohorts.map(
        (c) =>
          `• ${c.courseSlug} · ${c.name} · ${c.startsOn}${c.source === 'admin' ? ' (added here)' : ''}: ` +
          `${c.students} student${c.students === 1 ? '' : 's'}, ${c.completed} completed`,
      );
      return void (await ctx.reply(['👥 Cohorts:', ...lines].join('\n')));
    }
    await ctx.reply(USAGE);
  } catch (err) {
    if (err instanceof AdminOpError) return void (await ctx.reply(err.message));
    throw err;
  }
});
