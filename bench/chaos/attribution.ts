import type { JourneyCount } from './count';
import type { FaultRecord } from './faults';

/**
 * A duplicate whose first copy reached Telegram at most this long before a SIGKILL is put down to the kill (the
 * record normally follows within a Postgres round trip, but a starved process may take longer to read the answer)...
 */
export const KILL_WINDOW_TOLERANCE_MS = 2_000;
/** ...or at most this long after it: a request already on the wire when its sender died still reaches Telegram. */
export const ON_THE_WIRE_MS = 100;

/**
 * Every message Telegram took more than once, with its cause: a SIGKILL (random or aimed) in the send → record
 * window when one fell between just before the first copy and the second, else unexplained (a bug). Also how many
 * kills landed in that window.
 */
export function attributeDuplicates(counts: JourneyCount[], faults: FaultRecord[], t0: number) {
  const kills = faults.filter((f) => f.kind === 'sigkill' || f.kind === 'aimed-sigkill');
  const explaining = new Set<FaultRecord>();
  const duplicates = counts.flatMap((c) =>
    c.duplicated.map((name) => {
      const [first, second] = c.copies[name] as [number, number];
      const kill = kills
        .filter((k) => k.at >= first - ON_THE_WIRE_MS && k.at <= Math.min(second, first + KILL_WINDOW_TOLERANCE_MS))
        .sort((x, y) => Math.abs(x.at - first) - Math.abs(y.at - first))[0];
      if (kill) explaining.add(kill);
      const nearest = kills.map((k) => k.at - first).sort((x, y) => Math.abs(x) - Math.abs(y))[0];
      return {
        telegramId: c.telegramId,
        message: name,
        copies: c.copies[name]!.length,
        firstAtS: (first - t0) / 1000,
        secondAfterMs: second - first,
        nearestKillAfterMs: nearest ?? null,
        cause: kill ? (kill.kind === 'aimed-sigkill' ? 'aimed SIGKILL' : 'SIGKILL') : 'unexplained',
        killAfterMs: kill ? kill.at - first : null,
      };
    }),
  );
  return {
    duplicates,
    sigkills: {
      random: kills.filter((k) => k.kind === 'sigkill').length,
      aimed: kills.filter((k) => k.kind === 'aimed-sigkill').length,
      /** Kills that explain at least one duplicate (an aimed kill of two workers counts once). */
      landedInSendRecordWindow: explaining.size,
      randomInWindow: [...explaining].filter((k) => k.kind === 'sigkill').length,
    },
  };
}
