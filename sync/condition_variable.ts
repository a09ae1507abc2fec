// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * Waiting for a condition under a {@linkcode Mutex}:
 * {@linkcode ConditionVariable}, libcoro's `coro::condition_variable`.
 *
 * @module
 */

import { describe } from "../combinators/_describe.ts";
import { mutexInternals } from "./_lock_internals.ts";
import { enqueue, WaiterList } from "./_waiter_list.ts";
import { MutexLock } from "./mutex.ts";

/** Options for {@linkcode ConditionVariable.prototype.wait}. */
export interface ConditionVariableWaitOptions {
  /**
   * The condition to wait for. It is checked with the mutex held: first
   * before waiting (a true predicate returns at once, without releasing the
   * mutex) and again after every wake-up; the wait ends only once it
   * returns true, which also absorbs spurious or stale notifications.
   * Without it, the wait ends at the first notification.
   *
   * @default {undefined}
   */
  predicate?: () => boolean;
  /**
   * Stops waiting when aborted (for a timeout, `AbortSignal.timeout(ms)`).
   * The wait leaves the queue at once, re-acquires the mutex and then
   * rejects with `signal.reason`.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * A condition variable, libcoro's `coro::condition_variable`: tasks holding
 * a {@linkcode Mutex} wait for another task to change shared state and
 * notify them.
 *
 * {@linkcode ConditionVariable.prototype.wait} releases the mutex while it
 * waits and always re-acquires it for the same {@linkcode MutexLock} before
 * it returns or rejects, so the caller's `using lock` scope stays valid on
 * every path. Notifications wake waiters in the order they started waiting;
 * a notification with nobody waiting is not remembered, so pair it with
 * state checked by a predicate.
 *
 * @example A one-slot mailbox
 * ```ts
 * import { ConditionVariable, Mutex } from "@coro/coro/sync";
 * import assert from "node:assert/strict";
 *
 * const mutex = new Mutex();
 * const cv = new ConditionVariable();
 * let mail: string | undefined;
 *
 * const reader = (async () => {
 *   using lock = await mutex.lock();
 *   await cv.wait(lock, { predicate: () => mail !== undefined });
 *   return mail;
 * })();
 *
 * {
 *   using _lock = await mutex.lock();
 *   mail = "hello";
 *   cv.notifyOne();
 * }
 * assert.equal(await reader, "hello");
 * ```
 */
export class ConditionVariable {
  #waiters = new WaiterList<void>();

  /**
   * The number of tasks waiting for a notification.
   *
   * @example
   * ```ts
   * import { ConditionVariable, Mutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new Mutex();
   * const cv = new ConditionVariable();
   * const lock = await mutex.lock();
   * const waiting = cv.wait(lock);
   * assert.equal(cv.waiting, 1);
   * cv.notifyAll();
   * await waiting;
   * lock.unlock();
   * ```
   */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Releases the mutex held by `lock`, waits for a notification (and, with
   * a predicate, until it holds), and re-acquires the mutex for `lock`.
   *
   * On abort the wait leaves the queue at once, then re-acquires the mutex
   * (waiting for it if another task holds it; that part cannot be aborted,
   * since the caller must hold the mutex again), then rejects with
   * `signal.reason`. An already-aborted signal rejects at once without
   * releasing the mutex. If the predicate throws, the error propagates with
   * the mutex held.
   *
   * @param lock A lock that holds its mutex now.
   * @param options The predicate and an abort signal.
   * @returns A promise that resolves with the mutex held again.
   * @throws {TypeError} If `lock` is not a {@linkcode MutexLock} or the
   * predicate is not a function.
   * @throws {Error} If `lock` does not hold its mutex.
   *
   * @example Waiting with a timeout
   * ```ts
   * import { ConditionVariable, Mutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new Mutex();
   * const cv = new ConditionVariable();
   * using lock = await mutex.lock();
   * await assert.rejects(
   *   cv.wait(lock, { signal: AbortSignal.timeout(10) }),
   *   { name: "TimeoutError" },
   * );
   * assert.equal(lock.owned, true);
   * ```
   */
  wait(lock: MutexLock, options?: ConditionVariableWaitOptions): Promise<void> {
    if (!(lock instanceof MutexLock)) {
      throw new TypeError(
        `Cannot wait on condition variable: lock must be a MutexLock, got ${
          describe(lock)
        }`,
      );
    }
    const predicate = options?.predicate;
    if (predicate !== undefined && typeof predicate !== "function") {
      throw new TypeError(
        `Cannot wait on condition variable: predicate must be a function, got ${
          describe(predicate)
        }`,
      );
    }
    if (!lock.owned) {
      throw new Error(
        "Cannot wait on condition variable: the lock does not hold its mutex",
      );
    }
    const signal = options?.signal;
    if (signal !== undefined && signal.aborted) {
      return Promise.reject(signal.reason);
    }
    if (predicate !== undefined && predicate()) return RESOLVED;
    return this.#wait(lock, predicate, signal);
  }

  async #wait(
    lock: MutexLock,
    predicate: (() => boolean) | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    do {
      if (signal !== undefined && signal.aborted) throw signal.reason;
      const notified = enqueue(this.#waiters, signal, 0, undefined);
      mutexInternals.release(lock);
      try {
        await notified;
      } finally {
        await mutexInternals.relock(lock);
      }
    } while (predicate !== undefined && !predicate());
  }

  /**
   * Wakes the task that has waited longest, if any. It resumes once it has
   * re-acquired its mutex.
   *
   * @example
   * ```ts
   * import { ConditionVariable, Mutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new Mutex();
   * const cv = new ConditionVariable();
   * const lock = await mutex.lock();
   * const waiting = cv.wait(lock);
   * cv.notifyOne();
   * assert.equal(cv.waiting, 0);
   * await waiting;
   * assert.equal(lock.owned, true);
   * lock.unlock();
   * ```
   */
  notifyOne(): void {
    this.#waiters.shift()?.settle();
  }

  /**
   * Wakes every waiting task, in the order they started waiting. Each
   * resumes once it has re-acquired its mutex.
   *
   * @example
   * ```ts
   * import { ConditionVariable, Mutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new Mutex();
   * const cv = new ConditionVariable();
   * let ready = false;
   * const order: number[] = [];
   * const waiters = [1, 2, 3].map(async (i) => {
   *   using lock = await mutex.lock();
   *   await cv.wait(lock, { predicate: () => ready });
   *   order.push(i);
   * });
   * await new Promise((resolve) => setTimeout(resolve, 0));
   * ready = true;
   * cv.notifyAll();
   * await Promise.all(waiters);
   * assert.deepEqual(order, [1, 2, 3]);
   * ```
   */
  notifyAll(): void {
    this.#waiters.settleAll(undefined);
  }
}
