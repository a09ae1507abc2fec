// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * A countdown that tasks wait on until it reaches zero:
 * {@linkcode Latch}, libcoro's `coro::latch`.
 *
 * @module
 */

import { describe } from "../combinators/_describe.ts";
import { WaiterList, waitUntilReady } from "./_waiter_list.ts";

/** Options for {@linkcode Latch.prototype.wait}. */
export interface LatchWaitOptions {
  /**
   * Stops waiting when aborted: the wait rejects with `signal.reason` and
   * leaves the latch's queue.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * A single-use countdown, libcoro's `coro::latch`: it starts at a count,
 * {@linkcode Latch.prototype.countDown} lowers it, and every waiter resumes
 * (in the order it started waiting) once it reaches zero. A latch never
 * counts back up.
 *
 * A `Latch` is a `PromiseLike<void>`, so `await latch` waits for it.
 *
 * @example Waiting for workers
 * ```ts
 * import { Latch } from "@coro/coro/sync";
 * import assert from "node:assert/strict";
 *
 * const latch = new Latch(3);
 * const done: number[] = [];
 * for (const i of [1, 2, 3]) {
 *   queueMicrotask(() => {
 *     done.push(i);
 *     latch.countDown();
 *   });
 * }
 * await latch;
 * assert.deepEqual(done, [1, 2, 3]);
 * assert.equal(latch.isReady, true);
 * ```
 */
export class Latch implements PromiseLike<void> {
  #remaining: number;
  #waiters = new WaiterList<void>();

  /**
   * Makes a latch that becomes ready after `count` count-downs.
   *
   * @param count The starting count, a non-negative safe integer; `0` makes
   * a latch that is ready at once.
   * @throws {TypeError} If `count` is not a number.
   * @throws {RangeError} If `count` is not a non-negative safe integer.
   *
   * @example
   * ```ts
   * import { Latch } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new Latch(2).remaining, 2);
   * assert.throws(() => new Latch(-1), RangeError);
   * ```
   */
  constructor(count: number) {
    if (typeof count !== "number") {
      throw new TypeError(
        `Cannot create latch: count must be a number, got ${describe(count)}`,
      );
    }
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(
        `Cannot create latch: count must be a non-negative integer, got ${count}`,
      );
    }
    this.#remaining = count;
  }

  /**
   * How many count-downs are still needed.
   *
   * @example
   * ```ts
   * import { Latch } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const latch = new Latch(3);
   * latch.countDown(2);
   * assert.equal(latch.remaining, 1);
   * ```
   */
  get remaining(): number {
    return this.#remaining;
  }

  /**
   * Whether the count has reached zero.
   *
   * @example
   * ```ts
   * import { Latch } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const latch = new Latch(1);
   * assert.equal(latch.isReady, false);
   * latch.countDown();
   * assert.equal(latch.isReady, true);
   * ```
   */
  get isReady(): boolean {
    return this.#remaining === 0;
  }

  /**
   * Lowers the count by `n`; when it reaches zero, every waiter resumes in
   * the order it started waiting. Counting down by more than what remains
   * is an error (and changes nothing), so a miscounted latch is noticed
   * rather than silently released early.
   *
   * @param n How much to count down, a non-negative integer.
   * @throws {TypeError} If `n` is not a number.
   * @throws {RangeError} If `n` is negative, not an integer, or more than
   * {@linkcode Latch.prototype.remaining}.
   *
   * @example
   * ```ts
   * import { Latch } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const latch = new Latch(2);
   * latch.countDown();
   * assert.throws(() => latch.countDown(2), RangeError);
   * assert.equal(latch.remaining, 1);
   * latch.countDown();
   * assert.equal(latch.isReady, true);
   * ```
   */
  countDown(n = 1): void {
    if (typeof n !== "number") {
      throw new TypeError(
        `Cannot count down latch: n must be a number, got ${describe(n)}`,
      );
    }
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(
        `Cannot count down latch: n must be a non-negative integer, got ${n}`,
      );
    }
    if (n > this.#remaining) {
      throw new RangeError(
        `Cannot count down latch by ${n}: only ${this.#remaining} remaining`,
      );
    }
    if (n === 0) return;
    this.#remaining -= n;
    if (this.#remaining === 0) this.#waiters.settleAll(undefined);
  }

  /**
   * Waits until the count reaches zero. Resolves at once (after the usual
   * `await` turn) if it already has.
   *
   * @param options An abort signal.
   * @returns A promise that resolves when the latch is ready, or rejects
   * with `signal.reason` when the signal aborts first (also when it is
   * already aborted); an aborted wait leaves the queue at once.
   *
   * @example Waiting with a timeout
   * ```ts
   * import { Latch } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const latch = new Latch(1);
   * await assert.rejects(
   *   latch.wait({ signal: AbortSignal.timeout(10) }),
   *   { name: "TimeoutError" },
   * );
   * assert.equal(latch.remaining, 1);
   * ```
   */
  wait(options?: LatchWaitOptions): Promise<void> {
    return waitUntilReady(
      this.#waiters,
      this.#remaining === 0,
      options?.signal,
    );
  }

  /**
   * Waits for the latch, which is what makes `await latch` work.
   *
   * @typeParam R1 The fulfilled callback's result type.
   * @typeParam R2 The rejected callback's result type.
   * @param onfulfilled Called once the latch is ready.
   * @param onrejected Called if waiting fails.
   * @returns A promise for the callback's result.
   *
   * @example
   * ```ts
   * import { Latch } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * assert.equal(await new Latch(0).then(() => "ready"), "ready");
   * ```
   */
  then<R1 = void, R2 = never>(
    onfulfilled?: ((value: void) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.wait().then(onfulfilled, onrejected);
  }
}
