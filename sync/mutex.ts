// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * An async mutual-exclusion lock with scoped (`Disposable`) locks:
 * {@linkcode Mutex} and {@linkcode MutexLock}, libcoro's `coro::mutex` and
 * `coro::scoped_lock`.
 *
 * @module
 */

import { mutexInternals } from "./_lock_internals.ts";
import { Deque } from "./_deque.ts";

/** Options for {@linkcode Mutex.prototype.lock}. */
export interface MutexLockOptions {
  /**
   * Stops waiting when aborted: the call rejects with `signal.reason`,
   * leaves the wait queue at once and never takes the mutex.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

const CONSTRUCT: unique symbol = Symbol("coro.MutexLock");

// Set in Mutex's static block: lets MutexLock reach Mutex's private state
// without making it public.
let holderOf: (mutex: Mutex) => MutexLock | undefined;
let releaseIfHeld: (mutex: Mutex, lock: MutexLock) => boolean;

type Resolve = (lock: MutexLock) => void;

// A queued lock() that needs more than a bare resolve function: one with an
// abort signal, or a condition variable taking the mutex back for an
// existing lock. Plain waits are queued as their resolve function alone,
// which keeps the contended path to one promise per wait.
class SlowWaiter {
  resolve: Resolve;
  lock: MutexLock | undefined;
  signal: AbortSignal | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  cancelled = false;

  constructor(resolve: Resolve, lock: MutexLock | undefined) {
    this.resolve = resolve;
    this.lock = lock;
  }
}

/**
 * Proof of holding a {@linkcode Mutex}, libcoro's `coro::scoped_lock`. It is
 * `Disposable`, so `using lock = await mutex.lock()` releases the mutex when
 * the scope ends, on every path.
 *
 * A lock releases its mutex once. {@linkcode MutexLock.prototype.unlock}
 * on a lock that no longer holds the mutex throws (a double release is a
 * bug worth hearing about), while `[Symbol.dispose]()` then does nothing, so
 * unlocking early inside a `using` scope is fine. A stale lock can never
 * release a mutex that another lock holds now.
 *
 * Locks are made by {@linkcode Mutex.prototype.lock} and
 * {@linkcode Mutex.prototype.tryLock}; the constructor is not public API.
 *
 * @example Scoped locking
 * ```ts
 * import { Mutex } from "@coro/coro/sync";
 * import assert from "node:assert/strict";
 *
 * const mutex = new Mutex();
 * {
 *   using lock = await mutex.lock();
 *   assert.equal(lock.owned, true);
 *   assert.equal(mutex.isLocked, true);
 * }
 * assert.equal(mutex.isLocked, false);
 * ```
 */
export class MutexLock implements Disposable {
  #mutex: Mutex;

  /**
   * Not for direct use: locks come from {@linkcode Mutex.prototype.lock}
   * and {@linkcode Mutex.prototype.tryLock}.
   *
   * @param token An internal token.
   * @param mutex The mutex this lock is for.
   * @throws {TypeError} When called directly.
   */
  constructor(token: typeof CONSTRUCT, mutex: Mutex) {
    if (token !== CONSTRUCT) {
      throw new TypeError(
        "Cannot construct MutexLock directly: use Mutex.lock() or Mutex.tryLock()",
      );
    }
    this.#mutex = mutex;
  }

  /**
   * The mutex this lock is for.
   *
   * @example
   * ```ts
   * import { Mutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new Mutex();
   * using lock = mutex.tryLock()!;
   * assert.equal(lock.mutex, mutex);
   * ```
   */
  get mutex(): Mutex {
    return this.#mutex;
  }

