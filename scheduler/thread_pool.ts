// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * A pool of Worker threads that runs exported functions of modules:
 * libcoro's `thread_pool`, {@linkcode ThreadPool}.
 *
 * @module
 */

import { receiveMessageOnPort, Worker } from "node:worker_threads";
import { describe } from "../combinators/_describe.ts";
import { SYNC_RESULT, type SyncResult } from "../combinators/_sync_result.ts";
import { inSyncWait } from "../combinators/_sync_context.ts";
import { Task } from "../combinators/task.ts";
import { Deque } from "../sync/_deque.ts";
import { ShutdownError } from "./errors.ts";
import {
  deserializeError,
  OP_ABORT,
  OP_CALL,
  OP_CALL_CANCELLABLE,
  OP_FUNCTION,
  OP_INIT,
  OP_SYNC_CALL,
  READY,
  type SerializedError,
  STATE_DEAD,
  STATE_DONE,
  STATE_LENGTH,
  STATE_STARTED,
  STATUS_CRASHED,
  STATUS_ERROR,
  STATUS_OK,
  TRANSFER,
  type Transferring,
} from "./_pool_protocol.ts";

const WORKER_MAIN = new URL("./_worker_main.ts", import.meta.url);
const SPIN_COUNT = 2000;
const MAX_ID = 0x7fffffff;

/**
 * Options for {@linkcode ThreadPool}.
 *
 * @example
 * ```ts
 * import { ThreadPool, type ThreadPoolOptions } from "@coro/coro/scheduler";
 * import assert from "node:assert/strict";
 *
 * const stopped: number[] = [];
 * const options: ThreadPoolOptions = {
 *   threadCount: 2,
 *   onThreadStop: (index) => stopped.push(index),
 * };
 * const pool = new ThreadPool(options);
 * await pool.shutdown();
 * assert.ok(stopped.length <= 2);
 * ```
 */
export interface ThreadPoolOptions {
  /**
   * How many worker threads the pool runs.
   *
   * @default {navigator.hardwareConcurrency}
   */
  threadCount?: number;
  /**
   * Called on the main thread with the worker's index (0 to
   * `threadCount - 1`) when a worker has started and is ready for work, also
   * when a replacement for a crashed worker has started. Closures cannot
   * cross threads, so this runs on the thread that made the pool, not in
   * the worker.
   *
   * @default {undefined}
   */
  onThreadStart?: (index: number) => void;
  /**
   * Called on the main thread with the worker's index when a worker that had
   * started has stopped: at shutdown, or when it crashed (before its
   * replacement starts).
   *
   * @default {undefined}
   */
  onThreadStop?: (index: number) => void;
  /**
   * How many calls one worker runs at once (they interleave at their
   * `await`s). Further calls wait in the pool's FIFO queue and go to the
   * first worker with room. Higher values batch more calls per message;
   * lower values spread long synchronous calls more evenly.
   *
   * @default {256}
   */
  maxTasksPerThread?: number;
  /**
   * The default `timeout` (milliseconds) of a call waited on with
   * `syncWait`; see {@linkcode ThreadPoolCallOptions.timeout}.
   *
   * @default {30000}
   */
  syncTimeout?: number;
  /**
   * Called with the error of a call started with `spawn` (fire and forget)
   * that failed. Without it, such an error surfaces as an unhandled promise
   * rejection, like a failing promise nobody awaits.
   *
   * @default {undefined}
   */
  onSpawnError?: (error: unknown) => void;
}

/**
 * Options for the calls of a pool function, given to
 * {@linkcode PoolFunction.with}.
 *
 * @example A call with a deadline
 * ```ts
 * import { ThreadPool } from "@coro/coro/scheduler";
 * import assert from "node:assert/strict";
 *
 * const code = "export const never = () => new Promise(() => {});";
 * await using pool = new ThreadPool({ threadCount: 1 });
 * const mod = pool.bind<{ never(): void }>(`data:text/javascript,${code}`);
 * const signal = AbortSignal.timeout(50);
 * await assert.rejects(mod.never.with({ signal })(), { name: "TimeoutError" });
 * ```
 */
export interface ThreadPoolCallOptions {
  /**
   * Cancels the call: a queued call leaves the queue, a running one has its
   * worker-side `this.signal` aborted. Either way the caller's promise
   * rejects with `signal.reason` at once.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
  /**
   * ArrayBuffers (or other transferables) among the arguments to move to the
   * worker instead of copying them. They are detached on this side.
   *
   * @default {undefined}
   */
  transfer?: readonly Transferable[];
  /**
   * For a call waited on with `syncWait` only: how long (milliseconds) the
   * calling thread blocks before giving up with a `TimeoutError`
   * `DOMException`. A call that needs the blocked thread itself can never
   * finish, so the wait is always bounded. For awaited calls use
   * `signal: AbortSignal.timeout(ms)`.
   *
   * @default {ThreadPoolOptions.syncTimeout}
   */
  timeout?: number;
}

/**
 * What a pool function sees as `this` when it runs in a worker. Declare it
 * as the function's `this` parameter (which is not one of its arguments):
 *
 * ```ts ignore
 * export async function slow(this: ThreadPoolTaskContext, ms: number) { ... }
 * ```
 *
 * Arrow functions have no `this` of their own: use `function` declarations.
 *
 * @example Reading the worker index and the cancellation signal
 * ```ts
 * import { ThreadPool } from "@coro/coro/scheduler";
 * import assert from "node:assert/strict";
 *
 * const code = `export function whoAmI() {
 *   return { index: this.threadIndex, aborted: this.signal.aborted };
 * }`;
 * await using pool = new ThreadPool({ threadCount: 1 });
 * const mod = pool.bind<{ whoAmI(): { index: number; aborted: boolean } }>(
 *   `data:text/javascript,${encodeURIComponent(code)}`,
 * );
 * assert.deepEqual(await mod.whoAmI(), { index: 0, aborted: false });
 * ```
 */
export interface ThreadPoolTaskContext {
  /**
   * Aborts when the caller's `signal` aborts (the reason is structured-cloned
   * across, or an `AbortError` when it cannot be).
   */
  readonly signal: AbortSignal;
  /** The index of the worker running the call, 0 to `threadCount - 1`. */
  readonly threadIndex: number;
  /**
   * Lets other calls in this worker run, then resumes (libcoro's
   * `thread_pool::yield()`).
   */
  yield(): Promise<void>;
}

