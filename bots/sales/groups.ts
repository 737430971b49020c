import { Composer } from 'grammy';
import type { SalesContext } from './context';

/** Update types the sales bot needs beyond grammY's defaults: joins through invite links. */
export const GROUP_UPDATES = ['chat_member', 'chat_join_request'] as const;

/**
 * Private groups per tariff. A one-person invite link is revoked as soon as its person joined; a join request is
 * approved only for a buyer whose paid, still running enrollment includes that group and whom no admin blocked
 * (/block), and declined otherwise.
 */
export const groups = new Composer<SalesContext>();

groups.on('chat_member', async (ctx) => {
  const update = ctx.chatMember;
  const link = update.invite_link?.invite_link;
  if (!link || update.new_chat_member.status !== 'member') return;
  const [invite] = await ctx.deps.sql<{ chatId: number; revokedAt: Date | null }[]>`
    update group_invites set used_by_telegram_id = coalesce(used_by_telegram_id, ${update.new_chat_member.user.id})
    where invite_link = ${link} returning chat_id, revoked_at`;
  if (!invite || invite.revokedAt) return;
  await ctx.api.revokeChatInviteLink(invite.chatId, link);
  await ctx.deps.sql`update group_invites set revoked_at = now() where invite_link = ${link}`;
});

groups.on('chat_join_request', async (ctx) => {
  const request = ctx.chatJoinRequest;
  const [entitled] = await ctx.deps.sql`
    select 1 from enrollments e
    join users u on u.id = e.user_id
    join course_tariffs t on t.course_id = e.course_id and t.tariff = e.tariff
    where u.telegram_id = ${request.from.id} and u.blocked_at is null and e.access_granted_at is not null
      and e.stage not in ('refunded', 'expired') and ${request.chat.id} = any(t.group_chat_ids)`;
  if (entitled) await ctx.approveChatJoinRequest(request.from.id);
  else await ctx.declineChatJoinRequest(request.from.id);
  ctx.deps.log?.(`join request of ${request.from.id} to ${request.chat.id}: ${entitled ? 'approved' : 'declined'}`);
});
