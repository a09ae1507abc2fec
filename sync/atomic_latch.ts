// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * A countdown latch shared between threads through a `SharedArrayBuffer`:
 * {@linkcode AtomicLatch}, the cross-Worker form of `Latch`.
 *
 * @module
 */

import { describe } from "../combinators/_describe.ts";
import { checkHandle, WaitSite, waitUntil } from "./_atomic_wait.ts";

/** Options for {@linkcode AtomicLatch.prototype.wait}. */
export interface AtomicLatchWaitOptions {
  /**
   * Stops waiting when aborted: the call rejects with `signal.reason` at
   * once.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * A structured-cloneable description of an {@linkcode AtomicLatch}: post it
 * to a Worker and rebuild the latch there with {@linkcode AtomicLatch.from}.
 */
export interface AtomicLatchHandle {
  /** Always `"AtomicLatch"`. */
  readonly kind: "AtomicLatch";
  /** The shared memory holding the latch state. */
  readonly buffer: SharedArrayBuffer;
}

// Memory layout (Int32Array over the SharedArrayBuffer):
//   [0] MAGIC      identifies the buffer as an AtomicLatch
//   [1] REMAINING  the count still to go; 0 means ready
//   [2] SLEEPERS   waiters parked in Atomics.waitAsync on REMAINING
//   [3] STALE      parked entries whose caller aborted
const MAGIC = 0x4c746368; // "Ltch"
const REMAINING = 1;
const SLEEPERS = 2;
const STALE = 3;
const WORDS = 4;

const MAX_COUNT = 0x7fffffff;

const RESOLVED: Promise<void> = Promise.resolve();

let adopted: SharedArrayBuffer | undefined;

/**
 * A countdown latch that works across Worker threads: libcoro's thread-safe
 * `coro::latch`, backed by a `SharedArrayBuffer`. Post its
 * {@linkcode AtomicLatch.prototype.handle} to Workers and call
 * {@linkcode AtomicLatch.from} there; every thread counts down and waits on
 * the same count.
 *
 * It has the same methods as the local `Latch` and is awaitable too
 * (`await latch` is `await latch.wait()`). Waiting never blocks an event
 * loop: a waiter spins briefly, then parks in `Atomics.waitAsync` (holding a
 * timer so the process stays alive while it waits).
 *
 * @example Waiting for workers to finish
 * ```ts
 * import { AtomicLatch } from "@coro/coro/sync";
 * import assert from "node:assert/strict";
 *
 * const latch = new AtomicLatch(3);
 * for (let i = 0; i < 3; i++) setTimeout(() => latch.countDown(), i);
 * await latch;
 * assert.equal(latch.isReady, true);
 * ```
 */
export class AtomicLatch implements PromiseLike<void> {
  #buffer: SharedArrayBuffer;
  #view: Int32Array;
  #site: WaitSite;
  #handle: AtomicLatchHandle | undefined = undefined;

  /**
   * Makes a latch in new shared memory.
   *
   * @param count How many count-downs make it ready; at most 2^31 - 1.
   * @throws {TypeError} If `count` is not a number.
   * @throws {RangeError} If `count` is not a non-negative integer up to
   * 2^31 - 1.
   *
   * @example
   * ```ts
   * import { AtomicLatch } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new AtomicLatch(2).remaining, 2);
   * assert.equal(new AtomicLatch(0).isReady, true);
   * ```
   */
  constructor(count: number) {
    let buffer = adopted;
    adopted = undefined;
    if (buffer === undefined) {
      if (typeof count !== "number") {
        throw new TypeError(
          `Cannot create latch: count must be a number, got ${describe(count)}`,
        );
      }
      if (!Number.isInteger(count) || count < 0 || count > MAX_COUNT) {
        throw new RangeError(
          `Cannot create latch: count must be a non-negative integer up to ${MAX_COUNT}, got ${count}`,
        );
      }
      buffer = new SharedArrayBuffer(WORDS * 4);
      const view = new Int32Array(buffer);
      view[REMAINING] = count;
      Atomics.store(view, 0, MAGIC);
    }
    const view = new Int32Array(buffer, 0, WORDS);
    this.#buffer = buffer;
    this.#view = view;
    this.#site = new WaitSite(view, REMAINING, SLEEPERS, STALE);
  }

  /**
   * Rebuilds a latch from its handle, typically in a Worker that received
   * the handle by `postMessage`. The result shares its count with the
   * original.
   *
   * @param handle The value of {@linkcode AtomicLatch.prototype.handle}.
   * @returns A latch on the same shared memory.
   * @throws {TypeError} If `handle` is not an `AtomicLatch` handle.
   *
   * @example
   * ```ts
   * import { AtomicLatch } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const latch = new AtomicLatch(1);
   * AtomicLatch.from(structuredClone(latch.handle)).countDown();
   * assert.equal(latch.isReady, true);
   * ```
   */
  static from(handle: AtomicLatchHandle): AtomicLatch {
    adopted = checkHandle(handle, "AtomicLatch", MAGIC, WORDS * 4);
    return new AtomicLatch(0);
  }

