import type { Context, MiddlewareFn } from 'grammy';
import type { Message } from 'grammy/types';

/** The command a message starts with: `/name` or `/name@bot`, from its text or caption. */
export function commandOf(message: Message): { name: string; bot?: string } | undefined {
  const text = message.text ?? message.caption ?? '';
  const entity = (message.entities ?? message.caption_entities)?.find((e) => e.type === 'bot_command');
  if (!entity || entity.offset !== 0) return undefined;
  const [name = '', bot] = text.slice(1, entity.length).split('@');
  return { name, bot };
}

/**
 * Several bots share a group (both bots sit in the admin chat), and every command reaches all of them. In a group a
 * bot takes only its own commands: those addressed to it (`/help@this_bot`), and unaddressed ones `owns` claims (its
 * admin commands in the admin chat). Any other command belongs to another bot and is ignored in silence: no "unknown
 * command", no help text. Private chats and everything that is not a command pass untouched.
 */
export function ownCommandsInGroups<C extends Context>(owns: (ctx: C, command: string) => boolean): MiddlewareFn<C> {
  return (ctx, next) => {
    const message = ctx.message;
    const command = message && ctx.chat?.type !== 'private' ? commandOf(message) : undefined;
    if (!command) return next();
    const mine = command.bot ? command.bot.toLowerCase() === ctx.me.username.toLowerCase() : owns(ctx, command.name);
    return mine ? next() : undefined;
  };
}
