// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * An event-loop scheduler with timers: {@linkcode IoScheduler}, libcoro's
 * `io_scheduler` (called `scheduler` in current libcoro).
 *
 * @module
 */

import { setImmediate } from "node:timers";
import { describe } from "../combinators/_describe.ts";
import { Task, type TaskBody } from "../combinators/task.ts";
import { Deque } from "../sync/_deque.ts";
import { ShutdownError } from "./errors.ts";
import { TimerEntry, TimerQueue } from "./_timer_queue.ts";

/**
 * Where an {@linkcode IoScheduler} runs the tasks it owns (those given to
 * {@linkcode IoScheduler.prototype.spawn},
 * {@linkcode IoScheduler.prototype.spawnJoinable} and the task form of
 * {@linkcode IoScheduler.prototype.schedule}):
 *
 * - `"inline"`: on this thread, started from the scheduler's event loop turn.
 * - `"threadPool"`: handed to the `pool` option's `spawn` method.
 *
 * Continuations (`await scheduler.yield()` and the timers) always resume on
 * the thread that awaits them: a JavaScript continuation cannot move threads.
 */
export type ExecutionStrategy = "inline" | "threadPool";

/**
 * What drives an {@linkcode IoScheduler}:
 *
 * - `"spawn"`: Deno's own event loop, with a macrotask hop for ready work and
 *   one runtime timer for the earliest deadline; the clock is
 *   `performance.now()`.
 * - `"manual"`: nothing runs until
 *   {@linkcode IoScheduler.prototype.processEvents} is called, and the clock
 *   is virtual (it starts at 0 and moves only when `processEvents` advances
 *   it), so tests of ordering and timeouts are deterministic and take no real
 *   time.
 */
export type ThreadStrategy = "spawn" | "manual";

/**
 * The part of a thread pool that an {@linkcode IoScheduler} with the
 * `"threadPool"` execution strategy uses: tasks the scheduler owns are handed
 * to its `spawn` method instead of being started inline.
 *
 * @example A pool that runs tasks inline, counting them
 * ```ts
 * import { IoScheduler, type IoSchedulerPool } from "@coro/coro/scheduler";
 * import { type Task, task } from "@coro/coro/combinators";
 * import assert from "node:assert/strict";
 *
 * let handed = 0;
 * const pool: IoSchedulerPool = {
 *   spawn<T>(t: Task<T>): Promise<T> {
 *     handed++;
 *     return t.start();
 *   },
 * };
 * await using scheduler = new IoScheduler({ pool });
 * assert.equal(await scheduler.spawnJoinable(task(() => 5)), 5);
 * assert.equal(handed, 1);
 * ```
 */
export interface IoSchedulerPool {
  /**
   * Runs `task` and returns a promise that settles like it.
   *
   * @typeParam T The task's value type.
   * @param task The task to run.
   * @returns The task's result.
   */
  spawn<T>(task: Task<T>): PromiseLike<T>;
}

/** Options for {@linkcode IoScheduler}'s constructor. */
export interface IoSchedulerOptions {
  /**
   * Where owned tasks run: inline on this thread, or handed to `pool`.
   *
   * @default {"threadPool" when `pool` is given, otherwise "inline"}
   */
  executionStrategy?: ExecutionStrategy;
  /**
   * The pool that receives owned tasks under the `"threadPool"` execution
   * strategy, for example a `ThreadPool`. Required for that strategy and not
   * allowed with `"inline"`. A task's body is a closure and stays on this
   * thread; a task of a pool call (`pool.bind(url).fn.task(...)`) runs on a
   * worker.
   *
   * @default {undefined}
   *
   * @example Owned tasks on a ThreadPool
   * ```ts
   * import { IoScheduler, ThreadPool } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * const MATH = "data:text/javascript,export const add = (a, b) => a + b;";
   * await using pool = new ThreadPool({ threadCount: 1 });
   * await using scheduler = new IoScheduler({ pool });
   * const math = pool.bind<{ add(a: number, b: number): number }>(MATH);
   * assert.equal(await scheduler.spawnJoinable(math.add.task(2, 3)), 5);
   * ```
   */
  pool?: IoSchedulerPool;
  /**
   * What drives the scheduler: Deno's event loop (`"spawn"`) or explicit
   * {@linkcode IoScheduler.prototype.processEvents} calls on a virtual clock
   * (`"manual"`).
   *
   * @default {"spawn"}
   */
  threadStrategy?: ThreadStrategy;
  /**
   * libcoro's `on_io_thread_start_functor`. In `"spawn"` mode it is called
   * once, from the constructor, as the scheduler starts driving itself from
   * Deno's event loop (the counterpart of libcoro starting its event thread).
   * Not called in `"manual"` mode, as in libcoro.
   *
   * @default {undefined}
   */
  onIoThreadStart?: () => void;
  /**
   * libcoro's `on_io_thread_stop_functor`. In `"spawn"` mode it is called
   * once, when {@linkcode IoScheduler.prototype.shutdown} has finished (after
   * every owned task settled). Not called in `"manual"` mode. An error it
   * throws goes to `onError`.
   *
   * @default {undefined}
   */
  onIoThreadStop?: () => void;
  /**
   * Receives the errors nobody else can: a spawned task that rejects, a task
   * that fails after its `schedule(task, { timeout })` caller already got a
   * timeout, a hook that throws. A `ShutdownError` raised while the scheduler
   * shuts down is expected and not reported. The default writes the error with
   * `console.error`, so it is visible but never an unhandled rejection.
   *
   * @default {console.error}
   */
  onError?: (error: unknown) => void;
}

