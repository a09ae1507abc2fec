// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * libcoro's `when_all`: {@linkcode whenAll} waits for every task and gives
 * each one's {@linkcode TaskResult}.
 *
 * @module
 */

import {
  collectAwaitables,
  hasRunningPromise,
  ignore,
  isIterableForm,
  NOT_PROBED,
} from "./_awaitable.ts";
import { fulfilled, rejected } from "./_result.ts";
import { inSyncWait } from "./_sync_context.ts";
import { SYNC_RESULT, type SyncWaitable } from "./_sync_result.ts";
import { Task } from "./task.ts";

/**
 * The result of a task that fulfilled, as given by {@linkcode whenAll}.
 *
 * @typeParam T The type of the task's value.
 */
export interface TaskFulfilled<T> {
  /** Always `true`: the task fulfilled. */
  readonly ok: true;
  /** Always `"fulfilled"`, as in `Promise.allSettled`. */
  readonly status: "fulfilled";
  /** The task's value. */
  readonly value: T;
  /** Always `undefined` for a fulfilled task. */
  readonly error: undefined;
  /**
   * Returns the task's value (libcoro's `return_value()`).
   *
   * @returns The value.
   */
  returnValue(): T;
}

/** The result of a task that rejected, as given by {@linkcode whenAll}. */
export interface TaskRejected {
  /** Always `false`: the task rejected. */
  readonly ok: false;
  /** Always `"rejected"`, as in `Promise.allSettled`. */
  readonly status: "rejected";
  /** Always `undefined` for a rejected task. */
  readonly value: undefined;
  /** The error the task rejected with. */
  readonly error: unknown;
  /**
   * Rethrows the task's own error (libcoro's `return_value()`).
   *
   * @throws The task's error, always.
   */
  returnValue(): never;
}

/**
 * The settled outcome of one task: libcoro's `when_all` result.
 * `returnValue()` gives the value or rethrows that task's own error; `ok`,
 * `status`, `value` and `error` can be read without throwing.
 *
 * @typeParam T The type of the task's value.
 *
 * @example
 * ```ts
 * import { type TaskResult, whenAll } from "@coro/coro/combinators";
 * import assert from "node:assert/strict";
 *
 * const [result]: [TaskResult<number>] = await whenAll(Promise.resolve(1));
 * assert.equal(result.ok ? result.value : -1, 1);
 * ```
 */
export type TaskResult<T> = TaskFulfilled<T> | TaskRejected;

/**
 * The results {@linkcode whenAll} gives for a tuple of awaitables: one
 * {@linkcode TaskResult} per position, typed by that position's value.
 *
 * @typeParam T The tuple of awaitables.
 */
export type WhenAllResults<T extends readonly unknown[]> = {
  -readonly [K in keyof T]: TaskResult<Awaited<T[K]>>;
};

/**
 * Waits for every task, libcoro's `when_all`: the result has one
 * {@linkcode TaskResult} per input, in input order. A failure loses no
 * sibling's value: every result can be read, and `returnValue()` rethrows
 * only that task's own error. The combined task itself never rejects, so no
 * rejection goes unhandled.
 *
 * The iterable form `whenAll(tasks)` gives an array; the variadic form
 * `whenAll(a, b, ...)` gives a typed tuple. Inputs may be {@linkcode Task}s
 * (started by `whenAll`, in order) or any `PromiseLike`. An empty input gives
 * an empty array.
 *
 * Like libcoro, the combined task is lazy while its inputs are: nothing
 * starts until it is awaited (or started), and then every task starts, in
 * order. A native promise among the inputs is already running, so then the
 * combined task starts at once and no rejection can go unhandled meanwhile.
 * Tasks whose bodies finish synchronously are collected without an event loop
 * turn, so `syncWait(whenAll(...))` of such tasks (or of work on a
 * `ThreadPool`) returns the results at once, like libcoro's
 * `sync_wait(when_all(...))`.
 *
 * @typeParam T The type of the tasks' values.
 * @param awaitables The tasks or promises to wait for.
 * @returns A task of the results, in input order; it never rejects.
 * @throws {TypeError} If an input is not awaitable; the message names its
 * position.
 *
 * @example Iterable form: one failure loses no sibling's value
 * ```ts
 * import { task, whenAll } from "@coro/coro/combinators";
 * import assert from "node:assert/strict";
 *
 * const results = await whenAll([
 *   task(async () => 1),
 *   task(async (): Promise<number> => { throw new Error("boom"); }),
 *   task(async () => 3),
 * ]);
 * assert.equal(results[0]!.returnValue(), 1);
 * assert.throws(() => results[1]!.returnValue(), /boom/);
 * assert.equal(results[2]!.value, 3);
 * ```
 */
