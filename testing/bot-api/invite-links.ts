import type { Chat } from 'grammy/types';
import type { Method } from './context';
import { badRequest } from './errors';
import { unixNow } from './ids';
import { changeMember, groupId, inviteObject, userOf } from './members';
import type { StandInState } from './state';
import type { InviteLink, TgUser } from './types';

export type JoinOutcome =
  'joined' | 'requested' | 'already-member' | 'full' | 'expired' | 'revoked' | 'banned' | 'unknown';

/**
 * The user opens an invite link. Joining respects the link's revocation, expiry and member_limit (counting users who
 * joined through it) and the chat's bans; a link that creates join requests files one instead, which the bots in
 * the group receive as chat_join_request.
 */
export function joinViaLink(state: StandInState, person: TgUser | number, link: string): JoinOutcome {
  const invite = state.invites.get(link);
  if (!invite) return 'unknown';
  const user = typeof person === 'number' ? userOf(state, person) : state.rememberUser(person);
  if (invite.revoked) return 'revoked';
  if (invite.expireDate !== undefined && invite.expireDate <= unixNow()) return 'expired';
  const status = state.memberStatus(invite.chatId, user.id);
  if (status === 'kicked') return 'banned';
  if (status !== 'left') return 'already-member';
  if (invite.createsJoinRequest) {
    state.joinRequests.set(`${invite.chatId}:${user.id}`, { chatId: invite.chatId, user, link });
    for (const botId of state.groupBots.get(invite.chatId) ?? [invite.botId]) {
      const bot = state.botById(botId);
      if (!bot) continue;
      state.enqueue(bot, {
        chat_join_request: {
          chat: state.chat(invite.chatId) as Chat.SupergroupChat,
          from: user,
          user_chat_id: user.id,
          date: unixNow(),
          invite_link: inviteObject(state, invite),
        },
      });
    }
    return 'requested';
  }
  if (invite.memberLimit !== undefined && invite.joined.length >= invite.memberLimit) return 'full';
  invite.joined.push(user.id);
  changeMember(state, invite.chatId, user, 'member', user, { invite });
  return 'joined';
}

/**
 * createChatInviteLink: a `https://t.me/+…` link for a group with the optional name, expire_date, member_limit or
 * creates_join_request (which excludes member_limit, as in Telegram). Joining is simulated with joinViaLink.
 */
const createChatInviteLink: Method = (ctx) => {
  const chatId = groupId(ctx);
  const memberLimit = ctx.params.optionalInt('member_limit');
  const createsJoinRequest = ctx.params.bool('creates_join_request');
  const name = ctx.params.optionalString('name');
  if (memberLimit !== undefined && (memberLimit < 1 || memberLimit > 99_999)) throw badRequest('USAGE_LIMIT_INVALID');
  if (memberLimit !== undefined && createsJoinRequest) {
    throw badRequest("member_limit can't be specified for links requiring administrator approval");
  }
  if (name !== undefined && name.length > 32) throw badRequest('invite link name is too long');
  const invite: InviteLink = {
    botId: ctx.bot.id,
    chatId,
    link: `https://t.me/+${ctx.state.uniqueId('', 12)}`,
    ...(name ? { name } : {}),
    ...(memberLimit !== undefined ? { memberLimit } : {}),
    ...(ctx.params.has('expire_date') ? { expireDate: ctx.params.int('expire_date') } : {}),
    createsJoinRequest,
    revoked: false,
    joined: [],
  };
  ctx.state.invites.set(invite.link, invite);
  ctx.state.changed();
  return inviteObject(ctx.state, invite);
};

/** revokeChatInviteLink: the link answers with is_revoked true and lets nobody in any more. */
const revokeChatInviteLink: Method = (ctx) => {
  const chatId = groupId(ctx);
  const invite = ctx.state.invites.get(ctx.params.string('invite_link'));
  if (!invite || invite.chatId !== chatId) throw badRequest('INVITE_HASH_EXPIRED');
  invite.revoked = true;
  ctx.state.changed();
  return inviteObject(ctx.state, invite);
};

/** approve/declineChatJoinRequest of a pending request; approving makes the user a member (a chat_member update). */
function answerJoinRequest(approve: boolean): Method {
  return (ctx) => {
    const chatId = groupId(ctx);
    const key = `${chatId}:${ctx.params.int('user_id')}`;
    const request = ctx.state.joinRequests.get(key);
    if (!request) throw badRequest('HIDE_REQUESTER_MISSING');
    ctx.state.joinRequests.delete(key);
    const invite = ctx.state.invites.get(request.link);
    if (approve) {
      invite?.joined.push(request.user.id);
      changeMember(ctx.state, chatId, userOf(ctx.state, request.user.id), 'member', ctx.bot.user, {
        ...(invite ? { invite } : {}),
        viaJoinRequest: true,
      });
    }
    return true;
  };
}

export const INVITE_METHODS: Record<string, Method> = {
  createChatInviteLink,
  revokeChatInviteLink,
  approveChatJoinRequest: answerJoinRequest(true),
  declineChatJoinRequest: answerJoinRequest(false),
};