/** Options for a wait on an {@linkcode IoScheduler}. */
export interface ScheduleOptions {
  /**
   * Abandons the wait: the promise rejects with `signal.reason` (also when
   * the signal is already aborted) and the wait leaves the scheduler's queue
   * or its timers at once.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/** Options for {@linkcode IoScheduler.prototype.schedule}'s task form. */
export interface ScheduleTaskOptions extends ScheduleOptions {
  /**
   * Milliseconds, counted from the call on the scheduler's clock, after which
   * the call resolves to `{ status: "timeout" }` and the task's signal is
   * aborted with a `"TimeoutError"` `DOMException`. `Infinity` means no
   * timeout.
   *
   * @default {Infinity}
   */
  timeout?: number;
}

/**
 * The outcome of {@linkcode IoScheduler.prototype.schedule}'s task form,
 * libcoro's `expected<T, timeout_status>`: the task's value, or a timeout.
 *
 * @typeParam T The task's value type.
 */
export type ScheduleResult<T> =
  | { readonly status: "ok"; readonly value: T }
  | { readonly status: "timeout" };

/** Options for {@linkcode IoScheduler.prototype.shutdown}. */
export interface ShutdownOptions {
  /**
   * `"cancel"` rejects the waiters of pending timers with a
   * {@linkcode ShutdownError} at once and refuses new waits; `"drain"` lets
   * timers fire at their deadlines and keeps serving waits until every owned
   * task has settled (timers at `Infinity`, which never fire, are cancelled
   * either way).
   *
   * @default {"cancel"}
   */
  timers?: "cancel" | "drain";
}

/** A ready-queue entry returns this when it started a task (not a waiter). */
const STARTED = 1;
/** A ready-queue entry returns this when its waiter was already abandoned. */
const ABANDONED = false;
/**
 * An entry of the ready queue. One that returns `undefined` resumed a waiter:
 * that lets a waiter's bare `resolve` function be the entry, with no closure.
 */
type ReadyEntry = () => unknown;

/** setTimeout's largest delay; longer waits re-arm when it fires. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

function reportToConsole(error: unknown): void {
  // deno-lint-ignore no-console -- the documented default of `onError`: errors of fire-and-forget tasks must be visible somewhere
  console.error("Uncaught error in a task owned by an IoScheduler:", error);
}

function ignore(): void {}

/** One real macrotask hop: lets microtasks, I/O and timers run. */
function hop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * An event-loop scheduler with timers, libcoro's `io_scheduler`: tasks await
 * {@linkcode IoScheduler.prototype.schedule} or
 * {@linkcode IoScheduler.prototype.yield} to continue on it, sleep with
 * {@linkcode IoScheduler.prototype.yieldFor}, run with a timeout through
 * `schedule(task, { timeout })`, or are handed to it fire-and-forget with
 * {@linkcode IoScheduler.prototype.spawn}.
 *
 * Cost model: one macrotask hop (`setImmediate`, about a microsecond, never
 * `setTimeout(0)`) resumes every continuation that is ready, so N yields cost
 * one hop; all timers live in one structure (per-millisecond buckets ordered
 * by a small heap) behind a single runtime timer armed for the earliest
 * deadline, so a million sleeping tasks cost memory (about 230 bytes each on
 * top of the sleeping async function), not a million runtime timers. An idle
 * or shut-down scheduler holds no timer and does not keep the process alive.
 *
 * Time: {@linkcode IoScheduler.prototype.now} is `performance.now()` in
 * `"spawn"` mode and a virtual clock starting at 0 in `"manual"` mode. A
 * deadline at or before `now()` resumes on the next hop; a later one is
 * rounded up to a whole millisecond, and timers due in the same millisecond
 * fire first in, first out.
 *
 * Shut it down when done (`await using` does it): the test sanitizers see its
 * runtime timer otherwise.
 *
 * @example Yield, sleep and spawn
 * ```ts
 * import { IoScheduler } from "@coro/coro/scheduler";
 * import assert from "node:assert/strict";
 *
 * await using scheduler = new IoScheduler();
 * const log: string[] = [];
 * scheduler.spawn(async () => {
 *   await scheduler.yieldFor(5);
 *   log.push("slept");
 * });
 * await scheduler.yield();
 * log.push("yielded");
 * await scheduler.shutdown({ timers: "drain" });
 * assert.deepEqual(log, ["yielded", "slept"]);
 * ```
 *
 * @example Manual mode: virtual time, no real waiting
 * ```ts
 * import { IoScheduler } from "@coro/coro/scheduler";
 * import assert from "node:assert/strict";
 *
 * await using scheduler = new IoScheduler({ threadStrategy: "manual" });
 * const log: number[] = [];
 * scheduler.spawn(async () => {
 *   await scheduler.yieldFor(60_000);
 *   log.push(scheduler.now());
 * });
 * await scheduler.processEvents(60_000);
 * assert.deepEqual(log, [60_000]);
 * ```
 */
export class IoScheduler implements AsyncDisposable {
  #ready = new Deque<ReadyEntry>();
  #timers = new TimerQueue();
  #manual: boolean;
  #virtualNow = 0;
  #pool: IoSchedulerPool | undefined;
  #onError: (error: unknown) => void;
  #onStop: (() => void) | undefined;
  /** Owned tasks (spawned, joinable, scheduled) that have not settled. */
  #owned = 0;
  /** Continuations waiting in the ready queue. */
  #readyWaiters = 0;
  /** Timeout timers of `schedule(task, { timeout })` pending. */
  #timeouts = 0;
  #hopPending = false;
  #runtimeTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  #armedFor = Infinity;
  /** Shutdown began: no new owned tasks. */
  #closing = false;
  /** No new waits or timers either (at once, or after a drain finished). */
  #refusing = false;
  #shutdownPromise: Promise<void> | undefined = undefined;
  #activity: (() => void) | undefined = undefined;
  #processing = false;