/**
 * The type of a function a pool can run: any exported function.
 *
 * @example
 * ```ts
 * import type { PoolFunctionType } from "@coro/coro/scheduler";
 * import assert from "node:assert/strict";
 *
 * const add: PoolFunctionType = (a: number, b: number) => a + b;
 * assert.equal(add(1, 2), 3);
 * ```
 */
// deno-lint-ignore no-explicit-any
export type PoolFunctionType = (...args: any[]) => unknown;

/**
 * A module's exported function, bound to a pool by
 * {@linkcode ThreadPool.prototype.bind}: calling it runs the function in a
 * worker with structured-cloned arguments and returns a promise of its
 * (awaited, structured-cloned) result.
 *
 * Calls go through the pool's FIFO queue and travel in batches. `sync` and
 * `task` calls are sent at once instead, to a worker of their own choosing,
 * with their result written where a blocked thread can read it (a
 * `MessagePort` read with `receiveMessageOnPort`, signalled through
 * `Atomics.notify`), so `syncWait` can wait for them.
 *
 * @typeParam F The type of the function in its module.
 *
 * @example The ways to call a pool function
 * ```ts
 * import { ThreadPool } from "@coro/coro/scheduler";
 * import { syncWait, whenAll } from "@coro/coro/combinators";
 * import assert from "node:assert/strict";
 *
 * const MATH = "data:text/javascript,export function add(a, b) { return a + b; }";
 * await using pool = new ThreadPool({ threadCount: 2 });
 * const { add } = pool.bind<{ add(a: number, b: number): number }>(MATH);
 * assert.equal(await add(1, 2), 3);
 * assert.equal(syncWait(add.sync(2, 3)), 5); // blocks this thread
 * const [a, b] = await whenAll(add.task(1, 1), add.task(2, 2));
 * assert.equal(a.returnValue() + b.returnValue(), 6);
 * const controller = new AbortController();
 * const cancelled = add.with({ signal: controller.signal })(1, 1);
 * controller.abort(new Error("not needed"));
 * await assert.rejects(cancelled, { message: "not needed" });
 * ```
 */
export interface PoolFunction<F extends PoolFunctionType> {
  /**
   * Runs the function in a worker and returns a promise of its result.
   *
   * @param args The function's arguments, structured-cloned to the worker.
   * @returns A promise of the function's awaited result. It rejects with the
   * function's error (see {@linkcode ThreadPool}), a `TypeError` if an
   * argument cannot be cloned or the module or export is missing,
   * {@linkcode WorkerCrashedError} if the worker died,
   * {@linkcode ShutdownError} after shutdown, or `signal.reason`.
   */
  (...args: Parameters<F>): Promise<Awaited<ReturnType<F>>>;
  /**
   * The same function with options for its calls (signal, transfer,
   * timeout), merged over the options it already had.
   *
   * @param options The call options.
   * @returns A pool function that uses them.
   * @throws {TypeError} If `options` is not an object.
   */
  with(options: ThreadPoolCallOptions): PoolFunction<F>;
  /**
   * Prepares a call for `syncWait`, which then blocks this thread (with
   * `Atomics.wait`) until a worker has the result, for at most the `timeout`
   * option. Nothing is sent until it is waited on or awaited; either way the
   * function runs once, so it may also be awaited, or given to `whenAll`
   * inside `syncWait`.
   *
   * @param args The function's arguments.
   * @returns The prepared call.
   */
  sync(...args: Parameters<F>): ThreadPoolSyncCall<Awaited<ReturnType<F>>>;
  /**
   * Makes a lazy {@linkcode Task} of a call, for the combinators and
   * schedulers: nothing is sent until the task starts (awaited, or started by
   * `whenAll`, `whenAny`, a `TaskGroup`, an `IoScheduler`). Cancelling the
   * task aborts the call's worker-side `this.signal`. Inside `syncWait` it
   * blocks like {@linkcode PoolFunction.sync}, so `syncWait(task)` and
   * `syncWait(whenAll(tasks))` work (`whenAll` then waits for them one by
   * one).
   *
   * @param args The function's arguments.
   * @returns The lazy task.
   */
  task(...args: Parameters<F>): Task<Awaited<ReturnType<F>>>;
  /**
   * Runs the function without waiting for it (fire and forget). The pool
   * still drains it at shutdown. A failure goes to
   * {@linkcode ThreadPoolOptions.onSpawnError}, or else surfaces as an
   * unhandled rejection.
   *
   * @param args The function's arguments.
   * @throws {ShutdownError} If the pool is shutting down.
   */
  spawn(...args: Parameters<F>): void;
}

/**
 * The exported functions of module `M`, each as a {@linkcode PoolFunction}.
 * Exports that are not functions are left out.
 *
 * @typeParam M The module's type, e.g. `typeof import("./math.ts")`.
 *
 * @example
 * ```ts
 * import type { BoundModule } from "@coro/coro/scheduler";
 * import assert from "node:assert/strict";
 *
 * type Math = { add(a: number, b: number): number; PI: number };
 * type Bound = BoundModule<Math>;
 * const keys: (keyof Bound)[] = ["add"]; // PI is not a function
 * assert.deepEqual(keys, ["add"]);
 * ```
 */
export type BoundModule<M> = {
  readonly [
    K in keyof M as K extends string ? M[K] extends PoolFunctionType ? K : never
      : never
  ]: M[K] extends PoolFunctionType ? PoolFunction<M[K]> : never;
};

/**
 * A pool call prepared by {@linkcode PoolFunction.sync} for `syncWait`. It is
 * also a `PromiseLike`; the function runs once however it is waited for.
 *
 * @typeParam T The call's result type.
 *
 * @example
 * ```ts
 * import { ThreadPool } from "@coro/coro/scheduler";
 * import { syncWait } from "@coro/coro/combinators";
 * import assert from "node:assert/strict";
 *
 * const MOD = "data:text/javascript,export const twice = (x) => x + x;";
 * await using pool = new ThreadPool({ threadCount: 1 });
 * const { twice } = pool.bind<{ twice(x: number): number }>(MOD);
 * assert.equal(syncWait(twice.sync(10)), 20);
 * ```
 */
export interface ThreadPoolSyncCall<T> extends PromiseLike<T> {
  /**
   * Sends the call and blocks this thread until the result is in.
   *
   * @internal
   */
  [SYNC_RESULT](): SyncResult<T>;
}

