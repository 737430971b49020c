import type { Message, Poll, Update } from 'grammy/types';
import type { Method, MethodContext } from './context';
import { badRequest } from './errors';
import { deliver } from './messages';
import type { StandInState } from './state';
import type { TgObject, TgUser } from './types';

let nextPollId = 5_300_000_000_000_000_000n + BigInt(Date.now()) * 1_000n + BigInt(Math.floor(Math.random() * 1_000));

/** Telegram's limits for polls (Bot API sendPoll). */
const QUESTION_LIMIT = 300;
const OPTION_LIMIT = 100;
const MIN_OPTIONS = 2;
const MAX_OPTIONS = 12;
const EXPLANATION_LIMIT = 200;

/** Option texts from `options`: InputPollOption objects or, as older clients send them, plain strings. */
function optionTexts(ctx: MethodContext): string[] {
  const options = ctx.params.json<unknown[]>('options');
  if (!Array.isArray(options)) throw badRequest("can't parse options JSON array");
  return options.map((option) => {
    const text = typeof option === 'string' ? option : (option as TgObject | null)?.text;
    if (typeof text !== 'string' || text.trim() === '') throw badRequest('poll options must be non-empty');
    if (text.length > OPTION_LIMIT) throw badRequest(`poll options length must not exceed ${OPTION_LIMIT}`);
    return text;
  });
}

/** A quiz's right options: `correct_option_ids` (Bot API 9), or the older single `correct_option_id`. */
function correctOptions(ctx: MethodContext, count: number): number[] {
  const ids = ctx.params.json<unknown[]>('correct_option_ids');
  const single = ctx.params.optionalInt('correct_option_id');
  const correct = Array.isArray(ids) ? ids.map(Number) : single !== undefined ? [single] : [];
  if (correct.length === 0) throw badRequest('quiz poll must have a correct option');
  if (correct.some((id) => !Number.isInteger(id) || id < 0 || id >= count)) {
    throw badRequest('wrong correct option ID specified');
  }
  return correct;
}

/**
 * sendPoll: a regular poll or a quiz, checked as Telegram checks them (question 1-300 characters, 2-12 options of
 * 1-100, a quiz's right option among them, an explanation of at most 200). Polls are anonymous unless
 * `is_anonymous` is false, as in Telegram; only a non-anonymous poll tells its bot who answered (poll_answer).
 */
export const sendPoll: Method = (ctx): Message => {
  const chatId = ctx.params.chatId();
  const question = ctx.params.optionalString('question')?.trim() ?? '';
  if (question === '') throw badRequest('poll question must be non-empty');
  if (question.length > QUESTION_LIMIT) throw badRequest(`poll question length must not exceed ${QUESTION_LIMIT}`);
  const options = optionTexts(ctx);
  if (options.length < MIN_OPTIONS) throw badRequest(`poll must have at least ${MIN_OPTIONS} option`);
  if (options.length > MAX_OPTIONS) throw badRequest(`poll can't have more than ${MAX_OPTIONS} options`);
  const type = ctx.params.optionalString('type') ?? 'regular';
  if (type !== 'quiz' && type !== 'regular') throw badRequest('wrong poll type specified');
  const correct = type === 'quiz' ? correctOptions(ctx, options.length) : [];
  const explanation = ctx.params.optionalString('explanation');
  if (explanation !== undefined && type !== 'quiz')
    throw badRequest("explanation can't be specified for regular polls");
  if (explanation !== undefined && explanation.length > EXPLANATION_LIMIT) {
    throw badRequest(`explanation length must not exceed ${EXPLANATION_LIMIT}`);
  }
  const anonymous = ctx.params.has('is_anonymous') ? ctx.params.bool('is_anonymous') : true;
  // Telegram's poll ids are long decimal strings, unique for good: a platform whose Postgres outlives this stand-in
  // (npm start run again on the same .data/) has stored the ids of an earlier stand-in's polls.
  const id = String(nextPollId++);
  const poll: Poll = {
    id,
    question,
    options: options.map((text, i) => ({ persistent_id: String(i), text, voter_count: 0 })),
    total_voter_count: 0,
    is_closed: false,
    is_anonymous: anonymous,
    type,
    allows_multiple_answers: type === 'regular' && ctx.params.bool('allows_multiple_answers'),
    allows_revoting: ctx.params.has('allows_revoting') ? ctx.params.bool('allows_revoting') : type === 'regular',
    members_only: false,
    ...(type === 'quiz' ? { correct_option_ids: correct } : {}),
    ...(explanation ? { explanation } : {}),
  };
  const message = deliver(ctx, chatId, 'poll', { poll }, { poll: { id, question, options, correct, explanation } });
  ctx.state.polls.set(id, { botId: ctx.bot.id, chatId, messageId: message.message_id, poll, votes: new Map() });
  return message;
};

export interface AnswerPollInput {
  /** The bot that sent the poll. */
  botToken: string;
  from: TgUser;
  /** The poll by its id, or by the message that shows it (in the user's private chat unless `chatId`). */
  pollId?: string;
  messageId?: number;
  chatId?: number;
  /** 0-based options the user picks (one, unless the poll allows several). */
  optionIds: number[];
}

/**
 * A user votes in a poll a bot sent: the bot gets poll_answer (non-anonymous polls only). As in Telegram's apps, a
 * quiz takes one answer: voting again throws, as does voting in a poll the user cannot see. Returns the poll id.
 */
export function answerPoll(state: StandInState, input: AnswerPollInput): string {
  const bot = state.bot(input.botToken);
  const chatId = input.chatId ?? input.from.id;
  const record = input.pollId
    ? state.polls.get(input.pollId)
    : [...state.polls.values()].find(
        (p) => p.botId === bot.id && p.chatId === chatId && p.messageId === input.messageId,
      );
  if (!record || record.botId !== bot.id) throw new Error(`answerPoll: no poll ${input.pollId ?? input.messageId}`);
  if (record.chatId > 0 && record.chatId !== input.from.id) {
    throw new Error(`answerPoll: user ${input.from.id} cannot see a poll in chat ${record.chatId}`);
  }
  const { poll } = record;
  if (poll.is_closed) throw new Error('answerPoll: the poll is closed');
  if (record.votes.has(input.from.id) && !poll.allows_revoting) {
    throw new Error(`answerPoll: user ${input.from.id} already answered this ${poll.type}`);
  }
  const picked = input.optionIds;
  if (picked.length === 0 || (picked.length > 1 && !poll.allows_multiple_answers)) {
    throw new Error('answerPoll: pick one option');
  }
  if (picked.some((id) => !poll.options[id])) throw new Error(`answerPoll: no option ${picked.join(', ')}`);
  for (const id of record.votes.get(input.from.id) ?? []) poll.options[id]!.voter_count--;
  if (!record.votes.has(input.from.id)) poll.total_voter_count++;
  for (const id of picked) poll.options[id]!.voter_count++;
  record.votes.set(input.from.id, picked);
  if (!poll.is_anonymous) {
    state.enqueue(bot, {
      poll_answer: {
        poll_id: poll.id,
        user: { ...state.rememberUser(input.from) },
        option_ids: picked,
        option_persistent_ids: picked.map(String),
      },
    });
  }
  state.changed();
  return poll.id;
}

/** A hand-made update for a bot (a forged, stale or repeated one), queued as Telegram would deliver it. */
export function deliverRawUpdate(state: StandInState, botToken: string, update: Omit<Update, 'update_id'>): Update {
  return state.enqueue(state.bot(botToken), update);
}
