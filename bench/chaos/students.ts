import { COURSE_TOKEN, SALES_TOKEN } from '../stack';
import { sleep } from '../stats';
import type { Cluster } from './cluster';
import type { Journey } from './journeys';

const COURSE_BOT_ID = Number(COURSE_TOKEN.split(':')[0]);

/**
 * Students who block the course bot the moment lesson 2 reaches them (lesson 3 then meets a 403); returners unblock
 * it 1.5 intervals later (Telegram sends the bot my_chat_member, the course process signals the journey). Runs until
 * every such student has acted or `until()` turns false.
 */
export async function blockAndReturn(cluster: Cluster, journeys: Journey[], intervalMs: number, until: () => boolean) {
  const waiting = journeys.filter((j) => j.role !== 'regular');
  const returns: Promise<void>[] = [];
  while (waiting.some((j) => j.blockedAt === undefined) && until()) {
    for (const j of waiting) {
      if (j.blockedAt !== undefined) continue;
      const lesson2 = cluster.telegram
        .sent(j.telegramId, { bot: COURSE_BOT_ID })
        .some((m) => /^Day 2\./.test(m.text ?? ''));
      if (!lesson2) continue;
      cluster.telegram.blockUser(j.telegramId, COURSE_TOKEN);
      j.blockedAt = Date.now();
      if (j.role === 'returner') {
        returns.push(
          sleep(intervalMs * 1.5).then(async () => {
            cluster.telegram.unblockUser(j.telegramId, COURSE_TOKEN);
            j.returnedAt = Date.now();
            const [row] = await cluster.sql<{ stage: string }[]>`
              select e.stage::text as stage from enrollments e join users u on u.id = e.user_id
              where u.telegram_id = ${j.telegramId}`.catch(() => []);
            j.stageAtReturn = row?.stage ?? 'unknown';
          }),
        );
      }
    }
    await sleep(100);
  }
  await Promise.all(returns);
}

/**
 * People who are not students talk to both bots while the run goes on (/start to sales, /progress to the course
 * bot), so the bot processes work through every fault too. Returns a stop function that resolves when it stopped.
 */
export function chatter(cluster: Cluster, everyMs: number): () => Promise<void> {
  let on = true;
  const loop = (async () => {
    for (let n = 0; on; n++) {
      const from = { id: 880_000_000 + (n % 500), first_name: 'Visitor', language_code: 'en' };
      if (n % 2 === 0) cluster.telegram.sendUserMessage({ botToken: SALES_TOKEN, from, text: '/start' });
      else cluster.telegram.sendUserMessage({ botToken: COURSE_TOKEN, from, text: '/progress' });
      await sleep(everyMs);
    }
  })();
  return async () => {
    on = false;
    await loop;
  };
}
