// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * A counting semaphore shared between threads through a
 * `SharedArrayBuffer`: {@linkcode AtomicSemaphore}, the cross-Worker form
 * of `Semaphore`.
 *
 * @module
 */

import { checkSemaphoreCounts } from "./_semaphore_counts.ts";
import { checkHandle, WaitSite, waitUntil } from "./_atomic_wait.ts";

/**
 * The result of {@linkcode AtomicSemaphore.prototype.acquire}: `"acquired"`
 * when a permit was taken, `"shutdown"` when the semaphore was shut down
 * (no permit was taken).
 */
export type AtomicSemaphoreAcquireResult = "acquired" | "shutdown";

/** Options for the {@linkcode AtomicSemaphore} constructor. */
export interface AtomicSemaphoreOptions {
  /**
   * The number of free permits at the start, from 0 to `max`.
   *
   * @default {max}
   */
  initial?: number;
}

/** Options for {@linkcode AtomicSemaphore.prototype.acquire}. */
export interface AtomicSemaphoreAcquireOptions {
  /**
   * Stops waiting when aborted: the call rejects with `signal.reason` at
   * once and never takes a permit.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * A structured-cloneable description of an {@linkcode AtomicSemaphore}:
 * post it to a Worker and rebuild the semaphore there with
 * {@linkcode AtomicSemaphore.from}.
 */
export interface AtomicSemaphoreHandle {
  /** Always `"AtomicSemaphore"`. */
  readonly kind: "AtomicSemaphore";
  /** The shared memory holding the semaphore state. */
  readonly buffer: SharedArrayBuffer;
}

// Memory layout (Int32Array over the SharedArrayBuffer):
//   [0] MAGIC     identifies the buffer as an AtomicSemaphore
//   [1] STATE     bits 0..29: free permits; bit 30: shut down
//   [2] SLEEPERS  waiters parked in Atomics.waitAsync on STATE
//   [3] STALE     parked entries whose caller aborted
//   [4] MAX       the maximum number of permits (fixed)
const MAGIC = 0x53656d61; // "Sema"
const STATE = 1;
const SLEEPERS = 2;
const STALE = 3;
const MAX = 4;
const WORDS = 5;

const SHUTDOWN = 1 << 30;
const MAX_PERMITS = SHUTDOWN - 1;

const ACQUIRED: Promise<AtomicSemaphoreAcquireResult> = Promise.resolve(
  "acquired",
);
const SHUT: Promise<AtomicSemaphoreAcquireResult> = Promise.resolve(
  "shutdown",
);

let adopted: SharedArrayBuffer | undefined;

/**
 * A counting semaphore that works across Worker threads: libcoro's
 * thread-safe `coro::semaphore`, backed by a `SharedArrayBuffer`. Post its
 * {@linkcode AtomicSemaphore.prototype.handle} to a Worker and call
 * {@linkcode AtomicSemaphore.from} there; every thread then draws on the
 * same permits.
 *
 * It has the same methods and results as the local `Semaphore`. Waiting
 * never blocks an event loop: a waiter spins briefly, then parks in
 * `Atomics.waitAsync` (holding a timer so the process stays alive while it
 * waits). Permits are not handed to waiters in any particular order. Use the
 * local `Semaphore` inside one thread: it is faster.
 *
 * @example Limiting concurrency
 * ```ts
 * import { AtomicSemaphore } from "@coro/coro/sync";
 * import assert from "node:assert/strict";
 *
 * const semaphore = new AtomicSemaphore(2);
 * let running = 0;
 * let peak = 0;
 * async function work(): Promise<void> {
 *   assert.equal(await semaphore.acquire(), "acquired");
 *   peak = Math.max(peak, ++running);
 *   await new Promise((resolve) => setTimeout(resolve, 1));
 *   running--;
 *   semaphore.release();
 * }
 * await Promise.all([work(), work(), work(), work()]);
 * assert.equal(peak, 2);
 * ```
 */
export class AtomicSemaphore {
  #buffer: SharedArrayBuffer;
  #view: Int32Array;
  #site: WaitSite;
  #handle: AtomicSemaphoreHandle | undefined = undefined;

