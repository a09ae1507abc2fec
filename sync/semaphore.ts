// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * A counting semaphore that limits how many tasks use a resource at once:
 * {@linkcode Semaphore}, libcoro's `coro::semaphore`.
 *
 * @module
 */

import { Deque } from "./_deque.ts";
import { checkSemaphoreCounts } from "./_semaphore_counts.ts";
import { park, type Parked, settle, wait } from "./_channel.ts";

/**
 * The result of {@linkcode Semaphore.prototype.acquire}: `"acquired"` when
 * the caller now holds a permit (and must release it), `"shutdown"` when the
 * semaphore was shut down and no permit was taken.
 */
export type SemaphoreAcquireResult = "acquired" | "shutdown";

/** Options for the {@linkcode Semaphore} constructor. */
export interface SemaphoreOptions {
  /**
   * The number of permits available at the start, an integer from 0 to
   * `max`.
   *
   * @default {max}
   */
  initial?: number;
}

/** Options for {@linkcode Semaphore.prototype.acquire}. */
export interface SemaphoreAcquireOptions {
  /**
   * Stops waiting when aborted: the acquire rejects with `signal.reason`,
   * leaves the queue at once and takes no permit. An already aborted signal
   * rejects even when a permit is free.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

const ACQUIRED: Promise<SemaphoreAcquireResult> = Promise.resolve("acquired");
const SHUTDOWN: Promise<SemaphoreAcquireResult> = Promise.resolve("shutdown");

const CONSTRUCT: unique symbol = Symbol("SemaphorePermit");
// Marks the waiter of an `acquirePermit()` call.
const PERMIT_WAITER: unique symbol = Symbol("acquirePermit");

/**
 * One permit of a {@linkcode Semaphore}, held until released. It is
 * `Disposable`, so `using permit = await semaphore.acquirePermit()` gives
 * the permit back when the scope ends, on every path.
 *
 * A permit is released once. {@linkcode SemaphorePermit.prototype.release}
 * on a permit already released throws (a double release is a bug worth
 * hearing about), while `[Symbol.dispose]()` then does nothing, so releasing
 * early inside a `using` scope is fine.
 *
 * Permits are made by {@linkcode Semaphore.prototype.acquirePermit} and
 * {@linkcode Semaphore.prototype.tryAcquirePermit}; the constructor is not
 * public API.
 *
 * @example Scoped permit
 * ```ts
 * import { Semaphore } from "@coro/coro/sync";
 * import assert from "node:assert/strict";
 *
 * const semaphore = new Semaphore(2);
 * {
 *   using permit = await semaphore.acquirePermit();
 *   assert.ok(permit !== undefined);
 *   assert.equal(semaphore.value, 1);
 * }
 * assert.equal(semaphore.value, 2);
 * ```
 */
export class SemaphorePermit implements Disposable {
  #semaphore: Semaphore;
  #held = true;

  /**
   * Not for direct use: permits come from
   * {@linkcode Semaphore.prototype.acquirePermit} and
   * {@linkcode Semaphore.prototype.tryAcquirePermit}.
   *
   * @param token An internal token.
   * @param semaphore The semaphore this permit belongs to.
   * @throws {TypeError} When called directly.
   */
  constructor(token: typeof CONSTRUCT, semaphore: Semaphore) {
    if (token !== CONSTRUCT) {
      throw new TypeError(
        "Cannot construct SemaphorePermit directly: use Semaphore.acquirePermit() or Semaphore.tryAcquirePermit()",
      );
    }
    this.#semaphore = semaphore;
  }

  /**
   * The semaphore this permit belongs to.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(1);
   * using permit = semaphore.tryAcquirePermit()!;
   * assert.equal(permit.semaphore, semaphore);
   * ```
   */
  get semaphore(): Semaphore {
    return this.#semaphore;
  }

  /**
   * Whether this permit is still held.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const permit = new Semaphore(1).tryAcquirePermit()!;
   * assert.equal(permit.held, true);
   * permit.release();
   * assert.equal(permit.held, false);
   * ```
   */
  get held(): boolean {
    return this.#held;
  }

  /**
   * Gives the permit back to its semaphore (straight to the longest waiting
   * acquire, if any).
   *
   * @throws {Error} If the permit was already released.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(1);
   * const permit = semaphore.tryAcquirePermit()!;
   * permit.release();
   * assert.equal(semaphore.value, 1);
   * assert.throws(() => permit.release(), /already released/);
   * ```
   */
  release(): void {
    if (!this.#held) {
      throw new Error(
        "Cannot release semaphore permit: it was already released",
      );
    }
    this.#held = false;
    this.#semaphore.release();
  }

