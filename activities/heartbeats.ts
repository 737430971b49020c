import { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/** How often a running activity heartbeats; the SDK passes them on every HEARTBEAT_FLUSH_EVERY (apps/enrollment-worker.ts). */
export const HEARTBEAT_EVERY_MS = 1_000;

/**
 * Every activity heartbeats while it runs. Two things follow: a worker that dies (SIGKILL, lost host) has its
 * activities retried after the step's `heartbeatTimeout` (seconds) instead of its whole start-to-close timeout; and
 * cancellation reaches a running activity (a timed-out attempt, a worker shutdown past its grace time), whose
 * `cancellationSignal` then aborts the Telegram call in flight (activities/telegram.ts), so a late answer cannot
 * deliver a second copy next to the retry's.
 */
export const heartbeatWhileRunning: ActivityInterceptorsFactory = () => ({
  inbound: {
    async execute(input, next) {
      const context = Context.current();
      // A local activity runs inside its journey's workflow task, which the worker keeps alive itself; it has no
      // heartbeat to send.
      if (context.info.isLocal) return next(input);
      const timer = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        context.heartbeat();
        return await next(input);
      } finally {
        clearInterval(timer);
      }
    },
  },
});

/** The running activity's cancellation signal, or undefined outside an activity (a bot's reply). */
export function currentActivitySignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}
