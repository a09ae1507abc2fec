// Copyright 2026 the coro authors. Apache-2.0 license.
// Whether the current synchronous call stack is inside `syncWait`. There the
// calling thread blocks anyway, so a task may block on its work (a ThreadPool
// call waited on with Atomics.wait) instead of starting it asynchronously,
// and a combinator started there may block on each child's
// `[SYNC_RESULT]()`: `syncWait(whenAll(poolWork...))` returns without an
// event loop turn, like libcoro's `sync_wait(when_all(...))`.

let depth = 0;

/** Whether a `syncWait` call is on the stack. */
export function inSyncWait(): boolean {
  return depth > 0;
}

/** Runs `fn` with the sync-wait flag raised. */
export function runInSyncWait<R>(fn: () => R): R {
  depth++;
  try {
    return fn();
  } finally {
    depth--;
  }
}
