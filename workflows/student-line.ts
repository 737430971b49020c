import { ActivityFailure, ApplicationFailure, condition, log, patched, sleep } from '@temporalio/workflow';
import type { JourneyState } from './journey-state';

/** How long a journey waits for a student it cannot reach (blocked the bot, chat gone) before it ends as blocked. */
export const UNREACHABLE_GIVE_UP = '30 days';
/** An activity's own retries are bounded; after that the step is tried again this many rounds, an hour apart. */
export const TRANSIENT_ROUNDS = 6;
export const ROUND_PAUSE = '1 hour';

export interface StudentLine {
  /** Runs a step, retrying transient failures in rounds; rethrows once it gives up (or at once for a 403). */
  retrying<T>(step: () => Promise<T>): Promise<T>;
  /**
   * Runs a student-facing step. If the student cannot be reached, the journey turns `blocked` and waits for
   * studentReturnedSignal, then runs the step again. False when it gave up waiting: the caller ends the journey.
   * `onReturn` runs when the student is back, before the step is tried again (the lesson schedule moves with them).
   */
  reach(step: () => Promise<unknown>, onReturn?: () => void): Promise<boolean>;
}

export function createStudentLine(state: JourneyState, syncStage: () => Promise<void>): StudentLine {
  async function retrying<T>(step: () => Promise<T>): Promise<T> {
    for (let round = 1; ; round++) {
      try {
        return await step();
      } catch (err) {
        if (blockedByStudent(err) || round >= TRANSIENT_ROUNDS) throw err;
        log.warn('Telegram step failed after its retries; next round in an hour', { round, error: String(err) });
        await sleep(ROUND_PAUSE);
      }
    }
  }

  async function reach(step: () => Promise<unknown>, onReturn?: () => void): Promise<boolean> {
    for (;;) {
      const returnsBefore = state.returns;
      try {
        await retrying(step);
        return true;
      } catch (err) {
        if (!stepFailed(err)) throw err;
        // The student came back while the refused step was still running (a return can overtake the 403's way
        // back), so the step is tried again at once instead of waiting for a return that already came. If they
        // returned before the 403, the second try meets one more 403 and the journey waits below.
        if (state.returns > returnsBefore && patched('return-during-refused-step')) {
          onReturn?.();
          continue;
        }
        const seen = state.returns;
        state.unreachable++;
        state.unreachableReason = describe(err);
        await syncStage();
        if (!(await condition(() => state.returns > seen, UNREACHABLE_GIVE_UP))) return false;
        state.unreachable--;
        if (state.unreachable === 0) state.unreachableReason = null;
        onReturn?.();
        await syncStage();
      }
    }
  }

  return { retrying, reach };
}

/**
 * A step that gave up. A remote activity's failure reaches the workflow as an ActivityFailure around its cause; a
 * local activity's (the answers, workflows/activity-steps.ts) as the ApplicationFailure itself.
 */
function stepFailed(err: unknown): err is ActivityFailure | ApplicationFailure {
  return err instanceof ActivityFailure || err instanceof ApplicationFailure;
}

/** What the step itself threw, when it threw an error the retry policy could name. */
function stepError(err: unknown): ApplicationFailure | undefined {
  if (err instanceof ApplicationFailure) return err;
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
}

/** The student blocked the bot (Telegram's 403): retrying cannot help until they come back. */
export function blockedByStudent(err: unknown): boolean {
  return stepError(err)?.type === 'BotBlockedError';
}

function describe(err: ActivityFailure | ApplicationFailure): string {
  const cause = stepError(err);
  return cause ? `${cause.type ?? 'Error'}: ${cause.message}` : String(err.cause ?? err);
}