  /**
   * Makes a semaphore in new shared memory.
   *
   * @param max The number of permits; at most 2^30 - 1.
   * @param options The initial number of free permits.
   * @throws {TypeError} If `max` or `initial` is not a number.
   * @throws {RangeError} If `max` is not a positive integer up to
   * 2^30 - 1, or `initial` is not an integer from 0 to `max`.
   *
   * @example
   * ```ts
   * import { AtomicSemaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new AtomicSemaphore(3, { initial: 1 });
   * assert.equal(semaphore.max, 3);
   * assert.equal(semaphore.value, 1);
   * ```
   */
  constructor(max: number, options: AtomicSemaphoreOptions = {}) {
    let buffer = adopted;
    adopted = undefined;
    if (buffer === undefined) {
      const { initial } = checkSemaphoreCounts(
        max,
        options.initial ?? max,
        MAX_PERMITS,
      );
      buffer = new SharedArrayBuffer(WORDS * 4);
      const view = new Int32Array(buffer);
      view[STATE] = initial;
      view[MAX] = max;
      Atomics.store(view, 0, MAGIC);
    }
    const view = new Int32Array(buffer, 0, WORDS);
    this.#buffer = buffer;
    this.#view = view;
    this.#site = new WaitSite(view, STATE, SLEEPERS, STALE);
  }

  /**
   * Rebuilds a semaphore from its handle, typically in a Worker that
   * received the handle by `postMessage`. The result shares its permits
   * with the original.
   *
   * @param handle The value of {@linkcode AtomicSemaphore.prototype.handle}.
   * @returns A semaphore on the same shared memory.
   * @throws {TypeError} If `handle` is not an `AtomicSemaphore` handle.
   *
   * @example
   * ```ts
   * import { AtomicSemaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new AtomicSemaphore(2);
   * const copy = AtomicSemaphore.from(structuredClone(semaphore.handle));
   * assert.equal(copy.tryAcquire(), true);
   * assert.equal(semaphore.value, 1);
   * ```
   */
  static from(handle: AtomicSemaphoreHandle): AtomicSemaphore {
    adopted = checkHandle(handle, "AtomicSemaphore", MAGIC, WORDS * 4);
    return new AtomicSemaphore(0);
  }

