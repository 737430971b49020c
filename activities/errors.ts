export { BotBlockedError, TelegramBadRequestError } from '../telegram/errors';

/** A row the step depends on does not exist (unknown course, user, lesson or assignment). */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}