  /**
   * Releases the permit if it is still held; otherwise does nothing.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(1);
   * {
   *   using permit = semaphore.tryAcquirePermit();
   *   permit?.release(); // early release; the scope's dispose is a no-op
   * }
   * assert.equal(semaphore.value, 1);
   * ```
   */
  [Symbol.dispose](): void {
    if (this.#held) this.release();
  }
}

/**
 * A counting semaphore, libcoro's `coro::semaphore`: at most `max` permits,
 * {@linkcode Semaphore.prototype.acquire} takes one (waiting while none is
 * free), {@linkcode Semaphore.prototype.release} gives one back.
 *
 * A released permit goes straight to the longest waiting acquirer, so a
 * task that calls `acquire` later cannot overtake it. Waiters are served in
 * FIFO order; libcoro resumes them LIFO, which can starve the first waiter
 * under steady load. {@linkcode Semaphore.prototype.shutdown} settles every
 * waiter with `"shutdown"`, and every later acquire returns `"shutdown"`.
 *
 * @example Limiting concurrency to two tasks
 * ```ts
 * import { Semaphore } from "@coro/coro/sync";
 * import assert from "node:assert/strict";
 *
 * const semaphore = new Semaphore(2);
 * let running = 0;
 * let peak = 0;
 * async function work(): Promise<void> {
 *   assert.equal(await semaphore.acquire(), "acquired");
 *   try {
 *     peak = Math.max(peak, ++running);
 *     await Promise.resolve();
 *   } finally {
 *     running--;
 *     semaphore.release();
 *   }
 * }
 * await Promise.all([work(), work(), work(), work(), work()]);
 * assert.equal(peak, 2);
 * assert.equal(semaphore.value, 2);
 * ```
 */
export class Semaphore {
  #max: number;
  #value: number;
  #waiters = new Deque<Parked>();
  #shutdown = false;

  /**
   * Makes a semaphore with `max` permits, `options.initial` of them free.
   *
   * @param max The most permits the semaphore can hold, a positive integer.
   * @param options The initial number of free permits.
   * @throws {TypeError} If `max` or `options.initial` is not a number.
   * @throws {RangeError} If `max` is not a positive integer, or `initial` is
   * not an integer from 0 to `max`.
   *
   * @example Starting with no free permits
   * ```ts
   * import { Semaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(3, { initial: 0 });
   * assert.equal(semaphore.value, 0);
   * assert.equal(semaphore.max, 3);
   * ```
   */
  constructor(max: number, options: SemaphoreOptions = {}) {
    const counts = checkSemaphoreCounts(
      max,
      options.initial === undefined ? max : options.initial,
      Infinity,
    );
    this.#max = counts.max;
    this.#value = counts.initial;
  }

  /**
   * The most permits this semaphore can hold.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new Semaphore(4).max, 4);
   * ```
   */
  get max(): number {
    return this.#max;
  }

  /**
   * The number of free permits right now.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(2);
   * semaphore.tryAcquire();
   * assert.equal(semaphore.value, 1);
   * ```
   */
  get value(): number {
    return this.#value;
  }

