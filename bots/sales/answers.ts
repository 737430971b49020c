import { Composer } from 'grammy';
import type { Message } from 'grammy/types';
import { emailAnswer, promoAnswer } from './checkout';
import type { SalesContext, SalesSession } from './context';
import { timeZoneAnswer } from './info';
import { questionAnswer } from './support';

type Question = NonNullable<SalesSession['awaiting']>['kind'];

/**
 * A question the bot asked (`session.awaiting`: a promo code, a receipt e-mail, a question for the team, a time
 * zone) is answered by the student's next message in the private chat. One router sends that message to the
 * feature that asked, so no feature reads messages meant for another. A command is never an answer: it runs as a
 * command (and /start forgets the question).
 */
export const answers = new Composer<SalesContext>();

const routes: Record<Question, Composer<SalesContext>> = {
  promo: promoAnswer,
  email: emailAnswer,
  question: questionAnswer,
  'time-zone': timeZoneAnswer,
};

answers
  .chatType('private')
  .route((ctx) => (ctx.message && !isCommand(ctx.message) ? ctx.session.awaiting?.kind : undefined), routes);

function isCommand(message: Message): boolean {
  return message.entities?.[0]?.type === 'bot_command' && message.entities[0].offset === 0;
}
