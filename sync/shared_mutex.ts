// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * An async readers-writer lock: {@linkcode SharedMutex} and
 * {@linkcode SharedMutexLock}, libcoro's `coro::shared_mutex`.
 *
 * @module
 */

import { enqueue, type Waiter, WaiterList } from "./_waiter_list.ts";

/** How a {@linkcode SharedMutexLock} holds its mutex. */
export type SharedMutexLockMode = "shared" | "exclusive";

/** Options for {@linkcode SharedMutex.prototype.lock} and `lockShared`. */
export interface SharedMutexLockOptions {
  /**
   * Stops waiting when aborted: the call rejects with `signal.reason`,
   * leaves the wait queue at once and never takes the mutex.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

const CONSTRUCT: unique symbol = Symbol("coro.SharedMutexLock");
const SHARED = 0;
const EXCLUSIVE = 1;

// Set in SharedMutex's static block, so a lock can release through the
// mutex's private method.
let releaseOf: (mutex: SharedMutex, exclusive: boolean) => void;

/**
 * Proof of holding a {@linkcode SharedMutex} in shared or exclusive mode,
 * libcoro's `shared_scoped_lock` / `scoped_lock`. It is `Disposable`, so
 * `using lock = await mutex.lockShared()` releases it when the scope ends.
 *
 * A lock releases once: {@linkcode SharedMutexLock.prototype.unlock} on a
 * released lock throws, while `[Symbol.dispose]()` then does nothing (so an
 * early unlock inside a `using` scope is fine).
 *
 * Locks are made by the {@linkcode SharedMutex} methods; the constructor is
 * not public API.
 *
 * @example
 * ```ts
 * import { SharedMutex } from "@coro/coro/sync";
 * import assert from "node:assert/strict";
 *
 * const mutex = new SharedMutex();
 * {
 *   using lock = await mutex.lockShared();
 *   assert.equal(lock.mode, "shared");
 *   assert.equal(mutex.readers, 1);
 * }
 * assert.equal(mutex.readers, 0);
 * ```
 */
export class SharedMutexLock implements Disposable {
  #mutex: SharedMutex;
  #exclusive: boolean;
  #owned = true;

  /**
   * Not for direct use: locks come from the {@linkcode SharedMutex}
   * methods.
   *
   * @param token An internal token.
   * @param mutex The mutex this lock is for.
   * @param exclusive Whether the lock is exclusive.
   * @throws {TypeError} When called directly.
   */
  constructor(token: typeof CONSTRUCT, mutex: SharedMutex, exclusive: boolean) {
    if (token !== CONSTRUCT) {
      throw new TypeError(
        "Cannot construct SharedMutexLock directly: use the SharedMutex lock methods",
      );
    }
    this.#mutex = mutex;
    this.#exclusive = exclusive;
  }

  /**
   * The mutex this lock is for.
   *
   * @example
   * ```ts
   * import { SharedMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new SharedMutex();
   * using lock = mutex.tryLock()!;
   * assert.equal(lock.mutex, mutex);
   * ```
   */
  get mutex(): SharedMutex {
    return this.#mutex;
  }

  /**
   * Whether the lock is `"shared"` or `"exclusive"`.
   *
   * @example
   * ```ts
   * import { SharedMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * using lock = await new SharedMutex().lock();
   * assert.equal(lock.mode, "exclusive");
   * ```
   */
  get mode(): SharedMutexLockMode {
    return this.#exclusive ? "exclusive" : "shared";
  }

  /**
   * Whether this lock still holds the mutex.
   *
   * @example
   * ```ts
   * import { SharedMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const lock = await new SharedMutex().lockShared();
   * assert.equal(lock.owned, true);
   * lock.unlock();
   * assert.equal(lock.owned, false);
   * ```
   */
  get owned(): boolean {
    return this.#owned;
  }

