import { Api, GrammyError } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { startBotApiStandIn } from '../../testing/bot-api';
import type { BotApiStandIn } from '../../testing/bot-api';

const TOKEN = '4242:stand-in-polls';
const student = { id: 5001, first_name: 'Ada' };

/** Quiz polls in the Bot API stand-in, driven by grammY over HTTP, answered by a simulated student. */
describe('Bot API stand-in: polls', () => {
  let telegram: BotApiStandIn | undefined;
  afterEach(async () => {
    await telegram?.stop();
    telegram = undefined;
  });

  async function standIn() {
    telegram = await startBotApiStandIn({ port: 0, rateLimits: false });
    return { telegram, api: new Api(TOKEN, { apiRoot: telegram.apiRoot }) };
  }

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => 'sent',
      (err: unknown) => (err instanceof GrammyError ? `${err.error_code} ${err.description}` : String(err)),
    );

  it('sends a quiz as a poll message and reports a student answer as poll_answer, once', async () => {
    const { telegram, api } = await standIn();
    const message = await api.sendPoll(student.id, 'Two plus two?', [{ text: '3' }, { text: '4' }], {
      type: 'quiz',
      is_anonymous: false,
      correct_option_ids: [1],
      explanation: 'Count on your fingers.',
    });
    expect(message.poll).toMatchObject({
      question: 'Two plus two?',
      options: [
        { text: '3', voter_count: 0 },
        { text: '4', voter_count: 0 },
      ],
      type: 'quiz',
      is_anonymous: false,
      correct_option_ids: [1],
      explanation: 'Count on your fingers.',
    });
    expect(telegram.sent(student.id)).toEqual([
      expect.objectContaining({
        kind: 'poll',
        poll: {
          id: message.poll.id,
          question: 'Two plus two?',
          options: ['3', '4'],
          correct: [1],
          explanation: 'Count on your fingers.',
        },
      }),
    ]);

    telegram.answerPoll({ botToken: TOKEN, from: student, messageId: message.message_id, optionIds: [0] });
    expect(() =>
      telegram.answerPoll({ botToken: TOKEN, from: student, pollId: message.poll.id, optionIds: [1] }),
    ).toThrow(/already answered this quiz/);
    expect(() =>
      telegram.answerPoll({
        botToken: TOKEN,
        from: { id: 6001, first_name: 'Eve' },
        pollId: message.poll.id,
        optionIds: [1],
      }),
    ).toThrow(/cannot see/);
    const updates = await api.getUpdates();
    expect(updates.map((u) => u.poll_answer)).toEqual([
      {
        poll_id: message.poll.id,
        user: expect.objectContaining({ id: student.id }),
        option_ids: [0],
        option_persistent_ids: ['0'],
      },
    ]);
  });

  it("refuses polls Telegram refuses, with Telegram's 400s", async () => {
    const { api } = await standIn();
    const quiz = { type: 'quiz' as const, is_anonymous: false, correct_option_ids: [0] };
    const two = [{ text: 'a' }, { text: 'b' }];
    expect(await refusal(api.sendPoll(student.id, 'x'.repeat(301), two, quiz))).toBe(
      '400 Bad Request: poll question length must not exceed 300',
    );
    expect(await refusal(api.sendPoll(student.id, 'Q', [{ text: 'a' }], quiz))).toBe(
      '400 Bad Request: poll must have at least 2 option',
    );
    expect(await refusal(api.sendPoll(student.id, 'Q', [{ text: 'a' }, { text: 'y'.repeat(101) }], quiz))).toBe(
      '400 Bad Request: poll options length must not exceed 100',
    );
    expect(await refusal(api.sendPoll(student.id, 'Q', two, { ...quiz, correct_option_ids: [2] }))).toBe(
      '400 Bad Request: wrong correct option ID specified',
    );
    expect(await refusal(api.sendPoll(student.id, 'Q', two, { type: 'quiz' }))).toBe(
      '400 Bad Request: quiz poll must have a correct option',
    );
    expect(await refusal(api.sendPoll(student.id, 'Q', two, { ...quiz, explanation: 'z'.repeat(201) }))).toBe(
      '400 Bad Request: explanation length must not exceed 200',
    );
    expect(await refusal(api.sendPoll(student.id, 'Q', two, quiz))).toBe('sent');
  });

  it('tells the bot nothing about answers to an anonymous poll', async () => {
    const { telegram, api } = await standIn();
    const message = await api.sendPoll(student.id, 'Coffee?', [{ text: 'Yes' }, { text: 'No' }]);
    expect(message.poll.is_anonymous).toBe(true);
    telegram.answerPoll({ botToken: TOKEN, from: student, pollId: message.poll.id, optionIds: [0] });
    expect(await api.getUpdates()).toEqual([]);
  });

  it('never gives two polls the same id, not even from a stand-in started afresh', async () => {
    // npm start run again keeps Postgres (.data/) but starts a new stand-in: the quiz polls stored by the first run
    // must not share an id with the second's (the poll id is their primary key).
    const first = await standIn();
    const a = await first.api.sendPoll(student.id, 'Q1', [{ text: 'x' }, { text: 'y' }]);
    const b = await first.api.sendPoll(student.id, 'Q2', [{ text: 'x' }, { text: 'y' }]);
    await first.telegram.stop();
    const second = await standIn();
    const c = await second.api.sendPoll(student.id, 'Q1', [{ text: 'x' }, { text: 'y' }]);
    expect(new Set([a.poll.id, b.poll.id, c.poll.id]).size).toBe(3);
    expect(c.poll.id).toMatch(/^\d{19}$/);
  });
});
