/** Telegram answered 403: the student blocked the bot (or never started it). Retrying cannot help. */
export class BotBlockedError extends Error {
  override name = 'BotBlockedError';
}

/** Telegram answered 400 (chat not found, message malformed): a retry would get the same answer. */
export class TelegramBadRequestError extends Error {
  override name = 'TelegramBadRequestError';
}
