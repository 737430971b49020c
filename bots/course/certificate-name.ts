import { Composer } from 'grammy';
import { certificateName } from '../../domain/certificates';
import { certificateNameOf, saveCertificateName } from '../../journey/certificates';
import type { CourseContext } from './context';

/**
 * /name Your Name: the name printed on the student's certificates (#17), in any script. Without a name it shows the
 * current one; a name that is not one (digits, symbols, too long) is refused and nothing changes.
 */
export const certificateNames = new Composer<CourseContext>();
const student = certificateNames.chatType('private');

student.command('name', async (ctx) => {
  const typed = ctx.match.trim();
  const telegramName = [ctx.from.first_name, ctx.from.last_name].filter(Boolean).join(' ');
  const notEnrolled = () => ctx.reply(ctx.t.notEnrolled({ salesBot: ctx.deps.settings.salesBot }));
  if (typed === '') {
    const current = await certificateNameOf(ctx.deps.sql, ctx.from.id);
    if (current === undefined) return void (await notEnrolled());
    return void (await ctx.reply(
      current ? ctx.t.nameCurrent({ name: current }) : ctx.t.nameUnset({ name: telegramName }),
    ));
  }
  const name = certificateName(typed);
  if (!name) return void (await ctx.reply(ctx.t.badName()));
  if (!(await saveCertificateName(ctx.deps.sql, ctx.from.id, name))) return void (await notEnrolled());
  await ctx.reply(ctx.t.nameSaved({ name }));
});