/**
 * The error a call rejects with when the worker running it stopped before
 * answering: an uncaught error or unhandled rejection in the worker,
 * `self.close()`, `process.exit()`, or the thread being killed (out of
 * memory). The pool replaces the worker; queued calls are not affected.
 *
 * @example
 * ```ts
 * import { WorkerCrashedError } from "@coro/coro/scheduler";
 * import assert from "node:assert/strict";
 *
 * const error = new WorkerCrashedError("Worker 0 stopped", {
 *   functionName: "add",
 *   threadIndex: 0,
 * });
 * assert.equal(error.name, "WorkerCrashedError");
 * assert.equal(error.functionName, "add");
 * ```
 */
export class WorkerCrashedError extends Error {
  /** The name of the function whose call was lost. */
  readonly functionName: string;
  /** The index of the worker that stopped. */
  readonly threadIndex: number;

  /**
   * Makes the error.
   *
   * @param message What stopped and which call was lost.
   * @param options The function's name, the worker's index, and the cause
   * (the worker's uncaught error, when there was one).
   */
  constructor(
    message: string,
    options: { functionName: string; threadIndex: number; cause?: unknown },
  ) {
    super(message, "cause" in options ? { cause: options.cause } : undefined);
    this.name = "WorkerCrashedError";
    this.functionName = options.functionName;
    this.threadIndex = options.threadIndex;
  }
}

/**
 * Marks a value to be sent across threads with `list` transferred (moved,
 * not copied). Return it from a pool function to transfer parts of its
 * result back to the caller; for arguments use the `transfer` call option.
 *
 * @typeParam T The value's type.
 * @param value The value to send.
 * @param list The ArrayBuffers (or other transferables) inside it to move.
 * @returns A marker the pool unwraps: the receiver gets `value`.
 *
 * @example Returning a buffer without copying it
 * ```ts
 * import { ThreadPool } from "@coro/coro/scheduler";
 * import assert from "node:assert/strict";
 *
 * const code = `
 *   import { transfer } from ${JSON.stringify(import.meta.resolve("@coro/coro/scheduler"))};
 *   export function bytes(n) {
 *     const data = new Uint8Array(n).fill(7);
 *     return transfer(data, [data.buffer]);
 *   }`;
 * await using pool = new ThreadPool({ threadCount: 1 });
 * const mod = pool.bind<{ bytes(n: number): Uint8Array }>(
 *   `data:text/javascript,${encodeURIComponent(code)}`,
 * );
 * assert.deepEqual(await mod.bytes(3), new Uint8Array([7, 7, 7]));
 * ```
 */
export function transfer<T>(value: T, list: readonly Transferable[]): T {
  return { [TRANSFER]: list, value } as Transferring as T;
}

interface Call {
  id: number;
  fnId: number;
  url: string;
  name: string;
  args: unknown[];
  transfer: readonly Transferable[] | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  thread: Thread | undefined;
  settled: boolean;
}

interface Thread {
  index: number;
  worker: Worker;
  calls: Map<number, Call>;
  dual: Map<number, DualCall>;
  // Calls whose callers still wait (the worker is ref'd while > 0).
  active: number;
  polling: boolean;
  stopped: boolean;
  known: boolean[];
  outbox: unknown[];
  outTransfer: Transferable[];
  state: Int32Array;
  syncPort: MessagePort;
  ready: boolean;
  exited: Promise<void>;
  error: unknown;
}

type Options = Readonly<ThreadPoolCallOptions>;

/**
 * A pool of worker threads, libcoro's `thread_pool`: it runs exported
 * functions of modules in Workers, many calls at once, fed from a FIFO queue.
 *
 * Closures cannot cross threads, so work is a module's exported function:
 * {@linkcode ThreadPool.prototype.bind} gives a typed proxy whose functions
 * run in a worker (`await math.add(1, 2)`). Arguments and results are
 * structured-cloned (`transfer` moves ArrayBuffers instead). Each worker runs
 * up to `maxTasksPerThread` calls at once; they interleave at their `await`s
 * like coroutines on one libcoro thread. Calls and results travel in batches
 * (one message per worker per turn of the event loop), so many small calls in
 * flight cost far less than a message each.
 *
 * Faults: a call that throws rejects with an error of the same class (for the
 * built-in classes and `DOMException`; otherwise an `Error` with the same
 * `name`), the same message and the worker-side stack, plus its `cause` and
 * cloneable own properties (e.g. `code`). A worker that dies is replaced;
 * each call it was running rejects with {@linkcode WorkerCrashedError}.
 *
 * A pool function receives a {@linkcode ThreadPoolTaskContext} as `this`:
 * `this.signal` aborts when the caller cancels (`with({ signal })`, or
 * `task.cancel()` on a {@linkcode PoolFunction.task}), and `this.yield()`
 * lets the worker's other calls run.
 *
 * `syncWait` works on pool work ({@linkcode PoolFunction.sync},
 * {@linkcode PoolFunction.task}): the calling thread blocks in
 * `Atomics.wait` (allowed on Deno's main thread) until the worker has the
 * result, which it hands over through shared memory and a `MessagePort` read
 * synchronously, never through the blocked thread's event loop. A call that
 * needs the blocked thread (it waits for a message from it, a lock it holds,
 * a promise it would settle) could never finish, so the wait is bounded by
 * `timeout` and then fails with a `TimeoutError` that says so. A worker that
 * dies meanwhile flags it in shared memory, and the wait fails at once with
 * {@linkcode WorkerCrashedError}.
 *
 * Workers are `node:worker_threads` Workers rather than web Workers: a web
 * Worker keeps the process alive for as long as it lives and cannot be
 * `unref`ed, and gives no event when it calls `self.close()`. The pool keeps
 * a worker referenced only while calls are in flight on it, so an idle or
 * shut-down pool never keeps the process alive; still, call
 * {@linkcode ThreadPool.prototype.shutdown} (or `await using`) to stop the
 * threads.
 *
 * Typical use, with the work in its own module:
 *
 * ```ts ignore
 * // math.ts
 * export function add(a: number, b: number): number { return a + b; }
 *
 * // main.ts
 * await using pool = new ThreadPool();
 * const math = pool.bind<typeof import("./math.ts")>(
 *   new URL("./math.ts", import.meta.url),
 * );
 * const sum: number = await math.add(1, 2); // typed by math.ts
 * ```
 *
 * @example Running a module's functions in workers
 * ```ts
 * import { ThreadPool } from "@coro/coro/scheduler";
 * import assert from "node:assert/strict";
 *
 * const MATH = "data:text/javascript,export function add(a, b) { return a + b; }";
 * await using pool = new ThreadPool({ threadCount: 2 });
 * const math = pool.bind<{ add(a: number, b: number): number }>(MATH);
 * assert.equal(await math.add(1, 2), 3);
 * const sums = await Promise.all([1, 2, 3].map((x) => math.add(x, x)));
 * assert.deepEqual(sums, [2, 4, 6]);
 * ```
 */