  /**
   * Whether this lock holds its mutex right now.
   *
   * @example
   * ```ts
   * import { Mutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const lock = await new Mutex().lock();
   * assert.equal(lock.owned, true);
   * lock.unlock();
   * assert.equal(lock.owned, false);
   * ```
   */
  get owned(): boolean {
    return holderOf(this.#mutex) === this;
  }

  /**
   * Releases the mutex, handing it to the longest-waiting task if any.
   *
   * @throws {Error} If this lock does not hold the mutex (already released).
   *
   * @example
   * ```ts
   * import { Mutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new Mutex();
   * const lock = await mutex.lock();
   * lock.unlock();
   * assert.equal(mutex.isLocked, false);
   * assert.throws(() => lock.unlock(), /already released/);
   * ```
   */
  unlock(): void {
    if (!releaseIfHeld(this.#mutex, this)) {
      throw new Error(
        "Cannot unlock mutex lock: it was already released",
      );
    }
  }

  /**
   * Releases the mutex if this lock still holds it; otherwise does nothing.
   *
   * @example
   * ```ts
   * import { Mutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new Mutex();
   * {
   *   using lock = await mutex.lock();
   *   lock.unlock(); // early release; the scope's dispose is then a no-op
   * }
   * assert.equal(mutex.isLocked, false);
   * ```
   */
  [Symbol.dispose](): void {
    releaseIfHeld(this.#mutex, this);
  }
}

/**
 * An async mutex, libcoro's `coro::mutex`: one holder at a time, others
 * wait without blocking the thread. `await mutex.lock()` gives a
 * {@linkcode MutexLock} to use with `using`.
 *
 * Waiters are served strictly first come, first served, and the mutex is
 * handed straight to the next waiter on release (it never becomes free in
 * between, so a `tryLock` cannot barge ahead of the queue). libcoro instead
 * pushes waiters on a lock-free LIFO stack and lets the holder take the
 * whole stack in batches, serving each batch newest first: that avoids a
 * CAS loop on a shared FIFO across threads, at the price of ordering. A
 * JavaScript isolate is single-threaded, so a FIFO costs the same as a stack
 * here, and FIFO gives every waiter a bounded wait and a predictable order.
 *
 * An uncontended `lock()` completes without queuing (it returns an
 * already-resolved promise), and {@linkcode Mutex.prototype.tryLock} is
 * fully synchronous.
 *
 * @example Protecting a critical section
 * ```ts
 * import { Mutex } from "@coro/coro/sync";
 * import assert from "node:assert/strict";
 *
 * const mutex = new Mutex();
 * let inside = 0;
 * let maxInside = 0;
 * async function work(): Promise<void> {
 *   using _lock = await mutex.lock();
 *   inside++;
 *   maxInside = Math.max(maxInside, inside);
 *   await new Promise((resolve) => setTimeout(resolve, 1));
 *   inside--;
 * }
 * await Promise.all([work(), work(), work()]);
 * assert.equal(maxInside, 1);
 * ```
 */
export class Mutex {
  #holder: MutexLock | undefined = undefined;
  // FIFO of waits: a bare resolve function, or a SlowWaiter. An aborted
  // SlowWaiter is marked cancelled and skipped (a tombstone) rather than
  // spliced out, which would be O(n); #compact() bounds the tombstones.
  #queue = new Deque<Resolve | SlowWaiter>();
  #tombstones = 0;
  #enqueuePlain = (resolve: Resolve): void => this.#queue.push(resolve);

  static {
    holderOf = (mutex) => mutex.#holder;
    releaseIfHeld = (mutex, lock) => {
      if (mutex.#holder !== lock) return false;
      mutex.#release();
      return true;
    };
    mutexInternals.release = (lock) => {
      if (!releaseIfHeld(lock.mutex, lock)) {
        throw new Error("Cannot release mutex: the lock does not hold it");
      }
    };
    mutexInternals.relock = (lock) => {
      const mutex = lock.mutex;
      if (mutex.#holder === undefined) {
        mutex.#holder = lock;
        return Promise.resolve(lock);
      }
      return new Promise<MutexLock>((resolve) => {
        mutex.#queue.push(new SlowWaiter(resolve, lock));
      });
    };
  }

  /**
   * Whether some lock holds the mutex.
   *
   * @example
   * ```ts
   * import { Mutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new Mutex();
   * const lock = mutex.tryLock();
   * assert.equal(mutex.isLocked, true);
   * lock?.unlock();
   * assert.equal(mutex.isLocked, false);
   * ```
   */
  get isLocked(): boolean {
    return this.#holder !== undefined;
  }

  /**
   * The number of tasks waiting to lock the mutex.
   *
   * @example
   * ```ts
   * import { Mutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new Mutex();
   * const first = await mutex.lock();
   * const second = mutex.lock();
   * assert.equal(mutex.waiting, 1);
   * first.unlock();
   * (await second).unlock();
   * assert.equal(mutex.waiting, 0);
   * ```
   */
  get waiting(): number {
    return this.#queue.length - this.#tombstones;
  }

  /**
   * Locks the mutex, waiting (FIFO) while another lock holds it.
   *
   * @param options An abort signal.
   * @returns A promise for the {@linkcode MutexLock}; it rejects with
   * `signal.reason` if the signal aborts before the mutex is handed over
   * (also when it is already aborted), in which case the mutex is not taken
   * and the call has left the queue.
   *
   * @example Waiting with a timeout
   * ```ts
   * import { Mutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new Mutex();
   * using _held = await mutex.lock();
   * await assert.rejects(
   *   mutex.lock({ signal: AbortSignal.timeout(10) }),
   *   { name: "TimeoutError" },
   * );
   * assert.equal(mutex.waiting, 0);
   * ```
   */
  lock(options?: MutexLockOptions): Promise<MutexLock> {
    const signal = options?.signal;
    if (signal !== undefined && signal.aborted) {
      return Promise.reject(signal.reason);
    }
    if (this.#holder === undefined) {
      const lock = new MutexLock(CONSTRUCT, this);
      this.#holder = lock;
      return Promise.resolve(lock);
    }
    if (signal === undefined) return new Promise(this.#enqueuePlain);
    return this.#enqueueAbortable(signal);
  }

  #enqueueAbortable(signal: AbortSignal): Promise<MutexLock> {
    return new Promise<MutexLock>((resolve, reject) => {
      const waiter = new SlowWaiter(resolve, undefined);
      const onAbort = (): void => {
        waiter.onAbort = waiter.signal = undefined;
        waiter.cancelled = true;
        this.#tombstones++;
        this.#compact();
        reject(signal.reason);
      };
      waiter.signal = signal;
      waiter.onAbort = onAbort;
      signal.addEventListener("abort", onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  // Drops tombstones once they are at least half of a sizeable queue, so
  // aborts cost amortised O(1) and the queue stays O(live waiters).
  #compact(): void {
    const queue = this.#queue;
    if (this.#tombstones < 32 || this.#tombstones * 2 < queue.length) return;
    for (let n = queue.length; n > 0; n--) {
      const entry = queue.shift()!;
      if (typeof entry === "function" || !entry.cancelled) queue.push(entry);
    }
    this.#tombstones = 0;
  }

  /**
   * Locks the mutex if it is free, without waiting.
   *
   * @returns The lock, or `undefined` if the mutex is held.
   *
   * @example
   * ```ts
   * import { Mutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new Mutex();
   * using lock = mutex.tryLock();
   * assert.ok(lock);
   * assert.equal(mutex.tryLock(), undefined);
   * ```
   */
  tryLock(): MutexLock | undefined {
    if (this.#holder !== undefined) return undefined;
    return this.#holder = new MutexLock(CONSTRUCT, this);
  }

  /**
   * Unlocks the mutex whichever lock holds it, like libcoro's
   * `mutex::unlock()`. The lock that held it then no longer owns it, so its
   * `[Symbol.dispose]()` does nothing. Prefer releasing through the lock.
   *
   * @throws {Error} If the mutex is not locked.
   *
   * @example
   * ```ts
   * import { Mutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new Mutex();
   * await mutex.lock();
   * mutex.unlock();
   * assert.equal(mutex.isLocked, false);
   * assert.throws(() => mutex.unlock(), /not locked/);
   * ```
   */
  unlock(): void {
    if (this.#holder === undefined) {
      throw new Error("Cannot unlock mutex: it is not locked");
    }
    this.#release();
  }

  // Hands the mutex straight to the first live waiter, or frees it.
  #release(): void {
    const queue = this.#queue;
    for (;;) {
      const next = queue.shift();
      if (next === undefined) {
        this.#holder = undefined;
        return;
      }
      if (typeof next === "function") {
        const lock = new MutexLock(CONSTRUCT, this);
        this.#holder = lock;
        next(lock);
        return;
      }
      if (next.cancelled) {
        this.#tombstones--;
        continue;
      }
      if (next.onAbort !== undefined) {
        next.signal!.removeEventListener("abort", next.onAbort);
        next.onAbort = next.signal = undefined;
      }
      const lock = next.lock ?? new MutexLock(CONSTRUCT, this);
      this.#holder = lock;
      next.resolve(lock);
      return;
    }
  }
}
