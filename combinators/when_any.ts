// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * libcoro's `when_any`: {@linkcode whenAny} settles like the first task to
 * settle and cancels the rest.
 *
 * @module
 */

import { describe } from "./_describe.ts";
import {
  collectAwaitables,
  hasRunningPromise,
  ignore,
  isIterableForm,
  isThenable,
  NOT_PROBED,
} from "./_awaitable.ts";
import { SYNC_RESULT } from "./_sync_result.ts";
import { Task } from "./task.ts";

/** Options for the iterable form of {@linkcode whenAny}. */
export interface WhenAnyOptions {
  /**
   * Aborts the wait: every task is cancelled with `signal.reason` and the
   * combined task rejects with it (also when the signal is already aborted).
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * Settles like the first task to settle, libcoro's `when_any`: with its value,
 * or with its error. Every other task is cancelled (`task.cancel()`, which
 * aborts its `signal`); a plain promise has nothing to cancel. Later
 * rejections of the losers are swallowed, so none goes unhandled.
 *
 * Inputs may be {@linkcode Task}s (started by `whenAny`, in order) or any
 * `PromiseLike`. A task whose body finishes synchronously wins at once, and
 * the tasks after it are never started (they are cancelled before they run);
 * `syncWait(whenAny(...))` then returns its value. Like libcoro, the
 * combined task is lazy while its inputs are: it starts when awaited, or at
 * once when a native promise (already running) is among the inputs.
 *
 * @typeParam T The type of the tasks' values.
 * @param awaitables The tasks or promises to race; at least one.
 * @param options `signal` to abort the whole race.
 * @returns A task settled like the winner.
 * @throws {RangeError} If there is nothing to wait for.
 * @throws {TypeError} If an input is not awaitable; the message names its
 * position.
 *
 * @example The fast task wins and the slow one is cancelled
 * ```ts
 * import { task, whenAny } from "@coro/coro/combinators";
 * import assert from "node:assert/strict";
 *
 * const slow = task(({ signal }) =>
 *   new Promise<number>((resolve) => {
 *     const timer = setTimeout(() => resolve(1), 10_000);
 *     signal.addEventListener("abort", () => {
 *       clearTimeout(timer);
 *       resolve(-1);
 *     });
 *   })
 * );
 * const fast = task(async () => 2);
 * assert.equal(await whenAny([slow, fast]), 2);
 * assert.equal(slow.signal.aborted, true);
 * ```
 */
export function whenAny<T>(
  awaitables: Iterable<PromiseLike<T>>,
  options?: WhenAnyOptions,
): Task<T>;
/**
 * Settles like the first of its arguments to settle, libcoro's variadic
 * `when_any`; every other task is cancelled.
 *
 * @typeParam T The tuple of awaitables.
 * @param awaitables The tasks or promises to race; at least one.
 * @returns A task settled like the winner.
 * @throws {RangeError} If there is nothing to wait for.
 * @throws {TypeError} If an argument is not awaitable; the message names its
 * position.
 *
 * @example
 * ```ts
 * import { task, whenAny } from "@coro/coro/combinators";
 * import assert from "node:assert/strict";
 *
 * const winner = await whenAny(task(async () => "a"), new Promise(() => {}));
 * assert.equal(winner, "a");
 * ```
 */
export function whenAny<T extends readonly PromiseLike<unknown>[]>(
  ...awaitables: T
): Task<Awaited<T[number]>>;
export function whenAny(...args: unknown[]): Task<unknown> {
  let items: PromiseLike<unknown>[];
  let signal: AbortSignal | undefined;
  if (isIterableForm(args[0]) && args.length <= 2) {
    items = collectAwaitables("wait for any", args[0], "item");
    const options = args[1];
    if (options !== undefined) {
      if (
        options === null || typeof options !== "object" || isThenable(options)
      ) {
        throw new TypeError(
          `Cannot wait for any: options must be an object, got ${
            describe(options)
          }`,
        );
      }
      signal = (options as WhenAnyOptions).signal;
    }
  } else {
    items = collectAwaitables("wait for any", args, "argument");
  }
  if (items.length === 0) {
    throw new RangeError(
      "Cannot wait for any: expected at least one Task or PromiseLike, got none",
    );
  }
  const any = new Task(() => race(items, signal));
  if (hasRunningPromise(items)) {
    // Started before anyone awaits it: a winner's rejection must not count
    // as unhandled meanwhile (awaiting the task still rethrows it).
    any.start().then(undefined, ignore);
  }
  return any;
}

/** Cancels every task in `items` except the one at `winner`. */
function cancelLosers(items: PromiseLike<unknown>[], winner: number): void {
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (i !== winner && item instanceof Task) item.cancel();
  }
}

/** The shared state of one race: who won, and how to settle the result. */
class Race {
  done = false;
  items: PromiseLike<unknown>[];
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;
  signal: AbortSignal | undefined;
  promise: Promise<unknown>;

  constructor(items: PromiseLike<unknown>[], signal: AbortSignal | undefined) {
    this.items = items;
    this.signal = signal;
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (signal !== undefined) signal.addEventListener("abort", this);
  }

  win(index: number, ok: boolean, value: unknown): void {
    if (this.done) return;
    this.done = true;
    if (this.signal !== undefined) {
      this.signal.removeEventListener("abort", this);
    }
    cancelLosers(this.items, index);
    if (ok) this.resolve(value);
    else this.reject(value);
  }

  /** The abort listener (an object listener avoids a closure). */
  handleEvent(): void {
    if (this.done) return;
    this.done = true;
    for (const item of this.items) {
      if (item instanceof Task) item.cancel(this.signal!.reason);
    }
    this.reject(this.signal!.reason);
  }
}

function race(
  items: PromiseLike<unknown>[],
  signal: AbortSignal | undefined,
): unknown {
  if (signal?.aborted) {
    for (const item of items) {
      if (item instanceof Task) item.cancel(signal.reason);
    }
    throw signal.reason;
  }
  const n = items.length;
  let state: Race | undefined;
  for (let i = 0; i < n; i++) {
    const item = items[i]!;
    let promise: PromiseLike<unknown> = item;
    if (item instanceof Task) {
      // Only a task not started yet is probed: for one already running, the
      // protocol may block (work on a ThreadPool), which whenAny never wants.
      const sync = item.started ? NOT_PROBED : item[SYNC_RESULT]();
      if (sync.done) {
        if (state === undefined) {
          cancelLosers(items, i);
        } else {
          // Settles the race (cancelling the losers) but returns the outcome
          // synchronously, so that syncWait can take it.
          state.win(i, sync.ok, sync.ok ? sync.value : sync.error);
          state.promise.then(undefined, ignore);
        }
        if (sync.ok) return sync.value;
        throw sync.error;
      }
      promise = item.start();
    }
    state ??= new Race(items, signal);
    if (state.done) {
      // The signal aborted while a body ran: the rest never start.
      promise.then(undefined, ignore);
      break;
    }
    const index = i;
    const race = state;
    promise.then(
      (value) => race.win(index, true, value),
      (error) => race.win(index, false, error),
    );
  }
  return state!.promise;
}
