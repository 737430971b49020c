import { sleep } from '../stats';
import type { Cluster } from './cluster';

/** Marks what the run injected, so Telegram's own refusals (bot-caused 429s) can be told from them. */
export const INJECTED = '(injected by the chaos run)';
/** A slow send reaches Telegram this late: past the workers' 20 s client timeout, so Telegram never sees it. */
export const SLOW_DELAY_MS = 25_000;

/** Every second until `untilMs`: 502 for `share` of the sendMessage calls of the second before. */
export async function injectFiveXx(cluster: Cluster, share: number, untilMs: number): Promise<void> {
  if (share <= 0) return;
  let seen = cluster.telegram.calls().length;
  let owed = 0;
  while (Date.now() < untilMs) {
    await sleep(1_000);
    const calls = cluster.telegram.calls();
    owed += share * calls.slice(seen).filter((c) => c.method === 'sendMessage').length;
    seen = calls.length;
    const times = Math.floor(owed);
    if (times === 0) continue;
    owed -= times;
    cluster.telegram.failNext({ method: 'sendMessage', errorCode: 502, description: `Bad Gateway ${INJECTED}`, times });
  }
}
