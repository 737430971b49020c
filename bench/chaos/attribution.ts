import type { JourneyCount, RecordGap } from './count';
import type { FaultRecord } from './faults';

/**
 * A duplicate whose first copy reached Telegram at most this long before a SIGKILL is put down to the kill (the
 * record normally follows within a Postgres round trip, but a starved process may take longer to read the answer)...
 */
export const KILL_WINDOW_TOLERANCE_MS = 2_000;
/** ...or at most this long after it: a request already on the wire when its sender died still reaches Telegram. */
export const ON_THE_WIRE_MS = 100;
/** Messages sent this close to a duplicate's first copy show how long records took at that moment. */
export const AROUND_MS = 3_000;

/**
 * Every message Telegram took more than once, with its cause: a SIGKILL (random or aimed) in the send → record
 * window when one fell between just before the first copy and the second, else unexplained (a bug). The window is
 * KILL_WINDOW_TOLERANCE_MS, or longer when records were slow at that moment: as long as the records of the messages
 * sent within AROUND_MS of it took (measured, `records`; a worker starved just after its start, or Postgres just
 * back), or, for a message sent while Postgres was restarting, as long as the records of the messages sent during
 * the restart took. Also how many kills landed in such a window.
 */
export function attributeDuplicates(counts: JourneyCount[], faults: FaultRecord[], records: RecordGap[], t0: number) {
  const kills = faults.filter((f) => f.kind === 'sigkill' || f.kind === 'aimed-sigkill');
  const outages = faults
    .filter((f) => f.kind === 'postgres-restart')
    .map((f) => {
      const [from, to] = [f.at - KILL_WINDOW_TOLERANCE_MS, f.endAt ?? f.at];
      const around = records.filter((r) => r.at >= from && r.at <= to).map((r) => r.gapMs);
      return { from, to, windowMs: Math.max(KILL_WINDOW_TOLERANCE_MS, ...around) };
    });
  const windowAfter = (sentAt: number) =>
    Math.max(
      KILL_WINDOW_TOLERANCE_MS,
      ...outages.filter((o) => sentAt >= o.from && sentAt <= o.to).map((o) => o.windowMs),
      ...records.filter((r) => Math.abs(r.at - sentAt) <= AROUND_MS).map((r) => r.gapMs),
    );
  const explaining = new Set<FaultRecord>();
  const duplicates = counts.flatMap((c) =>
    c.duplicated.map((name) => {
      const [first, second] = c.copies[name] as [number, number];
      const kill = kills
        .filter((k) => k.at >= first - ON_THE_WIRE_MS && k.at <= Math.min(second, first + windowAfter(first)))
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
        cause: !kill
          ? 'unexplained'
          : kill.kind === 'aimed-sigkill'
            ? 'aimed SIGKILL'
            : kill.at - first > KILL_WINDOW_TOLERANCE_MS
              ? 'SIGKILL while records were slow (measured)'
              : 'SIGKILL',
        killAfterMs: kill ? kill.at - first : null,
      };
    }),
  );
  return {
    duplicates,
    sigkills: {
      random: kills.filter((k) => k.kind === 'sigkill').length,
      aimed: kills.filter((k) => k.kind === 'aimed-sigkill').length,
      /** How long after a send its record could take while Postgres restarted (ms, one per restart). */
      postgresRestartWindowsMs: outages.map((o) => o.windowMs),
      /** Kills that explain at least one duplicate. */
      landedInSendRecordWindow: explaining.size,
      randomInWindow: [...explaining].filter((k) => k.kind === 'sigkill').length,
    },
  };
}
