import { ApplicationFailure } from '@temporalio/common';

/** The ApplicationFailure type of a step that broke a database rule: visible in the Temporal UI, never retried. */
export const DATABASE_CONSTRAINT_ERROR = 'DatabaseConstraintError';

/**
 * SQLSTATE classes 22 (data exception: out of range, bad enum value) and 23 (integrity constraint violation): the
 * same input fails the same way on every attempt, and database steps retry without a cap, so such an error would
 * retry forever. It ends the step instead, as a non-retryable ApplicationFailure naming the rule that was broken.
 */
export function nonRetryableDatabaseError(err: unknown): unknown {
  const e = err as { name?: unknown; code?: unknown; constraint_name?: unknown; table_name?: unknown } | null;
  if (e?.name !== 'PostgresError' || typeof e.code !== 'string' || !/^2[23]/.test(e.code)) return err;
  const where = [e.table_name, e.constraint_name].filter((part) => typeof part === 'string').join('.');
  return ApplicationFailure.create({
    type: DATABASE_CONSTRAINT_ERROR,
    message: `${(err as Error).message} (SQLSTATE ${e.code}${where ? `, ${where}` : ''})`,
    nonRetryable: true,
    cause: err as Error,
  });
}

/** The same activities, each turning a broken database rule into a non-retryable failure. */
export function failFastOnBrokenRules<T extends object>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] =
      typeof activity === 'function'
        ? async (...args: unknown[]) => {
            try {
              return await (activity as (...a: unknown[]) => Promise<unknown>)(...args);
            } catch (err) {
              throw nonRetryableDatabaseError(err);
            }
          }
        : activity;
  }
  return wrapped as T;
}