  /**
   * A structured-cloneable handle to post to a Worker, which rebuilds the
   * latch with {@linkcode AtomicLatch.from}.
   *
   * @example
   * ```ts
   * import { AtomicLatch } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new AtomicLatch(1).handle.kind, "AtomicLatch");
   * ```
   */
  get handle(): AtomicLatchHandle {
    return this.#handle ??= Object.freeze({
      kind: "AtomicLatch",
      buffer: this.#buffer,
    });
  }

  /**
   * The count still to go (on all threads together).
   *
   * @example
   * ```ts
   * import { AtomicLatch } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const latch = new AtomicLatch(3);
   * latch.countDown(2);
   * assert.equal(latch.remaining, 1);
   * ```
   */
  get remaining(): number {
    return Atomics.load(this.#view, REMAINING);
  }

  /**
   * Whether the count has reached zero.
   *
   * @example
   * ```ts
   * import { AtomicLatch } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const latch = new AtomicLatch(1);
   * assert.equal(latch.isReady, false);
   * latch.countDown();
   * assert.equal(latch.isReady, true);
   * ```
   */
  get isReady(): boolean {
    return Atomics.load(this.#view, REMAINING) === 0;
  }

  /**
   * Counts down by `n`; when the count reaches zero, every waiter on every
   * thread resumes.
   *
   * @param n How much to count down.
   * @throws {TypeError} If `n` is not a number.
   * @throws {RangeError} If `n` is not a non-negative integer, or is more
   * than what remains.
   *
   * @example
   * ```ts
   * import { AtomicLatch } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const latch = new AtomicLatch(2);
   * latch.countDown(2);
   * assert.equal(latch.isReady, true);
   * assert.throws(() => latch.countDown(), RangeError);
   * ```
   */
  countDown(n = 1): void {
    if (typeof n !== "number") {
      throw new TypeError(
        `Cannot count down latch: n must be a number, got ${describe(n)}`,
      );
    }
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(
        `Cannot count down latch: n must be a non-negative integer, got ${n}`,
      );
    }
    if (n === 0) return;
    const view = this.#view;
    for (;;) {
      const remaining = Atomics.load(view, REMAINING);
      if (n > remaining) {
        throw new RangeError(
          `Cannot count down latch by ${n}: only ${remaining} remaining`,
        );
      }
      if (
        Atomics.compareExchange(view, REMAINING, remaining, remaining - n) ===
          remaining
      ) {
        if (remaining === n) this.#site.wake(Infinity);
        return;
      }
    }
  }

  /**
   * Waits until the count reaches zero. Resolves at once if it already has.
   *
   * @param options The abort signal.
   * @returns A promise that resolves when the latch is ready.
   *
   * @example
   * ```ts
   * import { AtomicLatch } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const latch = new AtomicLatch(1);
   * setTimeout(() => latch.countDown(), 1);
   * await latch.wait();
   * assert.equal(latch.remaining, 0);
   * ```
   *
   * @example Giving up
   * ```ts
   * import { AtomicLatch } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * await assert.rejects(
   *   new AtomicLatch(1).wait({ signal: AbortSignal.timeout(5) }),
   *   { name: "TimeoutError" },
   * );
   * ```
   */
  wait(options?: AtomicLatchWaitOptions): Promise<void> {
    const signal = options?.signal;
    if (signal !== undefined && signal.aborted) {
      return Promise.reject(signal.reason);
    }
    const view = this.#view;
    if (Atomics.load(view, REMAINING) === 0) return RESOLVED;
    return waitUntil(
      this.#site,
      () => Atomics.load(view, REMAINING) === 0 || undefined,
      signal,
    ).then(toVoid);
  }

  /**
   * Waits like {@linkcode AtomicLatch.prototype.wait}, which makes
   * `await latch` work.
   *
   * @typeParam R1 The fulfilled callback's result type.
   * @typeParam R2 The rejected callback's result type.
   * @param onfulfilled Called when the latch is ready.
   * @param onrejected Called if waiting fails.
   * @returns A promise for the callback's result.
   *
   * @example
   * ```ts
   * import { AtomicLatch } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const latch = new AtomicLatch(1);
   * queueMicrotask(() => latch.countDown());
   * await latch;
   * assert.equal(latch.isReady, true);
   * ```
   */
  then<R1 = void, R2 = never>(
    onfulfilled?: ((value: void) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.wait().then(onfulfilled, onrejected);
  }
}

function toVoid(): void {}
