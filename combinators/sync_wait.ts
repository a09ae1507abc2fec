// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * libcoro's `sync_wait`: {@linkcode syncWait} gets a task's value on the
 * calling thread without an `await`.
 *
 * @module
 */

import { describe } from "./_describe.ts";
import { isThenable } from "./_awaitable.ts";
import { runInSyncWait } from "./_sync_context.ts";
import { SYNC_RESULT, type SyncWaitable } from "./_sync_result.ts";

/**
 * Thrown by {@linkcode syncWait} when the value can only arrive through this
 * thread's own event loop, which a blocked thread never runs: waiting would
 * deadlock, so `syncWait` refuses at once. Use `await` instead, or run the
 * work on a `ThreadPool`, whose results `syncWait` can wait for.
 *
 * It extends `TypeError`: the argument is not something `syncWait` can wait
 * for on this thread.
 *
 * @example
 * ```ts
 * import { SyncWaitError, syncWait } from "@coro/coro/combinators";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => syncWait(Promise.resolve(1)), SyncWaitError);
 * ```
 */
export class SyncWaitError extends TypeError {
  /**
   * Makes the error.
   *
   * @param message What could not be waited for, and what to do instead.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SyncWaitError";
  }
}

/**
 * Blocks the calling thread until `awaitable` has its outcome, and returns its
 * value or rethrows its error: libcoro's `sync_wait`, for code outside any
 * async function.
 *
 * What it can wait for:
 * - A {@linkcode Task} whose body completes synchronously: the body runs
 *   inline (if it has not started yet) and its value is returned at once. So
 *   does a combinator over such tasks, e.g. `syncWait(whenAll(a, b))`.
 * - Work running on a `ThreadPool` worker: the pool's task objects implement
 *   the same protocol and block this thread with `Atomics.wait` until the
 *   worker posts the outcome (see the ThreadPool's documentation).
 *
 * Anything whose value needs this thread's own event loop (a plain `Promise`,
 * a task whose body awaits I/O or a timer) cannot arrive while the thread is
 * blocked: instead of hanging, `syncWait` throws a {@linkcode SyncWaitError}
 * at once. A task it started that way keeps running; `await` it for its
 * value.
 *
 * @typeParam T The type of the value.
 * @param awaitable A task, ThreadPool work, or a combinator over them.
 * @returns The value.
 * @throws {SyncWaitError} If the value needs this thread's event loop.
 * @throws {TypeError} If `awaitable` is not awaitable at all.
 * @throws The awaitable's own error, when it rejects.
 *
 * @example A task that completes synchronously runs inline
 * ```ts
 * import { syncWait, task } from "@coro/coro/combinators";
 * import assert from "node:assert/strict";
 *
 * const makeTaskInline = (x: number) => task(() => x + x);
 * assert.equal(syncWait(makeTaskInline(5)), 10);
 * ```
 *
 * @example A task that awaits cannot be waited for on this thread
 * ```ts
 * import { syncWait, SyncWaitError, task } from "@coro/coro/combinators";
 * import assert from "node:assert/strict";
 *
 * const t = task(async () => {
 *   await Promise.resolve();
 *   return 1;
 * });
 * assert.throws(() => syncWait(t), SyncWaitError);
 * assert.equal(await t, 1);
 * ```
 */
export function syncWait<T>(awaitable: PromiseLike<T>): T {
  if (hasSyncResult<T>(awaitable)) {
    const result = runInSyncWait(() => awaitable[SYNC_RESULT]());
    if (result.done) {
      if (result.ok) return result.value;
      throw result.error;
    }
    const why = result.reason === undefined ? "" : ` (${result.reason})`;
    throw new SyncWaitError(
      `Cannot sync-wait: the work has not completed synchronously${why}, and its value needs this thread's event loop, which a blocked thread never runs; await it instead, or run the work on a ThreadPool`,
    );
  }
  if (isThenable(awaitable)) {
    throw new SyncWaitError(
      `Cannot sync-wait on ${
        describe(awaitable)
      }: its value needs this thread's event loop, which a blocked thread never runs; use await instead, or run the work on a ThreadPool`,
    );
  }
  throw new TypeError(
    `Cannot sync-wait: expected a Task, ThreadPool work or another awaitable, got ${
      describe(awaitable)
    }`,
  );
}

function hasSyncResult<T>(value: unknown): value is SyncWaitable<T> {
  return value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as Partial<SyncWaitable<unknown>>)[SYNC_RESULT] ===
      "function";
}