  /**
   * The number of acquires waiting for a permit.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(1, { initial: 0 });
   * const pending = semaphore.acquire();
   * assert.equal(semaphore.waiting, 1);
   * semaphore.release();
   * assert.equal(await pending, "acquired");
   * assert.equal(semaphore.waiting, 0);
   * ```
   */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Whether {@linkcode Semaphore.prototype.shutdown} has been called.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(1);
   * semaphore.shutdown();
   * assert.equal(semaphore.isShutdown, true);
   * ```
   */
  get isShutdown(): boolean {
    return this.#shutdown;
  }

  /**
   * Takes a permit if one is free, without waiting.
   *
   * @returns `true` if a permit was taken (release it later), `false` if
   * none was free or the semaphore is shut down.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(1);
   * assert.equal(semaphore.tryAcquire(), true);
   * assert.equal(semaphore.tryAcquire(), false);
   * semaphore.release();
   * assert.equal(semaphore.tryAcquire(), true);
   * ```
   */
  tryAcquire(): boolean {
    if (this.#value === 0 || this.#shutdown) return false;
    this.#value--;
    return true;
  }

  /**
   * Takes a permit, waiting in FIFO order while none is free.
   *
   * @param options An abort signal to stop waiting.
   * @returns `"acquired"` once the caller holds a permit, or `"shutdown"`
   * if the semaphore is (or gets) shut down before a permit is handed over.
   * Rejects with `signal.reason` if the signal aborts first (or already
   * has); no permit is taken then.
   *
   * @example Waiting for a permit with a timeout
   * ```ts
   * import { Semaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(1);
   * assert.equal(await semaphore.acquire(), "acquired");
   * await assert.rejects(
   *   semaphore.acquire({ signal: AbortSignal.timeout(10) }),
   *   { name: "TimeoutError" },
   * );
   * semaphore.release();
   * assert.equal(semaphore.value, 1);
   * ```
   */
  acquire(options?: SemaphoreAcquireOptions): Promise<SemaphoreAcquireResult> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#shutdown) return SHUTDOWN;
    if (this.#value > 0) {
      this.#value--;
      return ACQUIRED;
    }
    return park(this.#waiters, signal);
  }

  /**
   * Takes a permit like {@linkcode Semaphore.prototype.acquire}, as a
   * `Disposable` {@linkcode SemaphorePermit} for `using`.
   *
   * @param options An abort signal to stop waiting.
   * @returns The permit, or `undefined` if the semaphore is (or gets) shut
   * down first (`using` accepts `undefined`). Rejects with `signal.reason`
   * if the signal aborts first (or already has); no permit is taken then.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(1);
   * async function work(): Promise<string> {
   *   using permit = await semaphore.acquirePermit();
   *   if (permit === undefined) return "shut down";
   *   await Promise.resolve();
   *   return "done";
   * }
   * assert.deepEqual(await Promise.all([work(), work()]), ["done", "done"]);
   * semaphore.shutdown();
   * assert.equal(await work(), "shut down");
   * assert.equal(semaphore.value, 1);
   * ```
   */
  acquirePermit(
    options?: SemaphoreAcquireOptions,
  ): Promise<SemaphorePermit | undefined> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#shutdown) return Promise.resolve(undefined);
    if (this.#value > 0) {
      this.#value--;
      return Promise.resolve(new SemaphorePermit(CONSTRUCT, this));
    }
    // The waiter is marked, so a release resolves it with a permit object
    // and a shutdown with `undefined`, without a `.then` per acquire.
    return wait(this.#waiters, signal, PERMIT_WAITER, false);
  }

  /**
   * Takes a permit if one is free, without waiting, as a `Disposable`
   * {@linkcode SemaphorePermit}.
   *
   * @returns The permit, or `undefined` if none was free or the semaphore
   * is shut down.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(1);
   * {
   *   using permit = semaphore.tryAcquirePermit();
   *   assert.ok(permit !== undefined);
   *   assert.equal(semaphore.tryAcquirePermit(), undefined);
   * }
   * assert.equal(semaphore.value, 1);
   * ```
   */
  tryAcquirePermit(): SemaphorePermit | undefined {
    return this.tryAcquire() ? new SemaphorePermit(CONSTRUCT, this) : undefined;
  }

  /**
   * Gives a permit back. If an acquire is waiting, the permit goes straight
   * to the longest waiting one and `value` stays the same.
   *
   * @throws {RangeError} If all `max` permits are already free (a release
   * without a matching acquire); nothing changes then.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(1);
   * assert.throws(() => semaphore.release(), RangeError);
   * semaphore.tryAcquire();
   * semaphore.release();
   * assert.equal(semaphore.value, 1);
   * ```
   */
  release(): void {
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      if (typeof waiter === "function") waiter("acquired");
      else {
        settle(
          waiter,
          waiter.value === PERMIT_WAITER
            ? new SemaphorePermit(CONSTRUCT, this)
            : "acquired",
        );
      }
      return;
    }
    if (this.#value >= this.#max) {
      throw new RangeError(
        `Cannot release semaphore: all ${this.#max} permits are already free, expected a release only after an acquire`,
      );
    }
    this.#value++;
  }

  /**
   * Shuts the semaphore down: every waiting acquire resolves with
   * `"shutdown"` now (in FIFO order), and every later acquire resolves with
   * `"shutdown"` and `tryAcquire` returns `false`. Permits already held can
   * still be released. Calling it again does nothing.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new Semaphore(1, { initial: 0 });
   * const pending = semaphore.acquire();
   * semaphore.shutdown();
   * assert.equal(await pending, "shutdown");
   * assert.equal(await semaphore.acquire(), "shutdown");
   * ```
   */
  shutdown(): void {
    if (this.#shutdown) return;
    this.#shutdown = true;
    let waiter: Parked | undefined;
    while ((waiter = this.#waiters.shift()) !== undefined) {
      if (typeof waiter === "function") waiter("shutdown");
      else {settle(
          waiter,
          waiter.value === PERMIT_WAITER ? undefined : "shutdown",
        );}
    }
  }
}
