/** Any function: JavaScript calls it with whatever arguments it is given. */
function isFunction(value: unknown): value is (...args: unknown[]) => unknown {
  return typeof value === 'function';
}

/**
 * The same activities, each call running inside `around` (given the activity's name and a thunk of the call): how a
 * rule that holds for every activity (error mapping, send lanes) is applied in one place.
 */
export function aroundEach<T extends object>(
  activities: T,
  around: (name: string, call: () => Promise<unknown>) => Promise<unknown>,
): T {
  const wrapped: Record<string, unknown> = {};
  const entries: [string, unknown][] = Object.entries(activities);
  for (const [name, activity] of entries) {
    wrapped[name] = isFunction(activity)
      ? (...args: unknown[]) => around(name, async () => activity(...args))
      : activity;
  }
  // The one cast left here: a copy built key by key cannot be typed T. It has T's keys, and each function takes the
  // same arguments and resolves to the same value as T's (activities are async), so the copy is a T.
  return wrapped as T;
}