  /**
   * A structured-cloneable handle to post to a Worker, which rebuilds the
   * semaphore with {@linkcode AtomicSemaphore.from}.
   *
   * @example
   * ```ts
   * import { AtomicSemaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new AtomicSemaphore(1).handle.kind, "AtomicSemaphore");
   * ```
   */
  get handle(): AtomicSemaphoreHandle {
    return this.#handle ??= Object.freeze({
      kind: "AtomicSemaphore",
      buffer: this.#buffer,
    });
  }

  /**
   * The maximum number of permits.
   *
   * @example
   * ```ts
   * import { AtomicSemaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new AtomicSemaphore(4).max, 4);
   * ```
   */
  get max(): number {
    return this.#view[MAX]!;
  }

  /**
   * The number of free permits right now (on all threads together).
   *
   * @example
   * ```ts
   * import { AtomicSemaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new AtomicSemaphore(2);
   * semaphore.tryAcquire();
   * assert.equal(semaphore.value, 1);
   * ```
   */
  get value(): number {
    return Atomics.load(this.#view, STATE) & MAX_PERMITS;
  }

  /**
   * Whether {@linkcode AtomicSemaphore.prototype.shutdown} has been called
   * (on any thread).
   *
   * @example
   * ```ts
   * import { AtomicSemaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new AtomicSemaphore(1);
   * semaphore.shutdown();
   * assert.equal(semaphore.isShutdown, true);
   * ```
   */
  get isShutdown(): boolean {
    return (Atomics.load(this.#view, STATE) & SHUTDOWN) !== 0;
  }

  /**
   * Takes a permit if one is free, without waiting.
   *
   * @returns Whether a permit was taken; `false` after a shutdown.
   *
   * @example
   * ```ts
   * import { AtomicSemaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new AtomicSemaphore(1);
   * assert.equal(semaphore.tryAcquire(), true);
   * assert.equal(semaphore.tryAcquire(), false);
   * ```
   */
  tryAcquire(): boolean {
    return this.#take() === "acquired";
  }

  /**
   * Waits for a free permit and takes it.
   *
   * @param options The abort signal.
   * @returns `"acquired"`, or `"shutdown"` if the semaphore is (or gets)
   * shut down first.
   *
   * @example
   * ```ts
   * import { AtomicSemaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new AtomicSemaphore(1, { initial: 0 });
   * const pending = semaphore.acquire();
   * semaphore.release();
   * assert.equal(await pending, "acquired");
   * assert.equal(semaphore.value, 0);
   * ```
   *
   * @example Giving up
   * ```ts
   * import { AtomicSemaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new AtomicSemaphore(1, { initial: 0 });
   * await assert.rejects(
   *   semaphore.acquire({ signal: AbortSignal.timeout(5) }),
   *   { name: "TimeoutError" },
   * );
   * ```
   */
  acquire(
    options?: AtomicSemaphoreAcquireOptions,
  ): Promise<AtomicSemaphoreAcquireResult> {
    const signal = options?.signal;
    if (signal !== undefined && signal.aborted) {
      return Promise.reject(signal.reason);
    }
    const result = this.#take();
    if (result === "acquired") return ACQUIRED;
    if (result === "shutdown") return SHUT;
    return waitUntil(this.#site, () => this.#take(), signal);
  }

  /**
   * Gives a permit back, waking a waiter (on any thread) if there is one.
   *
   * @throws {RangeError} If all `max` permits are already free.
   *
   * @example
   * ```ts
   * import { AtomicSemaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new AtomicSemaphore(1);
   * semaphore.tryAcquire();
   * semaphore.release();
   * assert.equal(semaphore.value, 1);
   * assert.throws(() => semaphore.release(), RangeError);
   * ```
   */
  release(): void {
    const view = this.#view;
    for (;;) {
      const s = Atomics.load(view, STATE);
      if ((s & MAX_PERMITS) >= view[MAX]!) {
        throw new RangeError(
          `Cannot release semaphore: all ${
            view[MAX]
          } permits are already free, expected a release only after an acquire`,
        );
      }
      if (Atomics.compareExchange(view, STATE, s, s + 1) === s) break;
    }
    this.#site.wake(1);
  }

  /**
   * Shuts the semaphore down on every thread: waiting and later
   * {@linkcode AtomicSemaphore.prototype.acquire} calls resolve with
   * `"shutdown"`, and `tryAcquire()` returns `false`. Calling it again does
   * nothing.
   *
   * @example
   * ```ts
   * import { AtomicSemaphore } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const semaphore = new AtomicSemaphore(1, { initial: 0 });
   * const pending = semaphore.acquire();
   * semaphore.shutdown();
   * assert.equal(await pending, "shutdown");
   * assert.equal(await semaphore.acquire(), "shutdown");
   * ```
   */
  shutdown(): void {
    const previous = Atomics.or(this.#view, STATE, SHUTDOWN);
    if ((previous & SHUTDOWN) === 0) this.#site.wake(Infinity);
  }

  #take(): AtomicSemaphoreAcquireResult | undefined {
    const view = this.#view;
    for (;;) {
      const s = Atomics.load(view, STATE);
      if ((s & SHUTDOWN) !== 0) return "shutdown";
      if (s === 0) return undefined;
      if (Atomics.compareExchange(view, STATE, s, s - 1) === s) {
        return "acquired";
      }
    }
  }
}
