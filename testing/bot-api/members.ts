import type { ChatInviteLink, ChatMember, User } from 'grammy/types';
import type { Method, MethodContext } from './context';
import { badRequest } from './errors';
import { unixNow } from './ids';
import type { StandInState } from './state';
import type { InviteLink, MemberStatus } from './types';

/** A ChatMember object of the statuses the stand-in tracks (admins are only the bots themselves). */
export function chatMember(status: MemberStatus, user: User): ChatMember {
  if (status === 'kicked') return { status, user, until_date: 0 };
  if (status === 'member' || status === 'left') return { status, user };
  if (status === 'creator') return { status, user, is_anonymous: false };
  throw new Error(`chat member status ${status} is not modelled`);
}

/** The ChatInviteLink object Telegram returns for a link (to every bot, not only its creator). */
export function inviteObject(state: StandInState, invite: InviteLink): ChatInviteLink {
  return {
    invite_link: invite.link,
    creator: state.botById(invite.botId)!.user,
    creates_join_request: invite.createsJoinRequest,
    is_primary: false,
    is_revoked: invite.revoked,
    ...(invite.name ? { name: invite.name } : {}),
    ...(invite.expireDate !== undefined ? { expire_date: invite.expireDate } : {}),
    ...(invite.memberLimit !== undefined ? { member_limit: invite.memberLimit } : {}),
  };
}

/**
 * Changes a user's status in a group and tells every bot acting there with a chat_member update (delivered only to
 * bots that list chat_member in allowed_updates, as in Telegram). The stand-in treats such bots as admins.
 */
export function changeMember(
  state: StandInState,
  chatId: number,
  user: User,
  status: MemberStatus,
  by: User,
  extra: { invite?: InviteLink; viaJoinRequest?: boolean } = {},
): void {
  const old = state.memberStatus(chatId, user.id);
  if (old === status) return;
  state.setMember(chatId, user.id, status);
  for (const botId of state.groupBots.get(chatId) ?? []) {
    const bot = state.botById(botId);
    if (!bot) continue;
    state.enqueue(bot, {
      chat_member: {
        chat: state.chat(chatId),
        from: by,
        date: unixNow(),
        old_chat_member: chatMember(old, user),
        new_chat_member: chatMember(status, user),
        ...(extra.invite ? { invite_link: inviteObject(state, extra.invite) } : {}),
        ...(extra.viaJoinRequest ? { via_join_request: true } : {}),
      },
    });
  }
}

/** A user as the stand-in knows them from their messages, or a placeholder named after the id. */
export function userOf(state: StandInState, id: number): User {
  const known = state.users.get(id);
  return { ...(known ?? { id, first_name: `User ${id}` }), is_bot: false };
}

/** The chat_id of a group method; the calling bot becomes one of the group's (admin) bots. */
export function groupId(ctx: MethodContext): number {
  const chatId = ctx.params.chatId();
  if (chatId > 0) throw badRequest('method is available for supergroup and channel chats only');
  ctx.state.joinGroup(ctx.bot.id, chatId);
  return chatId;
}

/** banChatMember removes the user (if a member) and keeps them out; unbanChatMember lets them join again. */
const banChatMember: Method = (ctx) => {
  const chatId = groupId(ctx);
  changeMember(ctx.state, chatId, userOf(ctx.state, ctx.params.int('user_id')), 'kicked', ctx.bot.user);
  return true;
};

/** Like Telegram: afterwards the user is not a member but may join; only_if_banned leaves members alone. */
const unbanChatMember: Method = (ctx) => {
  const chatId = groupId(ctx);
  const userId = ctx.params.int('user_id');
  if (!ctx.params.bool('only_if_banned') || ctx.state.memberStatus(chatId, userId) === 'kicked') {
    changeMember(ctx.state, chatId, userOf(ctx.state, userId), 'left', ctx.bot.user);
  }
  return true;
};

/** The bot itself is an administrator of every group; in a private chat only its user is a member. */
const getChatMember: Method = (ctx) => {
  const chatId = ctx.params.chatId();
  const userId = ctx.params.int('user_id');
  if (userId === ctx.bot.id) return chatId > 0 ? chatMember('member', ctx.bot.user) : botAdmin(ctx.bot.user);
  if (chatId > 0) return chatMember(userId === chatId ? 'member' : 'left', userOf(ctx.state, userId));
  return chatMember(ctx.state.memberStatus(chatId, userId), userOf(ctx.state, userId));
};

const botAdmin = (user: User): ChatMember => ({
  status: 'administrator',
  user,
  can_be_edited: false,
  is_anonymous: false,
  can_manage_chat: true,
  can_delete_messages: true,
  can_manage_video_chats: false,
  can_restrict_members: true,
  can_promote_members: false,
  can_change_info: false,
  can_invite_users: true,
  can_post_stories: false,
  can_edit_stories: false,
  can_delete_stories: false,
  can_send_welcome_messages: false,
});

export const MEMBER_METHODS: Record<string, Method> = {
  banChatMember,
  unbanChatMember,
  getChatMember,
};
