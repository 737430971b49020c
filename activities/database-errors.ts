import { ApplicationFailure } from '@temporalio/common';
import { aroundEach } from './around-each';

/** The ApplicationFailure type of a step that broke a database rule: visible in the Temporal UI, never retried. */
export const DATABASE_CONSTRAINT_ERROR = 'DatabaseConstraintError';

/**
 * SQLSTATE classes 22 (data exception: out of range, bad enum value) and 23 (integrity constraint violation): the
 * same input fails the same way on every attempt, and database steps retry without a cap, so such an error would
 * retry forever. It ends the step instead, as a non-retryable ApplicationFailure naming the rule that was broken.
 */
export function nonRetryableDatabaseError(err: unknown): unknown {
  // By name, not instanceof: postgres.js ships an ESM and a CommonJS build, each with a PostgresError class of its own.
  if (!(err instanceof Error) || err.name !== 'PostgresError' || !('code' in err)) return err;
  const { code } = err;
  if (typeof code !== 'string' || !/^2[23]/.test(code)) return err;
  const table = 'table_name' in err ? err.table_name : undefined;
  const constraint = 'constraint_name' in err ? err.constraint_name : undefined;
  const where = [table, constraint].filter((part) => typeof part === 'string').join('.');
  return ApplicationFailure.create({
    type: DATABASE_CONSTRAINT_ERROR,
    message: `${err.message} (SQLSTATE ${code}${where ? `, ${where}` : ''})`,
    nonRetryable: true,
    cause: err,
  });
}

/** The same activities, each turning a broken database rule into a non-retryable failure. */
export function failFastOnBrokenRules<T extends object>(activities: T): T {
  return aroundEach(activities, async (_name, call) => {
    try {
      return await call();
    } catch (err) {
      throw nonRetryableDatabaseError(err);
    }
  });
}
