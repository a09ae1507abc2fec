// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * A lazy unit of asynchronous work: {@linkcode Task} and {@linkcode task}.
 *
 * @module
 */

import { describe } from "./_describe.ts";
import { SYNC_RESULT, type SyncResult } from "./_sync_result.ts";

/**
 * The body of a {@linkcode Task}. It receives the task itself, so it can read
 * `signal` (created only when the body asks for it) and stop early when the
 * task is cancelled.
 *
 * @typeParam T The type of the value the body produces.
 */
export type TaskBody<T> = (task: Task<T>) => T | PromiseLike<T>;

const NOT_STARTED = 0;
const RUNNING = 1;
const SYNC_FULFILLED = 2;
const SYNC_REJECTED = 3;

/**
 * A lazy task, libcoro's `task<T>`: the body does not run until the task is
 * first awaited, or started by a combinator ({@linkcode whenAll},
 * {@linkcode whenAny}, a `TaskGroup`) or a scheduler. Awaiting it again gives
 * the same settled result without running the body twice.
 *
 * A task carries an {@linkcode AbortSignal} its body can read (`task.signal`);
 * {@linkcode Task.prototype.cancel} aborts it. Cancellation is cooperative:
 * the body decides what to do when its signal aborts.
 *
 * @typeParam T The type of the value the task produces.
 *
 * @example Lazy until awaited
 * ```ts
 * import { Task } from "@coro/coro/combinators";
 * import assert from "node:assert/strict";
 *
 * let runs = 0;
 * const t = new Task(() => ++runs);
 * assert.equal(runs, 0);
 * assert.equal(await t, 1);
 * assert.equal(await t, 1);
 * assert.equal(runs, 1);
 * ```
 */
export class Task<T> implements PromiseLike<T> {
  // Typed loosely so that Task<T> stays covariant in T (a Task<number> is a
  // Task<unknown>); the constructor still takes a TaskBody<T>.
  // deno-lint-ignore no-explicit-any
  #body: ((task: any) => T | PromiseLike<T>) | undefined;
  #promise: Promise<T> | undefined = undefined;
  // undefined until the signal is read or the task is cancelled; a
  // Cancelled box when cancelled before anyone read the signal, so that
  // cancelling a task nobody listens to costs no AbortController.
  #abort: AbortController | Cancelled | undefined = undefined;
  #state = NOT_STARTED;
  #result: unknown = undefined;

  /**
   * Makes a task from its body. The body is not called here.
   *
   * @param body The work to run when the task starts.
   * @throws {TypeError} If `body` is not a function.
   */
  constructor(body: TaskBody<T>) {
    if (typeof body !== "function") {
      throw new TypeError(
        `Cannot create task: body must be a function, got ${describe(body)}`,
      );
    }
    this.#body = body;
  }

  /**
   * The task's abort signal. It aborts when {@linkcode Task.prototype.cancel}
   * is called, for example by {@linkcode whenAny} on the tasks that lost.
   *
   * @example Reading the signal in the body
   * ```ts
   * import { task } from "@coro/coro/combinators";
   * import assert from "node:assert/strict";
   *
   * const t = task(({ signal }) => signal.aborted);
   * t.cancel();
   * assert.equal(await t, true);
   * ```
   */
  get signal(): AbortSignal {
    const abort = this.#abort;
    if (abort instanceof AbortController) return abort.signal;
    const controller = new AbortController();
    if (abort !== undefined) controller.abort(abort.reason);
    this.#abort = controller;
    return controller.signal;
  }

  /**
   * Whether the body has been started.
   *
   * @example
   * ```ts
   * import { task } from "@coro/coro/combinators";
   * import assert from "node:assert/strict";
   *
   * const t = task(() => 1);
   * assert.equal(t.started, false);
   * await t;
   * assert.equal(t.started, true);
   * ```
   */
  get started(): boolean {
    return this.#state !== NOT_STARTED;
  }