export class ThreadPool implements AsyncDisposable {
  #threads: (Thread | undefined)[];
  #queue = new Deque<Call>();
  #maxTasks: number;
  #syncTimeout: number;
  #onThreadStart: ((index: number) => void) | undefined;
  #onThreadStop: ((index: number) => void) | undefined;
  #onSpawnError: ((error: unknown) => void) | undefined;
  #functions = new Map<string, number>();
  #nextId = 0;
  #inFlight = 0;
  #owned = 0;
  #cursor = 0;
  #dualInFlight = 0;
  #flushScheduled = false;
  #closing = false;
  #stopped = false;
  #drained: (() => void) | undefined = undefined;
  #shutdown: Promise<void> | undefined = undefined;

  /**
   * Starts the pool's worker threads.
   *
   * @param options Thread count, start/stop hooks and limits.
   * @throws {RangeError} If `threadCount` or `maxTasksPerThread` is not a
   * positive integer, or `syncTimeout` is negative.
   * @throws {TypeError} If a hook is not a function.
   *
   * @example
   * ```ts
   * import { ThreadPool } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * const started: number[] = [];
   * const pool = new ThreadPool({
   *   threadCount: 2,
   *   onThreadStart: (index) => started.push(index),
   * });
   * assert.equal(pool.threadCount, 2);
   * await pool.shutdown();
   * assert.equal(pool.threadCount, 0);
   * ```
   */
  constructor(options: ThreadPoolOptions = {}) {
    const count = options.threadCount ?? navigator.hardwareConcurrency ?? 1;
    checkCount("threadCount", count, false);
    const maxTasks = options.maxTasksPerThread ?? 256;
    checkCount("maxTasksPerThread", maxTasks, true);
    const syncTimeout = options.syncTimeout ?? 30_000;
    if (typeof syncTimeout !== "number" || !(syncTimeout >= 0)) {
      throw new RangeError(
        `Cannot create thread pool: syncTimeout must be a non-negative number of milliseconds, got ${
          describe(syncTimeout)
        }`,
      );
    }
    for (const hook of ["onThreadStart", "onThreadStop", "onSpawnError"]) {
      const value = options[hook as keyof ThreadPoolOptions];
      if (value !== undefined && typeof value !== "function") {
        throw new TypeError(
          `Cannot create thread pool: ${hook} must be a function, got ${
            describe(value)
          }`,
        );
      }
    }
    this.#maxTasks = maxTasks;
    this.#syncTimeout = syncTimeout;
    this.#onThreadStart = options.onThreadStart;
    this.#onThreadStop = options.onThreadStop;
    this.#onSpawnError = options.onSpawnError;
    this.#threads = new Array(count);
    for (let i = 0; i < count; i++) this.#threads[i] = this.#startThread(i);
  }

