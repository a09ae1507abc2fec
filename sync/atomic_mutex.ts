// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * A mutual-exclusion lock shared between threads through a
 * `SharedArrayBuffer`: {@linkcode AtomicMutex} and
 * {@linkcode AtomicMutexLock}, the cross-Worker form of `Mutex`.
 *
 * @module
 */

import {
  checkHandle,
  SPIN_COUNT,
  WaitSite,
  waitUntil,
} from "./_atomic_wait.ts";

/** Options for {@linkcode AtomicMutex.prototype.lock}. */
export interface AtomicMutexLockOptions {
  /**
   * Stops waiting when aborted: the call rejects with `signal.reason` at
   * once and never takes the mutex.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * A structured-cloneable description of an {@linkcode AtomicMutex}: post it
 * to a Worker and rebuild the mutex there with
 * {@linkcode AtomicMutex.from}.
 */
export interface AtomicMutexHandle {
  /** Always `"AtomicMutex"`. */
  readonly kind: "AtomicMutex";
  /** The shared memory holding the mutex state. */
  readonly buffer: SharedArrayBuffer;
}

// Memory layout (Int32Array over the SharedArrayBuffer):
//   [0] MAGIC     identifies the buffer as an AtomicMutex
//   [1] STATE     bit 0: locked; bit 1: handed over to a waiter that has not
//                 claimed it yet; bits 2..30: registered waiters
//   [2] SLEEPERS  waiters parked in Atomics.waitAsync on HANDOVERS
//   [3] STALE     parked entries whose caller aborted
//   [4] OWNER     ticket of the lock that holds the mutex, 0 when none
//   [5] TICKETS   last ticket handed out
//   [6] ARRIVALS  last arrival number handed to a waiter (wraps)
//   [7] ELIGIBLE  while bit 1 of STATE is set: the last arrival number that
//                 may claim the mutex, i.e. waiters that registered before
//                 the unlock that handed it over. The unlocking thread, if it
//                 locks again at once, cannot take back what it handed over.
//   [8] HANDOVERS counts hand-overs (wraps); waiters park on it rather than
//                 on STATE, whose value can repeat while ELIGIBLE moved on
const MAGIC = 0x4d757478; // "Mutx"
const STATE = 1;
const SLEEPERS = 2;
const STALE = 3;
const OWNER = 4;
const TICKETS = 5;
const ARRIVALS = 6;
const ELIGIBLE = 7;
const HANDOVERS = 8;
const WORDS = 9;

const LOCKED = 1;
const GRANT = 2;
const WAITER = 4;

const CONSTRUCT: unique symbol = Symbol("coro.AtomicMutexLock");

let releaseOf: (mutex: AtomicMutex) => void;
// Set by AtomicMutex.from() for the constructor call that follows.
let adopted: SharedArrayBuffer | undefined;

/**
 * Proof of holding an {@linkcode AtomicMutex}. It is `Disposable`, so
 * `using lock = await mutex.lock()` releases the mutex when the scope ends,
 * on every path.
 *
 * A lock releases its mutex once: {@linkcode AtomicMutexLock.prototype.unlock}
 * on a lock that no longer holds the mutex throws, while
 * `[Symbol.dispose]()` then does nothing. A stale lock never releases a mutex
 * that another lock (on any thread) holds now.
 *
 * @example Scoped locking
 * ```ts
 * import { AtomicMutex } from "@coro/coro/sync";
 * import assert from "node:assert/strict";
 *
 * const mutex = new AtomicMutex();
 * {
 *   using lock = await mutex.lock();
 *   assert.equal(lock.owned, true);
 *   assert.equal(mutex.isLocked, true);
 * }
 * assert.equal(mutex.isLocked, false);
 * ```
 */
export class AtomicMutexLock implements Disposable {
  #mutex: AtomicMutex;
  #ticket: number;
  #view: Int32Array;

  /**
   * Not for direct use: locks come from {@linkcode AtomicMutex.prototype.lock}
   * and {@linkcode AtomicMutex.prototype.tryLock}.
   *
   * @param token An internal token.
   * @param mutex The mutex this lock is for.
   * @param view The mutex's shared state.
   * @param ticket This lock's ticket.
   * @throws {TypeError} When called directly.
   */
  constructor(
    token: typeof CONSTRUCT,
    mutex: AtomicMutex,
    view: Int32Array,
    ticket: number,
  ) {
    if (token !== CONSTRUCT) {
      throw new TypeError(
        "Cannot construct AtomicMutexLock directly: use AtomicMutex.lock() or AtomicMutex.tryLock()",
      );
    }
    this.#mutex = mutex;
    this.#view = view;
    this.#ticket = ticket;
  }

