import { Composer } from 'grammy';
import { checkCertificate } from '../../journey/certificates';
import type { SalesContext } from './context';

/**
 * /verify CODE (#17): anyone, in any chat, learns whether a certificate code is genuine, and then only the name's
 * initials, the course and the date.
 */
export const verify = new Composer<SalesContext>();

verify.command('verify', async (ctx) => {
  const found = await checkCertificate(ctx.deps.sql, ctx.match.trim());
  if (found === 'malformed') return void (await ctx.reply(ctx.t.certificateMalformed()));
  await ctx.reply(found ? ctx.t.certificateValid(found) : ctx.t.certificateUnknown());
});