  /**
   * How many worker threads are alive (started and not yet stopped). It is
   * `0` once {@linkcode ThreadPool.prototype.shutdown} has finished.
   *
   * @example
   * ```ts
   * import { ThreadPool } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * const pool = new ThreadPool({ threadCount: 3 });
   * assert.equal(pool.threadCount, 3);
   * await pool.shutdown();
   * assert.equal(pool.threadCount, 0);
   * ```
   */
  get threadCount(): number {
    let n = 0;
    for (const t of this.#threads) if (t !== undefined) n++;
    return n;
  }

  /**
   * How many calls are queued or running (`sync` and `task` calls too), plus
   * the tasks owned through {@linkcode ThreadPool.prototype.spawn} (libcoro's
   * `size()`). A call whose caller gave up (cancelled, or a timed-out
   * `syncWait`) no longer counts.
   *
   * @example
   * ```ts
   * import { ThreadPool } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * const MOD = "data:text/javascript,export function id(x) { return x; }";
   * await using pool = new ThreadPool({ threadCount: 1 });
   * const mod = pool.bind<{ id(x: number): number }>(MOD);
   * const pending = mod.id(1);
   * assert.equal(pool.size, 1);
   * await pending;
   * assert.equal(pool.size, 0);
   * ```
   */
  get size(): number {
    return this.#inFlight + this.#dualInFlight + this.#queue.length +
      this.#owned;
  }

  /**
   * Whether {@linkcode ThreadPool.prototype.shutdown} has been called: new
   * calls are refused with {@linkcode ShutdownError}.
   *
   * @example
   * ```ts
   * import { ThreadPool } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * const pool = new ThreadPool({ threadCount: 1 });
   * assert.equal(pool.isShutdown, false);
   * await pool.shutdown();
   * assert.equal(pool.isShutdown, true);
   * ```
   */
  get isShutdown(): boolean {
    return this.#closing;
  }

  /**
   * Binds a module's exported functions to the pool. The module is loaded in
   * each worker on its first call there; a missing module or export rejects
   * that call with a `TypeError` that says which.
   *
   * @typeParam M The module's type, e.g. `typeof import("./math.ts")`, which
   * types each function's arguments and (awaited) result.
   * @param module The module's URL: a `URL` or an absolute URL string (use
   * `new URL("./math.ts", import.meta.url)` or `import.meta.resolve(...)`).
   * @returns A proxy whose properties are the module's functions as
   * {@linkcode PoolFunction}s.
   * @throws {TypeError} If `module` is not a URL or an absolute URL string.
   *
   * @example Typed by the module
   * ```ts
   * import { ThreadPool } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * const TEXT = "data:text/javascript,export const upper = (s) => s.toUpperCase();";
   * await using pool = new ThreadPool({ threadCount: 1 });
   * const text = pool.bind<{ upper(s: string): string }>(TEXT);
   * assert.equal(await text.upper("coro"), "CORO");
   * ```
   */
  bind<M>(module: URL | string): BoundModule<M> {
    const url = toModuleUrl(module);
    const functions = new Map<string, PoolFunction<PoolFunctionType>>();
    return new Proxy({}, {
      get: (_target, key) => {
        if (typeof key !== "string" || key === "then") return undefined;
        let fn = functions.get(key);
        if (fn === undefined) {
          const fullName = `${url}#${key}`;
          let fnId = this.#functions.get(fullName);
          if (fnId === undefined) {
            fnId = this.#functions.size;
            this.#functions.set(fullName, fnId);
          }
          fn = this.#makeFunction(fnId, url, key, {});
          functions.set(key, fn);
        }
        return fn;
      },
    }) as BoundModule<M>;
  }

  /**
   * Starts a task that the pool then owns, libcoro's
   * `thread_pool::spawn(task)`: {@linkcode ThreadPool.prototype.shutdown}
   * waits for it, and {@linkcode ThreadPool.prototype.size} counts it. This
   * is what an `IoScheduler` with the `"threadPool"` execution strategy
   * calls.
   *
   * A task's body is a closure, and a closure cannot move to another thread:
   * the body starts on this thread, and the pool calls it makes (tasks from
   * {@linkcode PoolFunction.task}, or bound functions it awaits) run on the
   * workers.
   *
   * @typeParam T The task's value type.
   * @param task The task to start (if not started yet) and own.
   * @returns A promise that settles like the task. If
   * {@linkcode ThreadPoolOptions.onSpawnError} is set it also receives the
   * task's error, and the promise may be ignored.
   * @throws {TypeError} If `task` is not a `Task`.
   *
   * @example Owning a task made of pool calls
   * ```ts
   * import { ThreadPool } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * const MATH = "data:text/javascript,export function add(a, b) { return a + b; }";
   * const pool = new ThreadPool({ threadCount: 1 });
   * const math = pool.bind<{ add(a: number, b: number): number }>(MATH);
   * const result = pool.spawn(math.add.task(2, 3));
   * assert.ok(pool.size > 0); // the pool owns the task
   * await pool.shutdown(); // waits for the spawned task
   * assert.equal(pool.size, 0);
   * assert.equal(await result, 5);
   * ```
   */
  spawn<T>(task: Task<T>): Promise<T> {
    if (!(task instanceof Task)) {
      throw new TypeError(
        `Cannot spawn on the thread pool: expected a Task, got ${
          describe(task)
        }`,
      );
    }
    if (this.#closing) {
      return Promise.reject(
        new ShutdownError("Cannot spawn a task: the thread pool is shut down"),
      );
    }
    this.#owned++;
    // A new promise, so that a failure nobody handles still surfaces as an
    // unhandled rejection (unless onSpawnError takes it).
    const promise = task.start().finally(() => {
      this.#owned--;
      this.#checkDrained();
    });
    if (this.#onSpawnError !== undefined) promise.catch(this.#onSpawnError);
    return promise;
  }

  /**
   * Waits for every queued and running call (including spawned ones) to
   * finish, then stops the workers, calling `onThreadStop` for each. Calls
   * whose caller gave up (cancelled, or a timed-out `syncWait`) are not
   * waited for: stopping the worker ends them. New
   * calls are refused with {@linkcode ShutdownError} from the moment it is
   * called. Calling it again returns the same promise.
   *
   * @returns A promise that resolves when every worker has stopped.
   *
   * @example
   * ```ts
   * import { ThreadPool } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * const MOD = "data:text/javascript,export function id(x) { return x; }";
   * const pool = new ThreadPool({ threadCount: 1 });
   * const mod = pool.bind<{ id(x: number): number }>(MOD);
   * const pending = mod.id(5);
   * await pool.shutdown();
   * assert.equal(await pending, 5);
   * await assert.rejects(mod.id(6), { name: "ShutdownError" });
   * ```
   */
  shutdown(): Promise<void> {
    return this.#shutdown ??= this.#doShutdown();
  }

  /**
   * Same as {@linkcode ThreadPool.prototype.shutdown}, for `await using`.
   *
   * @returns A promise that resolves when every worker has stopped.
   *
   * @example
   * ```ts
   * import { ThreadPool } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * let stopped = 0;
   * {
   *   await using _pool = new ThreadPool({
   *     threadCount: 1,
   *     onThreadStop: () => stopped++,
   *   });
   * }
   * assert.ok(stopped <= 1);
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  async #doShutdown(): Promise<void> {
    this.#closing = true;
    if (this.size > 0) {
      await new Promise<void>((resolve) => this.#drained = resolve);
    }
    this.#stopped = true;
    const exits: Promise<void>[] = [];
    for (const t of this.#threads) {
      if (t === undefined) continue;
      exits.push(t.exited);
      t.worker.terminate();
    }
    await Promise.all(exits);
  }

  #startThread(index: number): Thread {
    const worker = new Worker(WORKER_MAIN);
    worker.unref();
    const state = new Int32Array(
      new SharedArrayBuffer(STATE_LENGTH * Int32Array.BYTES_PER_ELEMENT),
    );
    const channel = new MessageChannel();
    let onExit!: () => void;
    const thread: Thread = {
      index,
      worker,
      calls: new Map(),
      dual: new Map(),
      active: 0,
      polling: false,
      stopped: false,
      known: [],
      outbox: [],
      outTransfer: [],
      state,
      syncPort: channel.port1,
      ready: false,
      exited: new Promise((resolve) => onExit = resolve),
      error: undefined,
    };
    worker.on(
      "message",
      (message: unknown) => this.#onMessage(thread, message),
    );
    worker.on("error", (error: unknown) => thread.error = error);
    worker.on("exit", (code: number) => {
      this.#onExit(thread, code);
      onExit();
    });
    worker.postMessage(
      [OP_INIT, index, state.buffer, channel.port2],
      [channel.port2] as never,
    );
    return thread;
  }

  #onMessage(thread: Thread, message: unknown): void {
    if (message === READY) {
      thread.ready = true;
      this.#onThreadStart?.(thread.index);
      return;
    }
    const results = message as unknown[];
    const calls = thread.calls;
    for (let k = 0; k < results.length; k += 3) {
      const id = results[k] as number;
      const call = calls.get(id);
      if (call === undefined) continue;
      calls.delete(id);
      if (!this.#settle(call)) continue;
      const status = results[k + 1];
      const payload = results[k + 2];
      if (status === STATUS_OK) call.resolve(payload);
      else if (status === STATUS_ERROR) {
        call.reject(deserializeError(payload as SerializedError));
      } else call.reject(payload);
    }
    if (thread.active === 0) thread.worker.unref();
    this.#pump();
  }

  #onExit(thread: Thread, code: number): void {
    thread.stopped = true;
    this.#drainPort(thread);
    thread.syncPort.close();
    // A blocked syncWait may have replaced it already (see #syncThread).
    const current = this.#threads[thread.index] === thread;
    if (current) this.#threads[thread.index] = undefined;
    const cause = thread.error;
    const reason = cause instanceof Error
      ? `${cause.name}: ${cause.message}`
      : cause !== undefined
      ? String(cause)
      : `exit code ${code}`;
    for (const call of thread.calls.values()) {
      if (this.#settle(call)) call.reject(crashed(thread, call, reason, cause));
    }
    thread.calls.clear();
    // #settleDual deletes the call from the map, which iteration allows.
    for (const call of thread.dual.values()) {
      this.#settleDual(call, failed(crashed(thread, call, reason)));
    }
    if (thread.ready) this.#onThreadStop?.(thread.index);
    // A worker that crashed after starting is replaced at once; one that died
    // before it was ready is replaced when there is work for it, so a worker
    // that cannot start does not respawn in a loop.
    if (
      current && !this.#stopped && (thread.ready || this.#queue.length > 0)
    ) {
      this.#threads[thread.index] = this.#startThread(thread.index);
    }
    this.#pump();
  }

  #makeFunction(
    fnId: number,
    url: string,
    name: string,
    options: Options,
  ): PoolFunction<PoolFunctionType> {
    const fn = (...args: unknown[]): Promise<unknown> =>
      this.#call(fnId, url, name, args, options);
    fn.with = (more: ThreadPoolCallOptions) => {
      if (typeof more !== "object" || more === null) {
        throw new TypeError(
          `Cannot set call options for ${name}: options must be an object, got ${
            describe(more)
          }`,
        );
      }
      const { signal, transfer, timeout } = more;
      if (signal !== undefined && !(signal instanceof AbortSignal)) {
        throw new TypeError(
          `Cannot set call options for ${name}: signal must be an AbortSignal, got ${
            describe(signal)
          }`,
        );
      }
      if (transfer !== undefined && !Array.isArray(transfer)) {
        throw new TypeError(
          `Cannot set call options for ${name}: transfer must be an array, got ${
            describe(transfer)
          }`,
        );
      }
      if (
        timeout !== undefined &&
        (typeof timeout !== "number" || !(timeout >= 0))
      ) {
        throw new RangeError(
          `Cannot set call options for ${name}: timeout must be a non-negative number of milliseconds, got ${
            describe(timeout)
          }`,
        );
      }
      return this.#makeFunction(fnId, url, name, { ...options, ...more });
    };
    fn.sync = (...args: unknown[]): ThreadPoolSyncCall<unknown> => {
      let call: DualCall | undefined;
      const start = () =>
        call ??= this.#startDual(fnId, url, name, args, options);
      return {
        [SYNC_RESULT]: () => this.#waitDual(start()),
        then: (onfulfilled, onrejected) =>
          start().promise.then(onfulfilled, onrejected),
      };
    };
    fn.task = (...args: unknown[]): Task<unknown> =>
      new PoolTask(
        (signal) =>
          this.#startDual(fnId, url, name, args, withSignal(options, signal)),
        (call) => this.#waitDual(call),
      );
    fn.spawn = (...args: unknown[]): void => {
      if (this.#closing) {
        throw new ShutdownError(
          `Cannot spawn ${name}: the thread pool is shut down`,
        );
      }
      const onError = this.#onSpawnError;
      const promise = this.#call(fnId, url, name, args, options);
      if (onError !== undefined) promise.catch(onError);
    };
    return fn as PoolFunction<PoolFunctionType>;
  }

  #call(
    fnId: number,
    url: string,
    name: string,
    args: unknown[],
    options: Options,
  ): Promise<unknown> {
    if (this.#closing) {
      return Promise.reject(
        new ShutdownError(`Cannot run ${name}: the thread pool is shut down`),
      );
    }
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    let resolve!: (value: unknown) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const call: Call = {
      id: this.#newId(),
      fnId,
      url,
      name,
      args,
      transfer: options.transfer,
      signal,
      onAbort: undefined,
      resolve,
      reject,
      thread: undefined,
      settled: false,
    };
    if (signal !== undefined) {
      call.onAbort = () => this.#abort(call);
      signal.addEventListener("abort", call.onAbort, { once: true });
    }
    if (this.#queue.length === 0) {
      const thread = this.#pickThread();
      if (thread !== undefined) {
        this.#send(thread, call);
        return promise;
      }
    }
    this.#queue.push(call);
    return promise;
  }

  #newId(): number {
    const id = this.#nextId >= MAX_ID ? 1 : this.#nextId + 1;
    this.#nextId = id;
    return id;
  }

  #abort(call: Call): void {
    if (call.settled) return;
    call.settled = true;
    const reason = call.signal!.reason;
    const thread = call.thread;
    if (thread === undefined) {
      this.#queue.delete(call);
    } else {
      // The worker is told; its slot stays taken until it answers, but the
      // caller is done with it, so it no longer holds shutdown or the
      // process.
      this.#inFlight--;
      if (--thread.active === 0) thread.worker.unref();
      thread.outbox.push(OP_ABORT, call.id, reason);
      this.#scheduleFlush();
    }
    this.#checkDrained();
    call.reject(reason);
  }

  // Counts an answered call out and drops its abort listener; false if it
  // was settled already (cancelled, or failed to send).
  #settle(call: Call): boolean {
    if (call.settled) return false;
    call.settled = true;
    this.#inFlight--;
    call.thread!.active--;
    if (call.onAbort !== undefined) {
      call.signal!.removeEventListener("abort", call.onAbort);
    }
    return true;
  }

  // The least loaded worker with room, ties going round robin from the one
  // after the last pick (which also spreads one-at-a-time calls).
  #pickThread(): Thread | undefined {
    let best: Thread | undefined;
    let least = this.#maxTasks;
    const threads = this.#threads;
    const count = threads.length;
    let i = this.#cursor;
    for (let k = 0; k < count; k++, i++) {
      if (i === count) i = 0;
      let t = threads[i];
      if (t === undefined) {
        if (this.#stopped) continue;
        t = threads[i] = this.#startThread(i);
      }
      const n = t.calls.size;
      if (n < least) {
        least = n;
        best = t;
        if (n === 0) break;
      }
    }
    if (best !== undefined) {
      this.#cursor = best.index + 1 === count ? 0 : best.index + 1;
    }
    return best;
  }

  #send(thread: Thread, call: Call): void {
    const outbox = thread.outbox;
    const fnId = call.fnId;
    if (thread.known[fnId] !== true) {
      thread.known[fnId] = true;
      outbox.push(OP_FUNCTION, fnId, call.url, call.name);
    }
    const args = call.args;
    outbox.push(
      call.signal === undefined ? OP_CALL : OP_CALL_CANCELLABLE,
      call.id,
      fnId,
      args.length,
    );
    for (let i = 0; i < args.length; i++) outbox.push(args[i]);
    if (call.transfer !== undefined) thread.outTransfer.push(...call.transfer);
    call.thread = thread;
    if (thread.active++ === 0) thread.worker.ref();
    thread.calls.set(call.id, call);
    this.#inFlight++;
    this.#scheduleFlush();
  }

  #pump(): void {
    const queue = this.#queue;
    while (queue.length > 0) {
      const thread = this.#pickThread();
      if (thread === undefined) break;
      this.#send(thread, queue.shift()!);
    }
    this.#checkDrained();
  }

  #checkDrained(): void {
    if (this.#drained !== undefined && this.size === 0) {
      const drained = this.#drained;
      this.#drained = undefined;
      drained();
    }
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    this.#flushScheduled = false;
    for (const thread of this.#threads) {
      if (thread === undefined || thread.outbox.length === 0) continue;
      const batch = thread.outbox;
      const transfer = thread.outTransfer;
      thread.outbox = [];
      thread.outTransfer = [];
      try {
        thread.worker.postMessage(batch, transfer as never);
      } catch {
        this.#postOneByOne(thread, batch);
      }
    }
  }

  // Some call in the batch has an argument that cannot be cloned (or a bad
  // transfer list): send the operations one by one so only that call fails.
  #postOneByOne(thread: Thread, batch: unknown[]): void {
    let k = 0;
    while (k < batch.length) {
      const op = batch[k];
      if (op === OP_FUNCTION) {
        thread.worker.postMessage(batch.slice(k, k + 4));
        k += 4;
      } else if (op === OP_ABORT) {
        postAbort(thread.worker, batch[k + 1] as number, batch[k + 2]);
        k += 3;
      } else {
        const call = thread.calls.get(batch[k + 1] as number)!;
        const end = k + 4 + (batch[k + 3] as number);
        try {
          thread.worker.postMessage(
            batch.slice(k, end),
            (call.transfer ?? []) as never,
          );
        } catch (error) {
          thread.calls.delete(call.id);
          if (this.#settle(call)) call.reject(cloneError(call.name, error));
        }
        k = end;
      }
    }
    if (thread.active === 0) thread.worker.unref();
    this.#pump();
  }

  // A call that can be waited on both ways: blocked on with syncWait
  // (Atomics.wait) or awaited (Atomics.waitAsync), whichever comes first,
  // and run once. Its result goes to the worker's sync port, not through
  // this thread's event loop, so a blocked thread can still receive it.
  #startDual(
    fnId: number,
    url: string,
    name: string,
    args: unknown[],
    options: Options,
  ): DualCall {
    const signal = options.signal;
    const call = new DualCall(name, url, signal);
    const timeout = options.timeout ?? this.#syncTimeout;
    // An aborted signal's reason is never undefined.
    const refusal = this.#closing
      ? new ShutdownError(`Cannot run ${name}: the thread pool is shut down`)
      : signal?.aborted
      ? signal.reason
      : typeof timeout !== "number" || !(timeout >= 0)
      ? new RangeError(
        `Cannot run ${name}: timeout must be a non-negative number of milliseconds, got ${
          describe(timeout)
        }`,
      )
      : undefined;
    if (refusal !== undefined) {
      this.#settleDual(call, failed(refusal));
      return call;
    }
    call.timeout = timeout;
    const thread = this.#syncThread();
    // Sent now, ahead of the sync call, so that the worker has the function
    // and any call this one depends on even while this thread blocks.
    this.#flush();
    call.id = this.#newId();
    const message: unknown[] = thread.known[fnId] === true
      ? []
      : [OP_FUNCTION, fnId, url, name];
    message.push(OP_SYNC_CALL, call.id, fnId, args.length, ...args);
    try {
      thread.worker.postMessage(message, (options.transfer ?? []) as never);
    } catch (error) {
      this.#settleDual(call, failed(cloneError(name, error)));
      return call;
    }
    thread.known[fnId] = true;
    call.thread = thread;
    thread.dual.set(call.id, call);
    this.#dualInFlight++;
    if (thread.active++ === 0) thread.worker.ref();
    if (signal !== undefined) {
      call.onAbort = () => {
        if (call.outcome !== undefined) return;
        postAbort(thread.worker, call.id, signal.reason);
        this.#settleDual(call, failed(signal.reason));
      };
      signal.addEventListener("abort", call.onAbort, { once: true });
    }
    this.#pollDual(thread);
    return call;
  }

  #settleDual(
    call: DualCall,
    outcome: SyncResult<unknown> & { done: true },
  ): void {
    if (call.outcome !== undefined) return;
    call.outcome = outcome;
    if (call.onAbort !== undefined) {
      call.signal!.removeEventListener("abort", call.onAbort);
    }
    const thread = call.thread;
    if (thread !== undefined && thread.dual.delete(call.id)) {
      this.#dualInFlight--;
      if (--thread.active === 0 && !thread.stopped) thread.worker.unref();
      this.#checkDrained();
    }
    if (outcome.ok) call.resolve(outcome.value);
    else call.reject(outcome.error);
  }

  // Moves every answer waiting on a worker's sync port to its call.
  #drainPort(thread: Thread): void {
    for (;;) {
      const received = receiveMessageOnPort(thread.syncPort as never);
      if (received === undefined) return;
      const [id, status, payload] = received.message as [
        number,
        number,
        unknown,
      ];
      const call = thread.dual.get(id);
      if (call === undefined) continue; // abandoned: timed out or cancelled
      let outcome: SyncResult<unknown> & { done: true };
      if (status === STATUS_OK) {
        outcome = { done: true, ok: true, value: payload };
      } else if (status === STATUS_ERROR) {
        outcome = failed(deserializeError(payload as SerializedError));
      } else if (status === STATUS_CRASHED) {
        outcome = failed(crashed(thread, call, String(payload)));
      } else outcome = failed(payload);
      this.#settleDual(call, outcome);
    }
  }

  // The asynchronous side: one Atomics.waitAsync per worker with dual calls
  // in flight. (A pending waitAsync does not keep the process alive; the
  // worker is ref'd meanwhile.)
  #pollDual(thread: Thread): void {
    if (thread.polling) return;
    const state = thread.state;
    for (;;) {
      const seen = Atomics.load(state, STATE_DONE);
      this.#drainPort(thread);
      if (thread.dual.size === 0) return;
      const wait = Atomics.waitAsync(state, STATE_DONE, seen);
      if (!wait.async) continue;
      thread.polling = true;
      wait.value.then(() => {
        thread.polling = false;
        if (!thread.stopped) this.#pollDual(thread);
      });
      return;
    }
  }

  // Any live worker can take a dual call, busy or not: its calls interleave.
  // Prefer the least loaded one. A blocked thread cannot see a worker's exit
  // event, so a worker that flagged itself as dying in shared memory is
  // replaced here.
  #syncThread(): Thread {
    let thread: Thread | undefined;
    for (let i = 0; i < this.#threads.length; i++) {
      let t = this.#threads[i];
      if (t === undefined || Atomics.load(t.state, STATE_DEAD) !== 0) {
        t = this.#threads[i] = this.#startThread(i);
      }
      if (
        thread === undefined ||
        t.calls.size + t.dual.size < thread.calls.size + thread.dual.size
      ) thread = t;
    }
    return thread!;
  }

  // The blocking side, for syncWait.
  #waitDual(call: DualCall): SyncResult<unknown> {
    if (call.outcome !== undefined) return call.outcome;
    const thread = call.thread!;
    const state = thread.state;
    const deadline = performance.now() + call.timeout;
    let spins = 0;
    for (;;) {
      const seen = Atomics.load(state, STATE_DONE);
      if (seen === call.id || spins >= SPIN_COUNT) {
        this.#drainPort(thread);
        if (call.outcome !== undefined) return call.outcome;
      }
      if (spins < SPIN_COUNT) {
        spins++;
        continue;
      }
      if (Atomics.load(state, STATE_DEAD) !== 0) {
        this.#settleDual(call, failed(crashed(thread, call)));
        return call.outcome!;
      }
      const remaining = deadline - performance.now();
      if (remaining <= 0) {
        const started = Atomics.load(state, STATE_STARTED) >= call.id;
        const { name, url, timeout } = call;
        const error = new DOMException(
          started
            ? `Cannot wait for ${name} from ${url}: no result after ${timeout} ms. Worker ${thread.index} started the call but it did not finish; if it waits for something only the blocked thread can do (a message, a lock it holds, a promise it settles), it can never finish: await the call instead of using syncWait`
            : `Cannot wait for ${name} from ${url}: no result after ${timeout} ms. Worker ${thread.index} did not start the call; it is still starting up or busy running synchronous code`,
          "TimeoutError",
        );
        thread.worker.postMessage([OP_ABORT, call.id, error]);
        this.#settleDual(call, failed(error));
        return call.outcome!;
      }
      // In slices, to notice a worker that died before it took the call.
      Atomics.wait(state, STATE_DONE, seen, Math.min(remaining, 20));
    }
  }
}

// A call that syncWait can block on and await can wait for, run once.
class DualCall {
  id = 0;
  thread: Thread | undefined = undefined;
  timeout = 0;
  outcome: (SyncResult<unknown> & { done: true }) | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;
  promise: Promise<unknown>;

  constructor(
    readonly name: string,
    readonly url: string,
    readonly signal: AbortSignal | undefined,
  ) {
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // Waited on with syncWait only, nobody handles the promise.
    this.promise.catch(ignore);
  }
}

// The task PoolFunction.task() makes: a lazy Task whose body makes a dual
// call. Inside syncWait, asking it for its result blocks until the worker
// has it (starting it first if needed), which is what lets
// syncWait(poolTask) and syncWait(whenAll(poolTasks)) return without an
// event loop turn. Outside syncWait (combinators probe tasks this way) it
// only starts, as any task does: blocking there would serialise them.
class PoolTask<T> extends Task<T> {
  #start: (signal: AbortSignal) => DualCall;
  #wait: (call: DualCall) => SyncResult<unknown>;
  #call: DualCall | undefined = undefined;

  constructor(
    start: (signal: AbortSignal) => DualCall,
    wait: (call: DualCall) => SyncResult<unknown>,
  ) {
    super((self) => (self as PoolTask<T>).#body());
    this.#start = start;
    this.#wait = wait;
  }

  #body(): Promise<T> {
    this.#call = this.#start(this.signal);
    return this.#call.promise as Promise<T>;
  }

  override [SYNC_RESULT](): SyncResult<T> {
    if (!inSyncWait()) return super[SYNC_RESULT]();
    if (this.#call === undefined) this.start().catch(ignore);
    return this.#wait(this.#call!) as SyncResult<T>;
  }
}

function ignore(): void {}

function crashed(
  thread: Thread,
  call: { readonly name: string; readonly url: string },
  reason?: string,
  cause?: unknown,
): WorkerCrashedError {
  const { name, url } = call;
  const threadIndex = thread.index;
  return new WorkerCrashedError(
    `Worker ${threadIndex} stopped${
      reason === undefined ? "" : ` (${reason})`
    } while running ${name} from ${url}`,
    cause === undefined
      ? { functionName: name, threadIndex }
      : { functionName: name, threadIndex, cause },
  );
}

// The worker's `this.signal` aborts with the reason when it can be cloned,
// else with an AbortError.
function postAbort(worker: Worker, id: number, reason: unknown): void {
  try {
    worker.postMessage([OP_ABORT, id, reason]);
  } catch {
    worker.postMessage([
      OP_ABORT,
      id,
      new DOMException("The call was aborted", "AbortError"),
    ]);
  }
}

function withSignal(options: Options, signal: AbortSignal): Options {
  return {
    ...options,
    signal: options.signal === undefined
      ? signal
      : AbortSignal.any([options.signal, signal]),
  };
}

function failed(error: unknown): SyncResult<never> & { done: true } {
  return { done: true, ok: false, error };
}

function cloneError(name: string, error: unknown): TypeError {
  const message = error instanceof Error ? error.message : String(error);
  return new TypeError(
    `Cannot run ${name}: its arguments cannot be sent to a worker (they must be structured-cloneable): ${message}`,
    { cause: error },
  );
}

function checkCount(name: string, value: unknown, infinite: boolean): void {
  if (typeof value !== "number") {
    throw new TypeError(
      `Cannot create thread pool: ${name} must be a number, got ${
        describe(value)
      }`,
    );
  }
  if (
    !(Number.isInteger(value) && value > 0) && !(infinite && value === Infinity)
  ) {
    throw new RangeError(
      `Cannot create thread pool: ${name} must be a positive integer, got ${value}`,
    );
  }
}

function toModuleUrl(module: unknown): string {
  if (module instanceof URL) return module.href;
  if (typeof module === "string") {
    try {
      return new URL(module).href;
    } catch {
      // fall through to the error below
    }
  }
  throw new TypeError(
    `Cannot bind module: expected a URL or an absolute URL string (e.g. new URL("./math.ts", import.meta.url)), got ${
      describe(module)
    }`,
  );
}