  /**
   * The mutex this lock is for.
   *
   * @example
   * ```ts
   * import { AtomicMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new AtomicMutex();
   * using lock = mutex.tryLock()!;
   * assert.equal(lock.mutex, mutex);
   * ```
   */
  get mutex(): AtomicMutex {
    return this.#mutex;
  }

  /**
   * Whether this lock still holds its mutex.
   *
   * @example
   * ```ts
   * import { AtomicMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const lock = await new AtomicMutex().lock();
   * assert.equal(lock.owned, true);
   * lock.unlock();
   * assert.equal(lock.owned, false);
   * ```
   */
  get owned(): boolean {
    return Atomics.load(this.#view, OWNER) === this.#ticket;
  }

  /**
   * Releases the mutex, handing it to a waiting caller (on any thread) if
   * there is one.
   *
   * @throws {Error} If this lock no longer holds the mutex.
   *
   * @example
   * ```ts
   * import { AtomicMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new AtomicMutex();
   * const lock = await mutex.lock();
   * lock.unlock();
   * assert.equal(mutex.isLocked, false);
   * assert.throws(() => lock.unlock(), Error);
   * ```
   */
  unlock(): void {
    const ticket = this.#ticket;
    if (Atomics.compareExchange(this.#view, OWNER, ticket, 0) !== ticket) {
      throw new Error("Cannot unlock mutex lock: it was already released");
    }
    releaseOf(this.#mutex);
  }

  /**
   * Releases the mutex if this lock still holds it; does nothing otherwise.
   *
   * @example
   * ```ts
   * import { AtomicMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new AtomicMutex();
   * const lock = await mutex.lock();
   * lock[Symbol.dispose]();
   * lock[Symbol.dispose]();
   * assert.equal(mutex.isLocked, false);
   * ```
   */
  [Symbol.dispose](): void {
    const ticket = this.#ticket;
    if (Atomics.compareExchange(this.#view, OWNER, ticket, 0) === ticket) {
      releaseOf(this.#mutex);
    }
  }
}

/**
 * A mutex that works across Worker threads: libcoro's thread-safe
 * `coro::mutex`, backed by a `SharedArrayBuffer`. Post its
 * {@linkcode AtomicMutex.prototype.handle} to a Worker and call
 * {@linkcode AtomicMutex.from} there; both sides then lock the same mutex.
 *
 * It has the same methods as the local `Mutex` (`lock`, `tryLock`,
 * `unlock`, `isLocked`). Waiting never blocks an event loop: a waiter spins
 * briefly, then parks in `Atomics.waitAsync` (holding a timer so the process
 * stays alive while it waits). When callers are waiting, unlocking hands the
 * mutex straight to one of the callers that were waiting at that moment, so
 * a busy thread cannot starve the others by locking again at once.
 * Use the local `Mutex` inside one thread: it is faster.
 *
 * @example Sharing a mutex with a Worker
 * ```ts ignore
 * import { AtomicMutex } from "@coro/coro/sync";
 *
 * const mutex = new AtomicMutex();
 * const worker = new Worker(new URL("./worker.ts", import.meta.url), {
 *   type: "module",
 * });
 * worker.postMessage(mutex.handle);
 * // worker.ts: const mutex = AtomicMutex.from(event.data);
 * ```
 *
 * @example Mutual exclusion
 * ```ts
 * import { AtomicMutex } from "@coro/coro/sync";
 * import assert from "node:assert/strict";
 *
 * const mutex = new AtomicMutex();
 * const order: string[] = [];
 * async function critical(name: string): Promise<void> {
 *   using _lock = await mutex.lock();
 *   order.push(`${name} in`);
 *   await new Promise((resolve) => setTimeout(resolve, 1));
 *   order.push(`${name} out`);
 * }
 * await Promise.all([critical("a"), critical("b")]);
 * assert.deepEqual(order, ["a in", "a out", "b in", "b out"]);
 * ```
 */
export class AtomicMutex {
  #buffer: SharedArrayBuffer;
  #view: Int32Array;
  #site: WaitSite;
  #handle: AtomicMutexHandle | undefined = undefined;
  #heldHere = 0;

  static {
    releaseOf = (mutex) => mutex.#release();
  }

  /**
   * Makes an unlocked mutex in new shared memory.
   *
   * @example
   * ```ts
   * import { AtomicMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new AtomicMutex().isLocked, false);
   * ```
   */
  constructor() {
    let buffer = adopted;
    adopted = undefined;
    if (buffer === undefined) {
      buffer = new SharedArrayBuffer(WORDS * 4);
      Atomics.store(new Int32Array(buffer), 0, MAGIC);
    }
    const view = new Int32Array(buffer, 0, WORDS);
    this.#buffer = buffer;
    this.#view = view;
    this.#site = new WaitSite(view, HANDOVERS, SLEEPERS, STALE);
  }

  /**
   * Rebuilds a mutex from its handle, typically in a Worker that received
   * the handle by `postMessage`. The result shares its state with the
   * original.
   *
   * @param handle The value of {@linkcode AtomicMutex.prototype.handle}.
   * @returns A mutex on the same shared memory.
   * @throws {TypeError} If `handle` is not an `AtomicMutex` handle.
   *
   * @example
   * ```ts
   * import { AtomicMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new AtomicMutex();
   * const copy = AtomicMutex.from(structuredClone(mutex.handle));
   * using _lock = copy.tryLock()!;
   * assert.equal(mutex.isLocked, true);
   * ```
   */
  static from(handle: AtomicMutexHandle): AtomicMutex {
    adopted = checkHandle(handle, "AtomicMutex", MAGIC, WORDS * 4);
    return new AtomicMutex();
  }

  /**
   * A structured-cloneable handle to post to a Worker, which rebuilds the
   * mutex with {@linkcode AtomicMutex.from}.
   *
   * @example
   * ```ts
   * import { AtomicMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const handle = new AtomicMutex().handle;
   * assert.equal(handle.kind, "AtomicMutex");
   * assert.ok(handle.buffer instanceof SharedArrayBuffer);
   * ```
   */
  get handle(): AtomicMutexHandle {
    return this.#handle ??= Object.freeze({
      kind: "AtomicMutex",
      buffer: this.#buffer,
    });
  }

  /**
   * Whether the mutex is held right now (by any thread).
   *
   * @example
   * ```ts
   * import { AtomicMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new AtomicMutex();
   * const lock = mutex.tryLock()!;
   * assert.equal(mutex.isLocked, true);
   * lock.unlock();
   * assert.equal(mutex.isLocked, false);
   * ```
   */
  get isLocked(): boolean {
    return (Atomics.load(this.#view, STATE) & LOCKED) !== 0;
  }

  /**
   * Waits until the mutex is free and takes it.
   *
   * @param options The abort signal.
   * @returns The lock; release it with `using`, `unlock()` or
   * {@linkcode AtomicMutex.prototype.unlock}.
   *
   * @example
   * ```ts
   * import { AtomicMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new AtomicMutex();
   * const first = await mutex.lock();
   * const second = mutex.lock();
   * first.unlock();
   * using lock = await second;
   * assert.equal(lock.owned, true);
   * ```
   *
   * @example Giving up
   * ```ts
   * import { AtomicMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new AtomicMutex();
   * using _held = mutex.tryLock()!;
   * await assert.rejects(
   *   mutex.lock({ signal: AbortSignal.timeout(5) }),
   *   { name: "TimeoutError" },
   * );
   * ```
   */
  lock(options?: AtomicMutexLockOptions): Promise<AtomicMutexLock> {
    const signal = options?.signal;
    if (signal !== undefined && signal.aborted) {
      return Promise.reject(signal.reason);
    }
    const view = this.#view;
    if (Atomics.compareExchange(view, STATE, 0, LOCKED) === 0) {
      return Promise.resolve(this.#acquired());
    }
    // Register as a waiter, unless the mutex came free meanwhile. The
    // arrival number is taken first, so an unlock that counts this waiter
    // also sees its number.
    const arrival = Atomics.add(view, ARRIVALS, 1) + 1;
    for (;;) {
      const s = Atomics.load(view, STATE);
      if (s === 0) {
        if (Atomics.compareExchange(view, STATE, 0, LOCKED) === 0) {
          return Promise.resolve(this.#acquired());
        }
      } else if (Atomics.compareExchange(view, STATE, s, s + WAITER) === s) {
        break;
      }
    }
    return waitUntil(this.#site, () => this.#claim(arrival), signal, {
      onAbort: () => this.#withdraw(arrival),
      onMissedWake: () => this.#passOn(arrival),
      // Spinning cannot help while this thread itself holds the mutex.
      spin: this.#heldHere > 0 ? 0 : SPIN_COUNT,
    });
  }

  /**
   * Takes the mutex if it is free, without waiting.
   *
   * @returns The lock, or `undefined` if the mutex is held.
   *
   * @example
   * ```ts
   * import { AtomicMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new AtomicMutex();
   * using lock = mutex.tryLock();
   * assert.ok(lock !== undefined);
   * assert.equal(mutex.tryLock(), undefined);
   * ```
   */
  tryLock(): AtomicMutexLock | undefined {
    if (Atomics.compareExchange(this.#view, STATE, 0, LOCKED) !== 0) {
      return undefined;
    }
    return this.#acquired();
  }

  /**
   * Releases the mutex, whichever lock holds it, handing it to a waiting
   * caller (on any thread) if there is one. The lock that held it stops
   * owning it.
   *
   * @throws {Error} If the mutex is not locked.
   *
   * @example
   * ```ts
   * import { AtomicMutex } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const mutex = new AtomicMutex();
   * const lock = await mutex.lock();
   * mutex.unlock();
   * assert.equal(lock.owned, false);
   * assert.throws(() => mutex.unlock(), Error);
   * ```
   */
  unlock(): void {
    const s = Atomics.load(this.#view, STATE);
    if ((s & LOCKED) === 0 || (s & GRANT) !== 0) {
      throw new Error("Cannot unlock mutex: it is not locked");
    }
    Atomics.store(this.#view, OWNER, 0);
    this.#release();
  }

  #acquired(): AtomicMutexLock {
    const view = this.#view;
    let ticket = Atomics.add(view, TICKETS, 1) + 1;
    if (ticket === 0) ticket = Atomics.add(view, TICKETS, 1) + 1;
    Atomics.store(view, OWNER, ticket);
    this.#heldHere++;
    return new AtomicMutexLock(CONSTRUCT, this, view, ticket);
  }

  /** Whether the waiter that arrived `arrival`-th may take a handed-over mutex. */
  #eligible(arrival: number): boolean {
    return ((arrival - Atomics.load(this.#view, ELIGIBLE)) | 0) <= 0;
  }

  #claim(arrival: number): AtomicMutexLock | undefined {
    const view = this.#view;
    const s = Atomics.load(view, STATE);
    if (
      (s & GRANT) === 0 || !this.#eligible(arrival) ||
      Atomics.compareExchange(view, STATE, s, s & ~GRANT) !== s
    ) {
      return undefined;
    }
    return this.#acquired();
  }

  /**
   * A parked waiter woke up to a hand-over it may not take: wake another
   * one, since the wake-up was meant for an earlier waiter.
   */
  #passOn(arrival: number): void {
    const s = Atomics.load(this.#view, STATE);
    if ((s & GRANT) !== 0 && !this.#eligible(arrival)) this.#site.wake(1);
  }

  #withdraw(arrival: number): void {
    const view = this.#view;
    for (;;) {
      const s = Atomics.load(view, STATE);
      if ((s & GRANT) !== 0 && this.#eligible(arrival)) {
        // The mutex may have been handed over on our behalf: take it and
        // pass it on, so it never waits for a waiter that has left.
        if (Atomics.compareExchange(view, STATE, s, s & ~GRANT) === s) {
          this.#heldHere++;
          this.#release();
          return;
        }
      } else if (s >= WAITER) {
        if (Atomics.compareExchange(view, STATE, s, s - WAITER) === s) return;
      } else {
        return;
      }
    }
  }

  #release(): void {
    if (this.#heldHere > 0) this.#heldHere--;
    const view = this.#view;
    for (;;) {
      const s = Atomics.load(view, STATE);
      if ((s & LOCKED) === 0 || (s & GRANT) !== 0) {
        throw new Error("Cannot unlock mutex: it is not locked");
      }
      if (s >= WAITER) {
        // Only waiters counted in `s` may take it; their arrival numbers
        // were taken before they were counted, so before this load.
        Atomics.store(view, ELIGIBLE, Atomics.load(view, ARRIVALS));
        if (Atomics.compareExchange(view, STATE, s, s - WAITER + GRANT) === s) {
          Atomics.add(view, HANDOVERS, 1);
          this.#site.wake(1);
          return;
        }
      } else if (Atomics.compareExchange(view, STATE, s, 0) === s) {
        return;
      }
    }
  }
}
