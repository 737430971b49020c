import { Api, GrammyError, HttpError } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ignoreStaleEdit } from '../../bots/errors';
import { startBotApiStandIn } from '../../testing/bot-api';

const TOKEN = '4343:stale-edit-bot';

/** Tidying an old message may be refused by Telegram; only that refusal (400) is let go, nothing else is swallowed. */
describe('ignoreStaleEdit', () => {
  let standIn: Awaited<ReturnType<typeof startBotApiStandIn>>;
  let api: Api;
  beforeAll(async () => {
    standIn = await startBotApiStandIn({ port: 0 });
    api = new Api(TOKEN, { apiRoot: standIn.apiRoot });
  });
  afterAll(() => standIn?.stop());

  it('lets a 400 go: the message is too old, gone, or would not change', async () => {
    standIn.failNext({
      method: 'editMessageText',
      errorCode: 400,
      description: 'Bad Request: message is not modified',
    });
    await expect(api.editMessageText(1, 1, 'tidied').catch(ignoreStaleEdit)).resolves.toBeUndefined();
  });

  it('throws anything else on to the error boundary', async () => {
    standIn.failNext({ method: 'editMessageText', errorCode: 502 });
    await expect(api.editMessageText(1, 1, 'tidied').catch(ignoreStaleEdit)).rejects.toBeInstanceOf(GrammyError);
    const unreachable = new Api(TOKEN, { apiRoot: 'http://127.0.0.1:9' });
    await expect(unreachable.editMessageText(1, 1, 'tidied').catch(ignoreStaleEdit)).rejects.toBeInstanceOf(HttpError);
  });
});