  /**
   * Starts the body if it has not started yet, and returns the promise of its
   * result. Calling it again returns the same promise.
   *
   * @returns The promise of the task's result.
   *
   * @example Starting eagerly
   * ```ts
   * import { task } from "@coro/coro/combinators";
   * import assert from "node:assert/strict";
   *
   * let ran = false;
   * const t = task(() => { ran = true; return 7; });
   * const p = t.start();
   * assert.equal(ran, true);
   * assert.equal(await p, 7);
   * ```
   */
  start(): Promise<T> {
    if (this.#promise !== undefined) return this.#promise;
    if (this.#state === NOT_STARTED) {
      this.#run();
      if (this.#promise !== undefined) return this.#promise;
    }
    if (this.#state === SYNC_FULFILLED) {
      return this.#promise = Promise.resolve(this.#result as T);
    }
    if (this.#state === RUNNING) {
      // Only while the body itself is still running synchronously.
      throw new TypeError(
        "Cannot start task: its body asked for the task's own result before returning",
      );
    }
    return this.#promise = Promise.reject(this.#result);
  }

  /**
   * Runs the body. A synchronous outcome is kept in #state/#result and no
   * promise is made for it until someone asks (start/then), so a body that
   * finishes synchronously under syncWait or a combinator allocates none.
   */
  #run(): void {
    const body = this.#body!;
    this.#body = undefined;
    this.#state = RUNNING;
    let out: T | PromiseLike<T>;
    try {
      out = body(this);
    } catch (error) {
      this.#state = SYNC_REJECTED;
      this.#result = error;
      return;
    }
    if (out instanceof Promise) {
      this.#promise = out;
    } else if (isThenable(out)) {
      this.#promise = Promise.resolve(out);
    } else {
      this.#state = SYNC_FULFILLED;
      this.#result = out;
    }
  }

  /**
   * Starts the task (if needed) and attaches callbacks, which is what makes
   * `await task` work.
   *
   * @typeParam R1 The fulfilled callback's result type.
   * @typeParam R2 The rejected callback's result type.
   * @param onfulfilled Called with the task's value.
   * @param onrejected Called with the task's error.
   * @returns A promise for the callback's result.
   *
   * @example
   * ```ts
   * import { task } from "@coro/coro/combinators";
   * import assert from "node:assert/strict";
   *
   * const doubled = await task(() => 21).then((x) => x * 2);
   * assert.equal(doubled, 42);
   * ```
   */
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return (this.#promise ?? this.start()).then(onfulfilled, onrejected);
  }

  /**
   * Starts the task (if needed) and handles its error.
   *
   * @typeParam R The rejected callback's result type.
   * @param onrejected Called with the task's error.
   * @returns A promise for the value or the callback's result.
   *
   * @example
   * ```ts
   * import { task } from "@coro/coro/combinators";
   * import assert from "node:assert/strict";
   *
   * const t = task((): number => { throw new Error("boom"); });
   * assert.equal(await t.catch(() => -1), -1);
   * ```
   */
  catch<R = never>(
    onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null,
  ): Promise<T | R> {
    return (this.#promise ?? this.start()).catch(onrejected);
  }

  /**
   * Starts the task (if needed) and runs `onfinally` once it settles.
   *
   * @param onfinally Called when the task settles either way.
   * @returns A promise settled like the task.
   *
   * @example
   * ```ts
   * import { task } from "@coro/coro/combinators";
   * import assert from "node:assert/strict";
   *
   * let done = false;
   * await task(() => 1).finally(() => { done = true; });
   * assert.equal(done, true);
   * ```
   */
  finally(onfinally?: (() => void) | null): Promise<T> {
    return (this.#promise ?? this.start()).finally(onfinally);
  }

  /**
   * Requests cancellation: aborts the task's {@linkcode Task.prototype.signal}
   * with `reason`. A task that has not started yet will see an aborted signal
   * when it starts. Calling it again does nothing.
   *
   * @param reason The abort reason (default: an `AbortError` `DOMException`).
   *
   * @example
   * ```ts
   * import { task } from "@coro/coro/combinators";
   * import assert from "node:assert/strict";
   *
   * const t = task(({ signal }) => signal.reason);
   * t.cancel("stop");
   * assert.equal(await t, "stop");
   * ```
   */
  cancel(reason?: unknown): void {
    const abort = this.#abort;
    if (abort === undefined) {
      this.#abort = reason === undefined
        ? CANCELLED_WITHOUT_REASON
        : new Cancelled(reason);
    } else if (abort instanceof AbortController) abort.abort(reason);
  }

  /**
   * Runs the body now if it has not started, and reports whether it finished
   * synchronously. Used by {@linkcode syncWait}.
   *
   * @returns The synchronous outcome, or `{ done: false }`.
   * @internal
   */
  [SYNC_RESULT](): SyncResult<T> {
    if (this.#state === NOT_STARTED) this.#run();
    if (this.#state === SYNC_FULFILLED) {
      return { done: true, ok: true, value: this.#result as T };
    }
    if (this.#state === SYNC_REJECTED) {
      return { done: true, ok: false, error: this.#result };
    }
    return NOT_DONE;
  }
}

/**
 * Makes a lazy {@linkcode Task} from a body. Same as `new Task(body)`.
 *
 * @typeParam T The type of the value the task produces.
 * @param body The work to run when the task is first awaited or started.
 * @returns The task, not started yet.
 * @throws {TypeError} If `body` is not a function.
 *
 * @example
 * ```ts
 * import { task } from "@coro/coro/combinators";
 * import assert from "node:assert/strict";
 *
 * const double = (x: number) => task(async () => x * 2);
 * const addFive = (x: number) => task(async () => (await double(x)) + 5);
 * assert.equal(await addFive(2), 9);
 * ```
 */
export function task<T>(body: TaskBody<T>): Task<T> {
  return new Task(body);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as PromiseLike<unknown>).then === "function";
}

const NOT_DONE: SyncResult<never> = Object.freeze({
  done: false,
  reason: "the task's body is still running asynchronously",
});

/** A cancellation requested before anyone read the task's signal. */
class Cancelled {
  readonly reason: unknown;
  constructor(reason: unknown) {
    this.reason = reason;
  }
}

// whenAny cancels every loser without a reason: one shared box serves them.
const CANCELLED_WITHOUT_REASON = new Cancelled(undefined);