  /**
   * Makes a scheduler. In `"spawn"` mode it calls `onIoThreadStart` before
   * returning.
   *
   * @param options How the scheduler is driven and where its tasks run.
   * @throws {TypeError} If an option has the wrong type or value, if
   * `executionStrategy` is `"threadPool"` without a `pool`, or if a `pool` is
   * given with `"inline"`.
   *
   * @example
   * ```ts
   * import { IoScheduler } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * const events: string[] = [];
   * const scheduler = new IoScheduler({
   *   onIoThreadStart: () => events.push("start"),
   *   onIoThreadStop: () => events.push("stop"),
   * });
   * await scheduler.shutdown();
   * assert.deepEqual(events, ["start", "stop"]);
   * ```
   */
  constructor(options: IoSchedulerOptions = {}) {
    const where = "Cannot create scheduler";
    if (options === null || typeof options !== "object") {
      throw new TypeError(
        `${where}: options must be an object, got ${describe(options)}`,
      );
    }
    const {
      executionStrategy,
      pool,
      threadStrategy = "spawn",
      onIoThreadStart,
      onIoThreadStop,
      onError = reportToConsole,
    } = options;
    if (threadStrategy !== "spawn" && threadStrategy !== "manual") {
      throw new TypeError(
        `${where}: threadStrategy must be "spawn" or "manual", got ${
          describe(threadStrategy)
        }`,
      );
    }
    if (
      executionStrategy !== undefined && executionStrategy !== "inline" &&
      executionStrategy !== "threadPool"
    ) {
      throw new TypeError(
        `${where}: executionStrategy must be "inline" or "threadPool", got ${
          describe(executionStrategy)
        }`,
      );
    }
    if (
      pool !== undefined &&
      (pool === null || typeof pool !== "object" ||
        typeof pool.spawn !== "function")
    ) {
      throw new TypeError(
        `${where}: pool must be an object with a spawn method, got ${
          describe(pool)
        }`,
      );
    }
    if (executionStrategy === "threadPool" && pool === undefined) {
      throw new TypeError(
        `${where}: executionStrategy "threadPool" needs a pool option`,
      );
    }
    if (executionStrategy === "inline" && pool !== undefined) {
      throw new TypeError(
        `${where}: a pool was given but executionStrategy is "inline"`,
      );
    }
    for (
      const [name, hook] of [
        ["onIoThreadStart", onIoThreadStart],
        ["onIoThreadStop", onIoThreadStop],
        ["onError", onError],
      ] as const
    ) {
      if (hook !== undefined && typeof hook !== "function") {
        throw new TypeError(
          `${where}: ${name} must be a function, got ${describe(hook)}`,
        );
      }
    }
    this.#manual = threadStrategy === "manual";
    this.#pool = pool;
    this.#onError = onError;
    this.#onStop = this.#manual ? undefined : onIoThreadStop;
    if (!this.#manual) onIoThreadStart?.();
  }

  /**
   * The scheduler's clock in milliseconds: `performance.now()` in `"spawn"`
   * mode, the virtual clock in `"manual"` mode (0 at construction, moved
   * only by {@linkcode IoScheduler.prototype.processEvents}). Deadlines given
   * to {@linkcode IoScheduler.prototype.scheduleAt} use this clock.
   *
   * @returns The current time on the scheduler's clock.
   *
   * @example
   * ```ts
   * import { IoScheduler } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * await using scheduler = new IoScheduler({ threadStrategy: "manual" });
   * assert.equal(scheduler.now(), 0);
   * await scheduler.processEvents(250);
   * assert.equal(scheduler.now(), 250);
   * ```
   */
  now(): number {
    return this.#manual ? this.#virtualNow : performance.now();
  }

  /**
   * The number of things the scheduler is tracking: owned tasks that have not
   * settled (from `spawn`, `spawnJoinable` and `schedule(task)`, including
   * those not started yet) plus continuations waiting on it (in `schedule`,
   * `yield`, or sleeping on a timer). libcoro's `size()`.
   *
   * @example
   * ```ts
   * import { IoScheduler } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * await using scheduler = new IoScheduler({ threadStrategy: "manual" });
   * scheduler.spawn(() => {});
   * assert.equal(scheduler.size, 1);
   * await scheduler.processEvents();
   * assert.equal(scheduler.size, 0);
   * ```
   */
  get size(): number {
    return this.#owned + this.#readyWaiters + this.#timers.size -
      this.#timeouts;
  }

  /**
   * Whether {@linkcode IoScheduler.prototype.size} is 0.
   *
   * @example
   * ```ts
   * import { IoScheduler } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * await using scheduler = new IoScheduler();
   * assert.equal(scheduler.isEmpty, true);
   * ```
   */
  get isEmpty(): boolean {
    return this.size === 0;
  }

  /**
   * Whether {@linkcode IoScheduler.prototype.shutdown} has been called: new
   * work is refused from then on.
   *
   * @example
   * ```ts
   * import { IoScheduler } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * const scheduler = new IoScheduler();
   * const done = scheduler.shutdown();
   * assert.equal(scheduler.isShutdown, true);
   * await done;
   * ```
   */
  get isShutdown(): boolean {
    return this.#closing;
  }

  /**
   * Continues on the scheduler: resolves on its next event-loop turn (a
   * macrotask hop that lets I/O and timers run), behind every continuation
   * already waiting. `await scheduler.schedule()` is libcoro's
   * `co_await scheduler->schedule()`.
   *
   * @param options `signal` to abandon the wait.
   * @returns A promise that resolves on the scheduler's next turn.
   * @throws {ShutdownError} (as a rejection) After shutdown began.
   * @throws {TypeError} (as a rejection) If `signal` is not an `AbortSignal`.
   *
   * @example
   * ```ts
   * import { IoScheduler } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * await using scheduler = new IoScheduler();
   * const log: string[] = [];
   * const moved = scheduler.schedule().then(() => log.push("on scheduler"));
   * log.push("caller");
   * await moved;
   * assert.deepEqual(log, ["caller", "on scheduler"]);
   * ```
   */
  schedule(options?: ScheduleOptions): Promise<void>;
  /**
   * Runs a task on the scheduler (started on its next turn, owned by it) and
   * resolves to `{ status: "ok", value }`, or to `{ status: "timeout" }` if
   * `timeout` milliseconds pass first: libcoro's
   * `schedule(stop_source, task, timeout)`. On timeout the task's signal is
   * aborted with a `"TimeoutError"` `DOMException`, so a task that watches it
   * can stop; the scheduler keeps owning the task until it settles (shutdown
   * waits for it) and reports an error it throws later, other than that
   * reason, to `onError`. An error the task throws in time rejects the call;
   * aborting `signal` rejects it with `signal.reason` and cancels the task
   * with the same reason.
   *
   * Telling the forms apart: a {@linkcode Task} or a function as the first
   * argument selects this form; a function is a task body, as in
   * {@linkcode task}. To get the bare value without the status wrapper, use
   * {@linkcode IoScheduler.prototype.spawnJoinable}.
   *
   * @typeParam T The task's value type.
   * @param task The task, or a task body.
   * @param options `timeout` in milliseconds and `signal`.
   * @returns The task's value or a timeout status.
   * @throws {ShutdownError} (as a rejection) After shutdown began, or when
   * shutdown cancels the pending timeout.
   * @throws {RangeError} (as a rejection) If `timeout` is negative or NaN.
   * @throws {TypeError} (as a rejection) If an argument has the wrong type.
   *
   * @example A timeout aborts the task's signal
   * ```ts
   * import { IoScheduler } from "@coro/coro/scheduler";
   * import { task } from "@coro/coro/combinators";
   * import assert from "node:assert/strict";
   *
   * await using scheduler = new IoScheduler({ threadStrategy: "manual" });
   * let reason: unknown;
   * const slow = task(async ({ signal }) => {
   *   try {
   *     await scheduler.yieldFor(1_000, { signal });
   *   } catch (error) {
   *     reason = error;
   *   }
   *   return "finished";
   * });
   * const result = scheduler.schedule(slow, { timeout: 100 });
   * await scheduler.processEvents(100);
   * assert.deepEqual(await result, { status: "timeout" });
   * assert.equal((reason as DOMException).name, "TimeoutError");
   * ```
   *
   * @example In time
   * ```ts
   * import { IoScheduler } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * await using scheduler = new IoScheduler();
   * const result = await scheduler.schedule(() => 42, { timeout: 1_000 });
   * assert.deepEqual(result, { status: "ok", value: 42 });
   * ```
   */
  schedule<T>(
    task: Task<T> | TaskBody<T>,
    options?: ScheduleTaskOptions,
  ): Promise<ScheduleResult<T>>;
  schedule<T>(
    first?: ScheduleOptions | Task<T> | TaskBody<T>,
    second?: ScheduleTaskOptions,
  ): Promise<void | ScheduleResult<T>> {
    if (first instanceof Task || typeof first === "function") {
      try {
        return this.#scheduleTask(toTask(first, "schedule a task"), second);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (first !== undefined && isThenable(first)) {
      return Promise.reject(
        new TypeError(
          `Cannot schedule: expected options, a Task or a task body, got ${
            describe(first)
          } (wrap a promise in task(() => promise))`,
        ),
      );
    }
    return this.#wait(first, "schedule");
  }

  /**
   * Lets every other ready continuation run, then continues: the caller goes
   * to the back of the ready queue and resumes on the scheduler's next turn.
   * Same as {@linkcode IoScheduler.prototype.schedule} without a task.
   *
   * @param options `signal` to abandon the wait.
   * @returns A promise that resolves on the scheduler's next turn.
   * @throws {ShutdownError} (as a rejection) After shutdown began.
   * @throws {TypeError} (as a rejection) If `signal` is not an `AbortSignal`.
   *
   * @example Two tasks interleave
   * ```ts
   * import { IoScheduler } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * await using scheduler = new IoScheduler();
   * const log: string[] = [];
   * const worker = async (name: string) => {
   *   for (let i = 0; i < 2; i++) {
   *     log.push(`${name}${i}`);
   *     await scheduler.yield();
   *   }
   * };
   * await Promise.all([worker("a"), worker("b")]);
   * assert.deepEqual(log, ["a0", "b0", "a1", "b1"]);
   * ```
   */
  yield(options?: ScheduleOptions): Promise<void> {
    return this.#wait(options, "yield");
  }

  /**
   * Continues on the scheduler after `ms` milliseconds (at least: the
   * deadline is rounded up to a whole millisecond, and the runtime timer may
   * fire about a millisecond late). A delay of 0 resumes
   * on the next turn, like {@linkcode IoScheduler.prototype.schedule}.
   * `Infinity` waits until `signal` aborts or the scheduler shuts down.
   *
   * @param ms The delay in milliseconds, a non-negative number.
   * @param options `signal` to abandon the wait.
   * @returns A promise that resolves when the delay has passed.
   * @throws {RangeError} (as a rejection) If `ms` is negative or NaN.
   * @throws {TypeError} (as a rejection) If `ms` is not a number.
   * @throws {ShutdownError} (as a rejection) After shutdown began, or when
   * shutdown cancels the timer.
   *
   * @example
   * ```ts
   * import { IoScheduler } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * await using scheduler = new IoScheduler();
   * const start = scheduler.now();
   * await scheduler.scheduleAfter(10);
   * assert.ok(scheduler.now() - start >= 10);
   * ```
   */
  scheduleAfter(ms: number, options?: ScheduleOptions): Promise<void> {
    return this.#after(ms, options, "schedule after a delay");
  }

  /**
   * Continues on the scheduler at `time` on its clock
   * ({@linkcode IoScheduler.prototype.now}: `performance.now()` in `"spawn"`
   * mode, virtual in `"manual"` mode), rounded up to a whole millisecond. A
   * time at or before `now()` (in the past) resumes on the next turn, like
   * {@linkcode IoScheduler.prototype.schedule}.
   *
   * @param time The deadline on the scheduler's clock.
   * @param options `signal` to abandon the wait.
   * @returns A promise that resolves at `time`.
   * @throws {RangeError} (as a rejection) If `time` is NaN.
   * @throws {TypeError} (as a rejection) If `time` is not a number.
   * @throws {ShutdownError} (as a rejection) After shutdown began, or when
   * shutdown cancels the timer.
   *
   * @example
   * ```ts
   * import { IoScheduler } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * await using scheduler = new IoScheduler({ threadStrategy: "manual" });
   * let woke = -1;
   * scheduler.scheduleAt(40).then(() => woke = scheduler.now());
   * await scheduler.processEvents(100);
   * assert.equal(woke, 40);
   * ```
   */
  scheduleAt(time: number, options?: ScheduleOptions): Promise<void> {
    return this.#at(time, options, "schedule at a time");
  }

  /**
   * Yields for `ms` milliseconds: the caller sleeps on the scheduler's
   * timers, then resumes on the scheduler. Same as
   * {@linkcode IoScheduler.prototype.scheduleAfter}.
   *
   * @param ms The delay in milliseconds, a non-negative number.
   * @param options `signal` to abandon the wait.
   * @returns A promise that resolves when the delay has passed.
   * @throws {RangeError} (as a rejection) If `ms` is negative or NaN.
   * @throws {TypeError} (as a rejection) If `ms` is not a number.
   * @throws {ShutdownError} (as a rejection) After shutdown began, or when
   * shutdown cancels the timer.
   *
   * @example Abandoning a sleep
   * ```ts
   * import { IoScheduler } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * await using scheduler = new IoScheduler();
   * const controller = new AbortController();
   * const sleeping = scheduler.yieldFor(60_000, { signal: controller.signal });
   * controller.abort(new Error("woken"));
   * await assert.rejects(sleeping, { message: "woken" });
   * assert.equal(scheduler.size, 0);
   * ```
   */
  yieldFor(ms: number, options?: ScheduleOptions): Promise<void> {
    return this.#after(ms, options, "yield for a delay");
  }

  /**
   * Yields until `time` on the scheduler's clock. Same as
   * {@linkcode IoScheduler.prototype.scheduleAt}.
   *
   * @param time The deadline on the scheduler's clock.
   * @param options `signal` to abandon the wait.
   * @returns A promise that resolves at `time`.
   * @throws {RangeError} (as a rejection) If `time` is NaN.
   * @throws {TypeError} (as a rejection) If `time` is not a number.
   * @throws {ShutdownError} (as a rejection) After shutdown began, or when
   * shutdown cancels the timer.
   *
   * @example
   * ```ts
   * import { IoScheduler } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * await using scheduler = new IoScheduler();
   * const deadline = scheduler.now() + 5;
   * await scheduler.yieldUntil(deadline);
   * assert.ok(scheduler.now() >= deadline);
   * ```
   */
  yieldUntil(time: number, options?: ScheduleOptions): Promise<void> {
    return this.#at(time, options, "yield until a time");
  }

  /**
   * Hands a task to the scheduler, fire-and-forget: it starts on the
   * scheduler's next turn and the scheduler owns it until it settles
   * ({@linkcode IoScheduler.prototype.shutdown} waits for it). Its error goes
   * to the `onError` option. libcoro's `spawn`.
   *
   * @param task The task, or a task body.
   * @throws {TypeError} If `task` is neither a {@linkcode Task} nor a
   * function.
   * @throws {ShutdownError} After shutdown began.
   *
   * @example
   * ```ts
   * import { IoScheduler } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * const errors: unknown[] = [];
   * const scheduler = new IoScheduler({ onError: (e) => errors.push(e) });
   * scheduler.spawn(() => {
   *   throw new Error("boom");
   * });
   * await scheduler.shutdown();
   * assert.equal((errors[0] as Error).message, "boom");
   * ```
   */
  spawn(task: Task<unknown> | TaskBody<unknown>): void {
    const work = toTask(task, "spawn a task");
    if (this.#closing) throw refused("spawn a task");
    this.#own(() => {
      this.#start(work).then(this.#ownedDone, (error) => {
        this.#ownedDone();
        this.#report(error);
      });
      return STARTED;
    });
  }