  /**
   * Releases the lock and wakes whoever can now go: after the last reader,
   * the writer at the head of the queue; after a writer, the next writer or
   * every reader queued before the next writer.
   *
   * @throws {Error} If the lock was already released.
   *
   * @example
   * ```ts
   * import { SharedMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const lock = await new SharedMutex().lock();
   * lock.unlock();
   * assert.throws(() => lock.unlock(), /already released/);
   * ```
   */
  unlock(): void {
    if (!this.#owned) {
      throw new Error(
        `Cannot unlock ${this.mode} lock: it was already released`,
      );
    }
    this.#owned = false;
    releaseOf(this.#mutex, this.#exclusive);
  }

  /**
   * Releases the lock if it is still held; otherwise does nothing.
   *
   * @example
   * ```ts
   * import { SharedMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new SharedMutex();
   * {
   *   using _lock = await mutex.lock();
   *   assert.equal(mutex.isLocked, true);
   * }
   * assert.equal(mutex.isLocked, false);
   * ```
   */
  [Symbol.dispose](): void {
    if (!this.#owned) return;
    this.#owned = false;
    releaseOf(this.#mutex, this.#exclusive);
  }
}

/**
 * An async readers-writer lock, libcoro's `coro::shared_mutex`: any number
 * of shared holders (readers) at once, or one exclusive holder (writer).
 *
 * Requests are served in arrival order. A waiting writer blocks readers that
 * arrive after it, so writers are never starved; when the last current
 * reader leaves, the writer goes. Releasing a writer wakes the next writer
 * if it is first in line, or else every reader queued before the next
 * writer, all at once. An aborted request leaves the queue at once and
 * whoever it was blocking goes ahead.
 *
 * libcoro needs an executor to resume the readers woken by a writer on
 * other threads; a JavaScript isolate resumes them all as microtasks.
 *
 * @example Readers share, a writer excludes
 * ```ts
 * import { SharedMutex } from "@coro/coro/sync";
 * import assert from "node:assert/strict";
 *
 * const mutex = new SharedMutex();
 * const r1 = await mutex.lockShared();
 * const r2 = await mutex.lockShared();
 * assert.equal(mutex.readers, 2);
 * const writer = mutex.lock();
 * assert.equal(mutex.tryLockShared(), undefined); // a writer is waiting
 * r1.unlock();
 * r2.unlock();
 * using w = await writer;
 * assert.equal(w.mode, "exclusive");
 * ```
 */
export class SharedMutex {
  #readers = 0;
  #writer = false;
  #waiters = new WaiterList<SharedMutexLock>();
  #afterAbort = (): void => this.#wake();

  static {
    releaseOf = (mutex, exclusive) => {
      if (exclusive) mutex.#writer = false;
      else mutex.#readers--;
      mutex.#wake();
    };
  }

  /**
   * Whether a writer holds the mutex.
   *
   * @example
   * ```ts
   * import { SharedMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new SharedMutex();
   * using _lock = mutex.tryLock();
   * assert.equal(mutex.isLocked, true);
   * ```
   */
  get isLocked(): boolean {
    return this.#writer;
  }

  /**
   * The number of shared holders.
   *
   * @example
   * ```ts
   * import { SharedMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new SharedMutex();
   * using _a = mutex.tryLockShared();
   * using _b = mutex.tryLockShared();
   * assert.equal(mutex.readers, 2);
   * ```
   */
  get readers(): number {
    return this.#readers;
  }

  /**
   * The number of requests (shared or exclusive) waiting.
   *
   * @example
   * ```ts
   * import { SharedMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new SharedMutex();
   * const w = mutex.tryLock()!;
   * const r = mutex.lockShared();
   * assert.equal(mutex.waiting, 1);
   * w.unlock();
   * (await r).unlock();
   * ```
   */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Locks the mutex exclusively, waiting until current holders leave and
   * every request queued earlier has been served.
   *
   * @param options An abort signal.
   * @returns A promise for the exclusive {@linkcode SharedMutexLock}; it
   * rejects with `signal.reason` if the signal aborts first (also when it
   * is already aborted), leaving nothing behind.
   *
   * @example
   * ```ts
   * import { SharedMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new SharedMutex();
   * using _reader = await mutex.lockShared();
   * await assert.rejects(
   *   mutex.lock({ signal: AbortSignal.timeout(10) }),
   *   { name: "TimeoutError" },
   * );
   * assert.equal(mutex.waiting, 0);
   * ```
   */
  lock(options?: SharedMutexLockOptions): Promise<SharedMutexLock> {
    const signal = options?.signal;
    if (signal !== undefined && signal.aborted) {
      return Promise.reject(signal.reason);
    }
    const lock = new SharedMutexLock(CONSTRUCT, this, true);
    if (!this.#writer && this.#readers === 0 && this.#waiters.length === 0) {
      this.#writer = true;
      return Promise.resolve(lock);
    }
    return enqueue(this.#waiters, signal, EXCLUSIVE, lock, this.#afterAbort);
  }

  /**
   * Locks the mutex in shared mode, waiting while a writer holds it or any
   * request is queued ahead (so a waiting writer is not starved).
   *
   * @param options An abort signal.
   * @returns A promise for the shared {@linkcode SharedMutexLock}; it
   * rejects with `signal.reason` if the signal aborts first (also when it
   * is already aborted), leaving nothing behind.
   *
   * @example
   * ```ts
   * import { SharedMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new SharedMutex();
   * using a = await mutex.lockShared();
   * using b = await mutex.lockShared();
   * assert.equal(mutex.readers, 2);
   * ```
   */
  lockShared(options?: SharedMutexLockOptions): Promise<SharedMutexLock> {
    const signal = options?.signal;
    if (signal !== undefined && signal.aborted) {
      return Promise.reject(signal.reason);
    }
    const lock = new SharedMutexLock(CONSTRUCT, this, false);
    if (!this.#writer && this.#waiters.length === 0) {
      this.#readers++;
      return Promise.resolve(lock);
    }
    return enqueue(this.#waiters, signal, SHARED, lock, this.#afterAbort);
  }

  /**
   * Locks the mutex exclusively if that is possible now, without waiting.
   *
   * @returns The exclusive lock, or `undefined` if the mutex is held or
   * requests are waiting.
   *
   * @example
   * ```ts
   * import { SharedMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new SharedMutex();
   * using _r = mutex.tryLockShared();
   * assert.equal(mutex.tryLock(), undefined);
   * ```
   */
  tryLock(): SharedMutexLock | undefined {
    if (this.#writer || this.#readers !== 0 || this.#waiters.length !== 0) {
      return undefined;
    }
    this.#writer = true;
    return new SharedMutexLock(CONSTRUCT, this, true);
  }

  /**
   * Locks the mutex in shared mode if that is possible now, without
   * waiting.
   *
   * @returns The shared lock, or `undefined` if a writer holds the mutex or
   * requests are waiting.
   *
   * @example
   * ```ts
   * import { SharedMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new SharedMutex();
   * using r = mutex.tryLockShared();
   * assert.equal(r?.mode, "shared");
   * ```
   */
  tryLockShared(): SharedMutexLock | undefined {
    if (this.#writer || this.#waiters.length !== 0) return undefined;
    this.#readers++;
    return new SharedMutexLock(CONSTRUCT, this, false);
  }

  // Grants queued requests from the head while they can go: a writer only
  // when nobody holds the mutex, readers while no writer holds it.
  #wake(): void {
    const waiters = this.#waiters;
    let head: Waiter<SharedMutexLock> | undefined;
    while ((head = waiters.head) !== undefined) {
      if (head.kind === EXCLUSIVE) {
        if (this.#writer || this.#readers !== 0) return;
        waiters.remove(head);
        this.#writer = true;
        head.settle(head.data as SharedMutexLock);
        return;
      }
      if (this.#writer) return;
      waiters.remove(head);
      this.#readers++;
      head.settle(head.data as SharedMutexLock);
    }
  }
}
