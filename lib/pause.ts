/** What a pause needs of an abort signal: grammY types its signals as its polyfill's, callers may pass Node's own. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** Resolves after `ms` (at once for 1 ms or less), or rejects with an AbortError once `signal` aborts. */
export function pause(ms: number, signal?: AbortSignalLike): Promise<void> {
  if (ms <= 1) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const aborted = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', aborted);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }, ms);
    if (signal?.aborted) aborted();
    else signal?.addEventListener('abort', aborted);
  });
}

/** Throws the AbortError `pause` rejects with when `signal` has aborted already. */
export function throwIfAborted(signal?: AbortSignalLike): void {
  if (signal?.aborted) throw abortError();
}

function abortError(): Error {
  return Object.assign(new Error('The operation was aborted while pausing'), { name: 'AbortError' });
}
