/** A Bot API failure: becomes `{ ok: false, error_code, description, parameters? }` with the same HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
    this.name = 'ApiError';
  }
}

export const badRequest = (what: string) => new ApiError(400, `Bad Request: ${what}`);

export const blockedByUser = () => new ApiError(403, 'Forbidden: bot was blocked by the user');

export const tooManyRequests = (retryAfter: number, description = `Too Many Requests: retry after ${retryAfter}`) =>
  new ApiError(429, description, { retry_after: retryAfter });

export const conflict = (why: string) => new ApiError(409, `Conflict: ${why}`);

export const methodNotFound = () => new ApiError(404, 'Not Found: method not found');

const DESCRIPTIONS: Record<number, string> = {
  400: 'Bad Request: injected fault',
  401: 'Unauthorized',
  403: 'Forbidden: bot was blocked by the user',
  404: 'Not Found',
  409: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
};

/** Telegram's wording for an injected error code that came without a description (5xx: Internal Server Error). */
export function faultError(code: number, description?: string, retryAfter?: number): ApiError {
  if (code === 429) return tooManyRequests(retryAfter ?? 1, description);
  return new ApiError(
    code,
    description ?? DESCRIPTIONS[code] ?? 'Internal Server Error',
    retryAfter ? { retry_after: retryAfter } : undefined,
  );
}
