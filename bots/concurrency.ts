import { sequentialize } from '@grammyjs/runner';
import type { Context } from 'grammy';

/**
 * Updates of one chat and one user are handled in order, one at a time; everyone else's in parallel. Webhooks and
 * the runner both hand updates over concurrently, and a session (keyed by chat) or a checkout read-modify-write must
 * never see two updates of the same chat at once. Goes first, before the session.
 */
export function onePerChat<C extends Context>() {
  return sequentialize<C>((ctx) => [ctx.chat?.id, ctx.from?.id].filter((id) => id !== undefined).map(String));
}