export function whenAll<T>(
  awaitables: Iterable<PromiseLike<T>>,
): Task<TaskResult<T>[]>;
/**
 * Waits for every task given as arguments, libcoro's variadic `when_all`: the
 * result is a tuple with one {@linkcode TaskResult} per argument, each typed
 * by its own argument.
 *
 * @typeParam T The tuple of awaitables.
 * @param awaitables The tasks or promises to wait for.
 * @returns A task of the tuple of results; it never rejects.
 * @throws {TypeError} If an argument is not awaitable; the message names its
 * position.
 *
 * @example Variadic form: a typed tuple
 * ```ts
 * import { task, whenAll } from "@coro/coro/combinators";
 * import assert from "node:assert/strict";
 *
 * const [a, b] = await whenAll(task(async () => 1.1 * 1.1), task(() => "x"));
 * assert.equal(a.returnValue().toFixed(2), "1.21");
 * assert.equal(b.returnValue(), "x");
 * ```
 */
export function whenAll<T extends readonly PromiseLike<unknown>[]>(
  ...awaitables: T
): Task<WhenAllResults<T>>;
export function whenAll(
  ...args: unknown[]
): Task<TaskResult<unknown>[]> {
  const items = args.length === 1 && isIterableForm(args[0])
    ? collectAwaitables("wait for all", args[0], "item")
    : collectAwaitables("wait for all", args, "argument");
  const all = new Task(() => collectAll(items));
  if (hasRunningPromise(items)) all.start();
  return all;
}

/**
 * Starts every item and collects the results. Returns the array directly
 * when every item finished synchronously, else a promise of it.
 *
 * Under syncWait the thread blocks anyway, so after starting everything (so
 * that work on a ThreadPool runs in parallel) each item still pending is
 * asked for its outcome through `[SYNC_RESULT]()`, which pool work answers by
 * blocking until it has it.
 */
function collectAll(
  items: PromiseLike<unknown>[],
): TaskResult<unknown>[] | Promise<TaskResult<unknown>[]> {
  const n = items.length;
  // Items that finished synchronously get their result here; their slot in
  // `promises` stays empty, which Promise.all passes through.
  let early: TaskResult<unknown>[] | undefined;
  let pending = 0;
  const blocking = inSyncWait();
  // `items` is whenAll's own copy, so outside syncWait (which needs the
  // inputs again) the promises replace the items in place.
  const promises: (PromiseLike<unknown> | undefined)[] = blocking
    ? items.slice()
    : items;
  for (let i = 0; i < n; i++) {
    const item = items[i]!;
    if (item instanceof Task) {
      // Only a task not started yet is probed: for one already running, the
      // protocol may block (work on a ThreadPool), which only syncWait wants.
      const sync = item.started ? NOT_PROBED : item[SYNC_RESULT]();
      if (sync.done) {
        early ??= new Array(n);
        early[i] = sync.ok ? fulfilled(sync.value) : rejected(sync.error);
        promises[i] = undefined;
        continue;
      }
      promises[i] = item.start();
    } else {
      promises[i] = item instanceof Promise ? item : startThenable(item);
    }
    pending++;
  }
  if (blocking && pending > 0) {
    for (let i = 0; i < n; i++) {
      if (early?.[i] !== undefined) continue;
      const item = items[i]!;
      if (!hasSyncResult(item)) continue;
      const sync = item[SYNC_RESULT]();
      if (!sync.done) continue;
      early ??= new Array(n);
      early[i] = sync.ok ? fulfilled(sync.value) : rejected(sync.error);
      // The outcome came through the protocol; a promise made by starting
      // the item must not report its rejection as unhandled.
      promises[i]?.then(undefined, ignore);
      promises[i] = undefined;
      pending--;
    }
  }
  if (pending === 0) return early ?? [];
  return settleAll(promises, early);
}

/**
 * The common case, every promise fulfilled, costs one `Promise.all`. When it
 * rejects, every promise already carries `Promise.all`'s handlers (so none
 * can go unhandled) and each is awaited in turn for its own outcome.
 */
async function settleAll(
  promises: (PromiseLike<unknown> | undefined)[],
  early: TaskResult<unknown>[] | undefined,
): Promise<TaskResult<unknown>[]> {
  const n = promises.length;
  let results: unknown[];
  try {
    // Promise.all's fresh array becomes the results array, filled in place.
    results = await Promise.all(promises);
  } catch {
    const settled = new Array<TaskResult<unknown>>(n);
    for (let i = 0; i < n; i++) {
      const known = early?.[i];
      if (known !== undefined) {
        settled[i] = known;
        continue;
      }
      try {
        settled[i] = fulfilled(await promises[i]);
      } catch (error) {
        settled[i] = rejected(error);
      }
    }
    return settled;
  }
  if (early === undefined) {
    for (let i = 0; i < n; i++) results[i] = fulfilled(results[i]);
  } else {
    for (let i = 0; i < n; i++) {
      results[i] = early[i] ?? fulfilled(results[i]);
    }
  }
  return results as TaskResult<unknown>[];
}

/**
 * Calls a thenable's `then` now, so that inputs start in order (Promise.all
 * would call it a microtask later), and gives a native promise of it.
 */
function startThenable(item: PromiseLike<unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => item.then(resolve, reject));
}

function hasSyncResult(item: unknown): item is SyncWaitable<unknown> {
  return typeof (item as Partial<SyncWaitable<unknown>>)[SYNC_RESULT] ===
    "function";
}
