/** How big a chaos run is: the journeys, the course they take, and how many of each fault hit them. */
export interface ChaosSettings {
  journeys: number;
  /** Payments arrive evenly over this many seconds. */
  arrivalSeconds: number;
  lessons: number;
  intervalMs: number;
  /** Students who block the course bot once lesson 2 arrived, and of them those who come back 1.5 intervals later. */
  blockers: number;
  returners: number;
  /** How long after the last lesson was due the run waits for every journey to end before it counts. */
  patienceSeconds: number;
  faults: {
    /** SIGKILLs of a worker at random moments, and SIGKILLs of every worker the moment a lesson reached Telegram. */
    sigkills: number;
    aimedSigkills: number;
    /** Graceful stops (SIGTERM, 20 s drain) of a worker, which is then started again: a rolling deploy. */
    sigterms: number;
    temporalRestarts: number;
    postgresRestarts: number;
    /** Share of sendMessage calls answered 502 while faults run. */
    fiveXxShare: number;
    /** One burst of 429s (retry_after 2 s) Telegram imposes, on this many sends. */
    tooManyRequests: number;
    /** Sends that reach Telegram 25 s late, after the client's 20 s timeout gave up on them. */
    slowSends: number;
  };
}

export const FULL: ChaosSettings = {
  journeys: 200,
  arrivalSeconds: 150,
  lessons: 5,
  intervalMs: 10_000,
  blockers: 10,
  returners: 5,
  patienceSeconds: 150,
  faults: {
    sigkills: 20,
    aimedSigkills: 2,
    sigterms: 2,
    temporalRestarts: 2,
    postgresRestarts: 1,
    fiveXxShare: 0.1,
    tooManyRequests: 30,
    slowSends: 4,
  },
};

/** `--short`: what .ci/run affords, a few minutes on two cores. */
export const SHORT: ChaosSettings = {
  journeys: 40,
  arrivalSeconds: 20,
  lessons: 5,
  intervalMs: 5_000,
  blockers: 2,
  returners: 1,
  patienceSeconds: 60,
  faults: {
    sigkills: 4,
    aimedSigkills: 1,
    sigterms: 1,
    temporalRestarts: 1,
    postgresRestarts: 1,
    fiveXxShare: 0.1,
    tooManyRequests: 8,
    slowSends: 1,
  },
};

/** The same journeys with every fault count at zero: the baseline. */
export function withoutFaults(settings: ChaosSettings): ChaosSettings {
  return {
    ...settings,
    blockers: 0,
    returners: 0,
    faults: {
      sigkills: 0,
      aimedSigkills: 0,
      sigterms: 0,
      temporalRestarts: 0,
      postgresRestarts: 0,
      fiveXxShare: 0,
      tooManyRequests: 0,
      slowSends: 0,
    },
  };
}

/**
 * Only the named faults of `settings`, optionally with another count (`--faults=sigkills,postgresRestarts:4`;
 * `blockers` keeps the blocking students): to see what one kind of fault costs.
 */
export function onlyFaults(settings: ChaosSettings, specs: string[]): ChaosSettings {
  const wanted = new Map(specs.map((spec) => [spec.split(':')[0]!, spec.split(':')[1]]));
  const names = [...wanted.keys()];
  const faults = { ...settings.faults };
  for (const key of Object.keys(faults) as (keyof ChaosSettings['faults'])[]) {
    const count = wanted.get(key);
    faults[key] = !names.includes(key) ? 0 : count === undefined ? faults[key] : Number(count);
  }
  const blocking = names.includes('blockers');
  return {
    ...settings,
    blockers: blocking ? settings.blockers : 0,
    returners: blocking ? settings.returners : 0,
    faults,
  };
}
