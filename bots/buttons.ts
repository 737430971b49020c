import type { Composer, Context, Filter } from 'grammy';
import { decodeButtonOf } from '../telegram/callback-data';
import type { ButtonKind, ButtonOf } from '../telegram/callback-data';

export type ButtonContext<C extends Context> = Filter<C, 'callback_query:data'>;

/**
 * Registers `handler` on `composer` for presses of one kind of button, with the button's decoded fields. Data of any
 * other kind, and data that decodes to nothing (forged, or from a version nobody reads), passes on to the next
 * handler: each bot ends with one that answers such presses.
 */
export function onButton<C extends Context, K extends ButtonKind>(
  composer: Composer<C>,
  kind: K,
  handler: (ctx: ButtonContext<C>, button: ButtonOf<K>) => unknown,
): void {
  composer.on('callback_query:data', async (ctx, next) => {
    const button = decodeButtonOf(kind, ctx.callbackQuery.data);
    if (button) await handler(ctx, button);
    else await next();
  });
}