  /**
   * Hands a task to the scheduler and returns a {@linkcode Task} to await its
   * result later. The task starts on the scheduler's next turn whether or
   * not the handle is awaited, and the scheduler owns it until it settles.
   * Its error is kept for whoever awaits the handle (it is not sent to
   * `onError`, and never becomes an unhandled rejection). Cancelling the
   * handle cancels the task.
   *
   * @typeParam T The task's value type.
   * @param task The task, or a task body.
   * @returns A handle that settles like the task.
   * @throws {TypeError} If `task` is neither a {@linkcode Task} nor a
   * function.
   * @throws {ShutdownError} After shutdown began.
   *
   * @example
   * ```ts
   * import { IoScheduler } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * await using scheduler = new IoScheduler();
   * const handle = scheduler.spawnJoinable(async () => {
   *   await scheduler.yieldFor(1);
   *   return "done";
   * });
   * assert.equal(await handle, "done");
   * ```
   */
  spawnJoinable<T>(task: Task<T> | TaskBody<T>): Task<T> {
    const work = toTask(task, "spawn a joinable task");
    if (this.#closing) throw refused("spawn a joinable task");
    const result = Promise.withResolvers<T>();
    this.#own(() => {
      this.#start(work).then((value) => {
        this.#ownedDone();
        result.resolve(value);
      }, (error) => {
        this.#ownedDone();
        result.reject(error);
      });
      return STARTED;
    });
    const handle = new Task<T>(({ signal }) => {
      if (signal.aborted) {
        work.cancel(signal.reason);
        return result.promise;
      }
      const forward = () => work.cancel(signal.reason);
      signal.addEventListener("abort", forward, { once: true });
      const detach = () => signal.removeEventListener("abort", forward);
      result.promise.then(detach, detach);
      return result.promise;
    });
    handle.start().catch(ignore);
    return handle;
  }

  /**
   * Runs one round of events in `"manual"` mode, or several when
   * `advanceMs` moves the virtual clock, and resolves to the number of
   * events processed (continuations resumed and tasks started).
   *
   * A round fires the timers due at the current virtual time (deadline order,
   * first in first out on ties), then resumes every continuation that was
   * ready when the round began, then lets them run until they wait again (one
   * real macrotask hop, so microtasks settle). A continuation that yields
   * during a round is resumed by the next round. With `advanceMs`, after the
   * first round the clock steps to each timer deadline up to
   * `now() + advanceMs` in turn, running a round at each, and finally rests at
   * `now() + advanceMs`. Resolves to 0 once shutdown began (shutdown then
   * drives the scheduler itself).
   *
   * @param advanceMs How far to move the virtual clock, a finite non-negative
   * number.
   * @returns The number of events processed.
   * @throws {TypeError} (as a rejection) If the scheduler is in `"spawn"`
   * mode, if `advanceMs` is not a number, or if another `processEvents` call
   * has not finished.
   * @throws {RangeError} (as a rejection) If `advanceMs` is negative, NaN or
   * infinite.
   *
   * @example Exact ordering of yields and timers
   * ```ts
   * import { IoScheduler } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * await using scheduler = new IoScheduler({ threadStrategy: "manual" });
   * const log: string[] = [];
   * scheduler.spawn(async () => {
   *   log.push("a1");
   *   await scheduler.yield();
   *   log.push("a2");
   * });
   * scheduler.spawn(async () => {
   *   log.push("b1");
   *   await scheduler.yieldFor(10);
   *   log.push(`b2 at ${scheduler.now()}`);
   * });
   * assert.equal(await scheduler.processEvents(), 2);
   * assert.deepEqual(log, ["a1", "b1"]);
   * assert.equal(await scheduler.processEvents(), 1);
   * assert.deepEqual(log, ["a1", "b1", "a2"]);
   * assert.equal(await scheduler.processEvents(10), 1);
   * assert.deepEqual(log, ["a1", "b1", "a2", "b2 at 10"]);
   * ```
   */
  async processEvents(advanceMs = 0): Promise<number> {
    if (!this.#manual) {
      throw new TypeError(
        'Cannot process events: the scheduler drives itself in "spawn" mode; create it with threadStrategy "manual"',
      );
    }
    if (typeof advanceMs !== "number") {
      throw new TypeError(
        `Cannot process events: advanceMs must be a number, got ${
          describe(advanceMs)
        }`,
      );
    }
    if (!(advanceMs >= 0) || advanceMs === Infinity) {
      throw new RangeError(
        `Cannot process events: advanceMs must be a finite non-negative number, got ${advanceMs}`,
      );
    }
    if (this.#processing) {
      throw new TypeError(
        "Cannot process events: a previous processEvents() call has not finished",
      );
    }
    if (this.#closing) return 0;
    this.#processing = true;
    try {
      const target = this.#virtualNow + advanceMs;
      let count = await this.#round();
      let next: number | undefined;
      while (
        !this.#closing && (next = this.#timers.peekTime()) !== undefined &&
        next <= target
      ) {
        if (next > this.#virtualNow) this.#virtualNow = next;
        count += await this.#round();
      }
      if (!this.#closing && target > this.#virtualNow) {
        this.#virtualNow = target;
      }
      return count;
    } finally {
      this.#processing = false;
    }
  }

  /**
   * Shuts the scheduler down, libcoro's `shutdown()`. New owned tasks
   * (`spawn`, `spawnJoinable`, `schedule(task)`) are refused with a
   * {@linkcode ShutdownError} from now on; what happens to waits depends on
   * `options.timers`:
   *
   * - `"cancel"` (default): pending timers are cancelled (their waiters
   *   reject with a `ShutdownError`, so nothing sleeping in
   *   {@linkcode IoScheduler.prototype.yieldFor} can hang shutdown) and every
   *   new wait or timer is refused, so spawned tasks end at their next wait.
   * - `"drain"`: the scheduler keeps serving waits and timers, each firing at
   *   its deadline, until every owned task has settled; then it refuses
   *   everything. Timers at `Infinity` are cancelled, since they never fire.
   *
   * Continuations already in the ready queue still resume. Resolves once
   * every owned task has settled and nothing is pending; then, in `"spawn"`
   * mode, calls `onIoThreadStop`. In `"manual"` mode shutdown drives the
   * remaining events itself, moving the virtual clock to pending deadlines
   * when draining. Calling it again returns the same promise; a later call
   * with `{ timers: "cancel" }` cuts a drain in progress short.
   *
   * @param options What happens to pending timers.
   * @returns A promise that resolves when the scheduler is fully stopped.
   * @throws {TypeError} If `options.timers` is not `"cancel"` or `"drain"`.
   *
   * @example Shutdown wakes sleepers with a ShutdownError
   * ```ts
   * import { IoScheduler, ShutdownError } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * const scheduler = new IoScheduler();
   * const sleeping = scheduler.yieldFor(60_000);
   * await scheduler.shutdown();
   * await assert.rejects(sleeping, ShutdownError);
   * await assert.rejects(scheduler.yield(), ShutdownError);
   * ```
   */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    if (options === null || typeof options !== "object") {
      throw new TypeError(
        `Cannot shut down: options must be an object, got ${describe(options)}`,
      );
    }
    const { timers = "cancel" } = options;
    if (timers !== "cancel" && timers !== "drain") {
      throw new TypeError(
        `Cannot shut down: timers must be "cancel" or "drain", got ${
          describe(timers)
        }`,
      );
    }
    if (this.#shutdownPromise !== undefined) {
      // Only an explicit "cancel", not the default, cuts a drain short.
      if (options.timers === "cancel" && !this.#refusing) this.#refuse();
      return this.#shutdownPromise;
    }
    this.#closing = true;
    if (timers === "cancel") this.#refuse();
    return this.#shutdownPromise = this.#finish();
  }

  /**
   * Shuts down with the default options, so `await using scheduler = new
   * IoScheduler()` stops it at the end of the scope.
   *
   * @returns A promise that resolves when the scheduler is fully stopped.
   *
   * @example
   * ```ts
   * import { IoScheduler } from "@coro/coro/scheduler";
   * import assert from "node:assert/strict";
   *
   * let outer: IoScheduler;
   * {
   *   await using scheduler = new IoScheduler();
   *   outer = scheduler;
   * }
   * assert.equal(outer.isShutdown, true);
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  // ---- internals ----

  #ownedDone = (): void => {
    this.#owned--;
    this.#notify();
  };

  #enqueue = (resolve: () => void): void => {
    this.#readyWaiters++;
    this.#ready.push(resolve);
    this.#requestHop();
  };

  #onHop = (): void => {
    this.#hopPending = false;
    this.#drain();
    this.#notify();
  };

  #onTimer = (): void => {
    this.#runtimeTimer = undefined;
    this.#armedFor = Infinity;
    this.#fireDue(performance.now());
    this.#arm();
    this.#notify();
  };

  #notify(): void {
    const activity = this.#activity;
    if (activity !== undefined) {
      this.#activity = undefined;
      activity();
    }
  }

  #requestHop(): void {
    if (this.#manual) {
      this.#notify();
    } else if (!this.#hopPending) {
      this.#hopPending = true;
      setImmediate(this.#onHop);
    }
  }

  /**
   * Owns a task until it settles: `start` runs on the next turn and either
   * starts it (its settling calls `#ownedDone`) or calls `#ownedDone` itself.
   */
  #own(start: ReadyEntry): void {
    this.#owned++;
    this.#ready.push(start);
    this.#requestHop();
  }

  #report(error: unknown): void {
    if (this.#closing && error instanceof ShutdownError) return;
    try {
      this.#onError(error);
    } catch (secondary) {
      reportToConsole(secondary);
    }
  }

  #start<T>(work: Task<T>): Promise<T> {
    if (this.#pool === undefined) return work.start();
    try {
      return Promise.resolve(this.#pool.spawn(work));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Runs the ready entries present now (entries they add wait for the next
   * turn); returns how many resumed a waiter or started a task.
   */
  #drain(): number {
    const ready = this.#ready;
    let n = ready.length;
    let count = 0;
    while (n-- > 0) {
      const entry = ready.shift()!;
      let outcome: unknown;
      try {
        outcome = entry();
      } catch (error) {
        this.#report(error);
        continue;
      }
      if (outcome === undefined) {
        this.#readyWaiters--;
        count++;
      } else if (outcome !== ABANDONED) {
        count++;
      }
    }
    return count;
  }

  /**
   * Fires every timer due at `now`, in deadline order, or fails them with
   * `reason` when one is given; returns how many.
   */
  #fireDue(now: number, reason?: ShutdownError): number {
    let count = 0;
    let due: readonly (TimerEntry | undefined)[] | undefined;
    while ((due = this.#timers.takeDue(now)) !== undefined) {
      for (const entry of due) {
        if (entry === undefined) continue;
        count++;
        try {
          if (reason === undefined) entry.resume();
          else if (entry.fail !== undefined) entry.fail(reason);
          else entry.resume(Promise.reject(reason));
        } catch (error) {
          this.#report(error);
        }
      }
    }
    return count;
  }

  /** One manual-mode round: due timers, the ready snapshot, then a hop. */
  async #round(): Promise<number> {
    const count = this.#fireDue(this.#virtualNow) + this.#drain();
    if (count > 0) await hop();
    return count;
  }

  #arm(): void {
    if (this.#manual) return;
    const next = this.#timers.peekTime();
    if (next === undefined || next === Infinity) {
      this.#disarm();
      return;
    }
    if (this.#runtimeTimer !== undefined && this.#armedFor <= next) return;
    this.#disarm();
    const now = performance.now();
    const delay = Math.min(
      MAX_TIMER_DELAY,
      Math.max(0, Math.ceil(next - now)),
    );
    this.#armedFor = Math.min(next, now + delay);
    this.#runtimeTimer = setTimeout(this.#onTimer, delay);
  }

  #disarm(): void {
    if (this.#runtimeTimer !== undefined) {
      clearTimeout(this.#runtimeTimer);
      this.#runtimeTimer = undefined;
    }
    this.#armedFor = Infinity;
  }

  #addTimer(time: number, entry: TimerEntry): void {
    this.#timers.push(time, entry);
    this.#arm();
  }

  #removeTimer(entry: TimerEntry): boolean {
    if (!this.#timers.delete(entry)) return false;
    if (this.#timers.size === 0) this.#disarm();
    return true;
  }

  #refuse(): void {
    this.#refusing = true;
    this.#cancelTimers();
  }

  #cancelTimers(): void {
    this.#disarm();
    // One error for all: a million sleepers would otherwise pay for a
    // million stack traces.
    this.#fireDue(
      Infinity,
      new ShutdownError(
        "Timer cancelled: the scheduler was shut down before it fired",
      ),
    );
  }

  #wait(options: ScheduleOptions | undefined, op: string): Promise<void> {
    if (options === undefined && !this.#refusing) {
      // The hot path of yield() and schedule(): no options to check.
      return new Promise<void>(this.#enqueue);
    }
    return this.#sleep(-Infinity, options, op);
  }

  #after(
    ms: number,
    options: ScheduleOptions | undefined,
    op: string,
  ): Promise<void> {
    if (typeof ms !== "number") {
      return Promise.reject(
        new TypeError(`Cannot ${op}: ms must be a number, got ${describe(ms)}`),
      );
    }
    if (!(ms >= 0)) {
      return Promise.reject(
        new RangeError(
          `Cannot ${op}: ms must be a non-negative number, got ${ms}`,
        ),
      );
    }
    return this.#sleep(this.now() + ms, options, op);
  }

  #at(
    time: number,
    options: ScheduleOptions | undefined,
    op: string,
  ): Promise<void> {
    if (typeof time !== "number") {
      return Promise.reject(
        new TypeError(
          `Cannot ${op}: time must be a number, got ${describe(time)}`,
        ),
      );
    }
    if (Number.isNaN(time)) {
      return Promise.reject(
        new RangeError(`Cannot ${op}: time must be a number, got NaN`),
      );
    }
    return this.#sleep(time, options, op);
  }

  /**
   * Waits until `time`; a time at or before `now()` waits for the next turn
   * in the ready queue instead.
   */
  #sleep(
    time: number,
    options: ScheduleOptions | undefined,
    op: string,
  ): Promise<void> {
    let signal: AbortSignal | undefined;
    try {
      signal = signalOf(options, op);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#refusing) return Promise.reject(refused(op));
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (time <= this.now()) {
      return signal === undefined
        ? new Promise<void>(this.#enqueue)
        : this.#readyWait(signal);
    }
    if (signal === undefined) {
      return new Promise<void>((resolve) => {
        this.#addTimer(
          time,
          new TimerEntry(resolve as (value?: unknown) => void),
        );
      });
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        if (this.#removeTimer(entry)) {
          reject(signal.reason);
          this.#notify();
        }
      };
      const entry = new TimerEntry(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, (reason) => {
        signal.removeEventListener("abort", onAbort);
        reject(reason);
      });
      signal.addEventListener("abort", onAbort, { once: true });
      this.#addTimer(time, entry);
    });
  }

  /** A wait in the ready queue that `signal` can abandon. */
  #readyWait(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let live = true;
      const onAbort = () => {
        if (!live) return;
        live = false;
        this.#readyWaiters--;
        reject(signal.reason);
        this.#notify();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#readyWaiters++;
      this.#ready.push(() => {
        if (!live) return ABANDONED;
        live = false;
        signal.removeEventListener("abort", onAbort);
        resolve();
        return undefined;
      });
      this.#requestHop();
    });
  }

  #scheduleTask<T>(
    work: Task<T>,
    options: ScheduleTaskOptions | undefined,
  ): Promise<ScheduleResult<T>> {
    const op = "schedule a task";
    const signal = signalOf(options, op);
    const timeout = options?.timeout ?? Infinity;
    if (typeof timeout !== "number") {
      throw new TypeError(
        `Cannot ${op}: timeout must be a number, got ${describe(timeout)}`,
      );
    }
    if (!(timeout >= 0)) {
      throw new RangeError(
        `Cannot ${op}: timeout must be a non-negative number, got ${timeout}`,
      );
    }
    if (this.#closing) throw refused(op);
    if (signal?.aborted) throw signal.reason;
    return new Promise<ScheduleResult<T>>((resolve, reject) => {
      // `settled`: the caller has its answer; later outcomes of the task
      // only matter for onError.
      let settled = false;
      let cancelReason: unknown = undefined;
      let timer: TimerEntry | undefined;
      const settle = () => {
        settled = true;
        if (timer !== undefined) {
          if (this.#removeTimer(timer)) this.#timeouts--;
          timer = undefined;
        }
        signal?.removeEventListener("abort", onAbort);
      };
      const giveUp = (reason: unknown) => {
        settle();
        cancelReason = reason;
        work.cancel(reason);
        reject(reason);
      };
      const onAbort = () => {
        if (settled) return;
        giveUp(signal!.reason);
        this.#notify();
      };
      this.#own(() => {
        if (settled) {
          // The caller gave up before the task started: never start it.
          this.#ownedDone();
          return ABANDONED;
        }
        this.#start(work).then((value) => {
          this.#ownedDone();
          if (settled) return;
          settle();
          resolve({ status: "ok", value });
        }, (error) => {
          this.#ownedDone();
          if (!settled) {
            settle();
            reject(error);
          } else if (error !== cancelReason) {
            this.#report(error);
          }
        });
        return STARTED;
      });
      if (timeout !== Infinity) {
        timer = new TimerEntry(() => {
          this.#timeouts--;
          timer = undefined;
          if (settled) return;
          settle();
          cancelReason = new DOMException(
            `Task timed out after ${timeout} ms`,
            "TimeoutError",
          );
          work.cancel(cancelReason);
          resolve({ status: "timeout" });
        }, (reason) => {
          this.#timeouts--;
          timer = undefined;
          if (!settled) giveUp(reason);
        });
        this.#timeouts++;
        this.#addTimer(this.now() + timeout, timer);
      }
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  async #finish(): Promise<void> {
    while (true) {
      const next = this.#timers.peekTime();
      if (next === Infinity) {
        // Only timers that can never fire are left: draining would hang.
        this.#cancelTimers();
        continue;
      }
      if (this.#manual) {
        if (this.#ready.length > 0) {
          this.#drain();
          await hop();
          continue;
        }
        if (next !== undefined) {
          if (next > this.#virtualNow) this.#virtualNow = next;
          this.#fireDue(this.#virtualNow);
          await hop();
          continue;
        }
      }
      if (
        this.#owned === 0 && this.#ready.length === 0 &&
        this.#timers.size === 0
      ) {
        break;
      }
      await new Promise<void>((resolve) => this.#activity = resolve);
    }
    this.#refusing = true;
    this.#disarm();
    const onStop = this.#onStop;
    this.#onStop = undefined;
    if (onStop !== undefined) {
      try {
        onStop();
      } catch (error) {
        this.#report(error);
      }
    }
  }
}

function refused(op: string): ShutdownError {
  return new ShutdownError(`Cannot ${op}: the scheduler is shut down`);
}

function toTask<T>(value: Task<T> | TaskBody<T>, op: string): Task<T> {
  if (value instanceof Task) return value;
  if (typeof value === "function") return new Task(value);
  throw new TypeError(
    `Cannot ${op}: expected a Task or a task body function, got ${
      describe(value)
    }`,
  );
}

function signalOf(
  options: ScheduleOptions | undefined,
  op: string,
): AbortSignal | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `Cannot ${op}: options must be an object, got ${describe(options)}`,
    );
  }
  const { signal } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(
      `Cannot ${op}: signal must be an AbortSignal, got ${describe(signal)}`,
    );
  }
  return signal;
}

function isThenable(value: unknown): boolean {
  return value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as PromiseLike<unknown>).then === "function";
}
