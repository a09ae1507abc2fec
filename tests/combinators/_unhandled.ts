// Copyright 2026 the coro authors. Apache-2.0 license.
// Records unhandled rejections while `fn` runs (and two macrotask turns
// after), so a test can assert that none escaped.

/** Runs `fn` and returns every unhandled rejection reason seen meanwhile. */
export async function collectUnhandled(
  fn: () => Promise<void>,
): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (event: PromiseRejectionEvent): void => {
    event.preventDefault();
    seen.push(event.reason);
  };
  globalThis.addEventListener("unhandledrejection", listener);
  try {
    await fn();
    await macrotask();
    await macrotask();
  } finally {
    globalThis.removeEventListener("unhandledrejection", listener);
  }
  return seen;
}

/** Resolves after one macrotask turn (unhandled rejections are reported at the end of a turn). */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A promise that settles after `ms` milliseconds (resolves, or rejects with `error`). */
export function later<T>(ms: number, value: T, error?: unknown): Promise<T> {
  return new Promise((resolve, reject) =>
    setTimeout(() => error === undefined ? resolve(value) : reject(error), ms)
  );
}
