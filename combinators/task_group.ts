// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * libcoro's `task_group`: {@linkcode TaskGroup} starts tasks and waits for
 * all of them.
 *
 * @module
 */

import { describe } from "./_describe.ts";
import { isThenable } from "./_awaitable.ts";
import { fulfilled, rejected } from "./_result.ts";
import { Task } from "./task.ts";
import type { TaskResult } from "./when_all.ts";

/** Options for {@linkcode TaskGroup}. */
export interface TaskGroupOptions {
  /**
   * On the first failure, cancel every other task of the group (abort the
   * group's signal with that error) and make waiting on the group reject with
   * it, once every task has settled. When `false`, failures are collected:
   * waiting resolves with every task's {@linkcode TaskResult}.
   *
   * @default {false}
   */
  cancelOnFailure?: boolean;
  /**
   * A parent signal: when it aborts, the group is cancelled with its reason.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * What {@linkcode TaskGroup.prototype.spawn} accepts: a {@linkcode Task}, any
 * `PromiseLike`, or a function called at once with the group (so it can read
 * the group's `signal`).
 *
 * @typeParam T The type of the work's value.
 */
export type TaskGroupWork<T> =
  | PromiseLike<T>
  | ((group: TaskGroup) => T | PromiseLike<T>);

/**
 * A group of running tasks, libcoro's `task_group`: `spawn` starts a task,
 * awaiting the group (or {@linkcode TaskGroup.prototype.wait}) waits until
 * every task has settled. With `await using`, leaving the scope waits for
 * them all.
 *
 * The group has one {@linkcode AbortSignal} shared with its children:
 * {@linkcode TaskGroup.prototype.cancel} aborts it, and every spawned
 * {@linkcode Task} still running is cancelled too. With `cancelOnFailure`,
 * the first failure does that and waiting rejects with that failure; without
 * it, waiting gives every task's {@linkcode TaskResult}, in spawn order.
 *
 * The group keeps each task's result until the group is dropped, so that
 * `wait()` can give them all; for an unbounded stream of work, use a fresh
 * group per batch.
 *
 * @example Collecting results
 * ```ts
 * import { TaskGroup, task } from "@coro/coro/combinators";
 * import assert from "node:assert/strict";
 *
 * const group = new TaskGroup();
 * group.spawn(task(async () => 1));
 * group.spawn(async () => { throw new Error("boom"); });
 * assert.equal(group.size, 2);
 * const [a, b] = await group;
 * assert.equal(a!.value, 1);
 * assert.equal(b!.ok, false);
 * assert.equal(group.isEmpty, true);
 * ```
 *
 * @example Cancelling the rest on the first failure
 * ```ts
 * import { TaskGroup } from "@coro/coro/combinators";
 * import assert from "node:assert/strict";
 *
 * const group = new TaskGroup({ cancelOnFailure: true });
 * group.spawn(({ signal }) =>
 *   new Promise((_, reject) => {
 *     signal.addEventListener("abort", () => reject(signal.reason));
 *   })
 * );
 * group.spawn(async () => { throw new Error("first"); });
 * await assert.rejects(group.wait(), /first/);
 * ```
 *
 * @example Waiting on scope exit
 * ```ts
 * import { TaskGroup } from "@coro/coro/combinators";
 * import assert from "node:assert/strict";
 *
 * const log: number[] = [];
 * {
 *   await using group = new TaskGroup();
 *   group.spawn(async () => { log.push(1); });
 * }
 * assert.deepEqual(log, [1]);
 * ```
 */
export class TaskGroup
  implements PromiseLike<TaskResult<unknown>[]>, AsyncDisposable {
  #cancelOnFailure: boolean;
  #controller = new AbortController();
  #results: (TaskResult<unknown> | undefined)[] = [];
  #live = new Set<Task<unknown>>();
  #failure: TaskResult<unknown> | undefined = undefined;
  #waiters: (() => void)[] = [];
  #parent: AbortSignal | undefined;

  /**
   * Makes an empty group.
   *
   * @param options `cancelOnFailure` and a parent `signal`.
   * @throws {TypeError} If `options` is not an object.
   */
  constructor(options: TaskGroupOptions = {}) {
    if (options === null || typeof options !== "object") {
      throw new TypeError(
        `Cannot create task group: options must be an object, got ${
          describe(options)
        }`,
      );
    }
    this.#cancelOnFailure = options.cancelOnFailure ?? false;
    const parent = options.signal;
    if (parent !== undefined) {
      if (parent.aborted) {
        this.#controller.abort(parent.reason);
      } else {
        this.#parent = parent;
        parent.addEventListener("abort", this);
      }
    }
  }

  /**
   * The group's signal, shared with its children: aborted by
   * {@linkcode TaskGroup.prototype.cancel}, by the parent signal, or by the
   * first failure with `cancelOnFailure`.
   *
   * @example
   * ```ts
   * import { TaskGroup } from "@coro/coro/combinators";
   * import assert from "node:assert/strict";
   *
   * const group = new TaskGroup();
   * group.cancel("stop");
   * assert.equal(group.signal.reason, "stop");
   * ```
   */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /**
   * The number of tasks still running.
   *
   * @example
   * ```ts
   * import { TaskGroup } from "@coro/coro/combinators";
   * import assert from "node:assert/strict";
   *
   * const group = new TaskGroup();
   * group.spawn(Promise.resolve(1));
   * assert.equal(group.size, 1);
   * await group;
   * assert.equal(group.size, 0);
   * ```
   */
  get size(): number {
    return this.#live.size;
  }

  /**
   * Whether no task is running.
   *
   * @example
   * ```ts
   * import { TaskGroup } from "@coro/coro/combinators";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new TaskGroup().isEmpty, true);
   * ```
   */
  get isEmpty(): boolean {
    return this.#live.size === 0;
  }

  /**
   * Starts work in the group and returns it as a started {@linkcode Task}
   * (await it for that one result). A function is called at once with the
   * group, so it can read `group.signal`. A spawned `Task` is cancelled when
   * the group is. Work spawned into a cancelled group starts cancelled.
   *
   * @typeParam T The type of the work's value.
   * @param work A task, a promise, or a function to run.
   * @returns The started task.
   * @throws {TypeError} If `work` is neither awaitable nor a function.
   *
   * @example
   * ```ts
   * import { TaskGroup } from "@coro/coro/combinators";
   * import assert from "node:assert/strict";
   *
   * const group = new TaskGroup();
   * const t = group.spawn(async ({ signal }) => signal.aborted ? 0 : 42);
   * assert.equal(await t, 42);
   * await group;
   * ```
   */
  spawn<T>(work: TaskGroupWork<T>): Task<T> {
    let child: Task<T>;
    if (work instanceof Task) {
      child = work;
    } else if (typeof work === "function") {
      child = new Task<T>(() => work(this));
    } else if (isThenable(work)) {
      child = new Task<T>(() => work);
    } else {
      throw new TypeError(
        `Cannot spawn into task group: work must be a Task, PromiseLike or function, got ${
          describe(work)
        }`,
      );
    }
    const index = this.#results.length;
    this.#results.push(undefined);
    this.#live.add(child);
    if (this.#controller.signal.aborted) {
      child.cancel(this.#controller.signal.reason);
    }
    child.start().then(
      (value) => this.#settle(child, index, fulfilled(value)),
      (error) => this.#settle(child, index, rejected(error)),
    );
    return child;
  }

  /**
   * Cancels the group: aborts its signal with `reason` and cancels every
   * spawned task still running. Waiting still waits for them to settle.
   *
   * @param reason The abort reason (default: an `AbortError` `DOMException`).
   *
   * @example
   * ```ts
   * import { TaskGroup, task } from "@coro/coro/combinators";
   * import assert from "node:assert/strict";
   *
   * const group = new TaskGroup();
   * const t = group.spawn(task(({ signal }) =>
   *   new Promise((resolve) => signal.addEventListener("abort", resolve))
   * ));
   * group.cancel();
   * await group;
   * assert.equal(t.signal.aborted, true);
   * ```
   */
  cancel(reason?: unknown): void {
    if (this.#controller.signal.aborted) return;
    this.#controller.abort(reason);
    const actual = this.#controller.signal.reason;
    for (const child of this.#live) child.cancel(actual);
    this.#detach();
  }

  /**
   * Waits until every task spawned so far has settled. Resolves with every
   * task's {@linkcode TaskResult} in spawn order; with `cancelOnFailure`,
   * rejects with the first failure instead.
   *
   * @returns The results.
   *
   * @example
   * ```ts
   * import { TaskGroup } from "@coro/coro/combinators";
   * import assert from "node:assert/strict";
   *
   * const group = new TaskGroup();
   * group.spawn(async () => "a");
   * const results = await group.wait();
   * assert.equal(results[0]!.returnValue(), "a");
   * ```
   */
  wait(): Promise<TaskResult<unknown>[]> {
    if (this.#live.size === 0) {
      return Promise.resolve().then(() => this.#outcome());
    }
    return new Promise<void>((resolve) => this.#waiters.push(resolve)).then(
      () => this.#outcome(),
    );
  }

  /**
   * Makes `await group` wait like {@linkcode TaskGroup.prototype.wait}.
   *
   * @typeParam R1 The fulfilled callback's result type.
   * @typeParam R2 The rejected callback's result type.
   * @param onfulfilled Called with the results.
   * @param onrejected Called with the first failure (`cancelOnFailure`).
   * @returns A promise for the callback's result.
   *
   * @example
   * ```ts
   * import { TaskGroup } from "@coro/coro/combinators";
   * import assert from "node:assert/strict";
   *
   * const group = new TaskGroup();
   * group.spawn(async () => 1);
   * assert.equal((await group).length, 1);
   * ```
   */
  then<R1 = TaskResult<unknown>[], R2 = never>(
    onfulfilled?:
      | ((value: TaskResult<unknown>[]) => R1 | PromiseLike<R1>)
      | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.wait().then(onfulfilled, onrejected);
  }

  /**
   * Waits for every task, for `await using group = new TaskGroup()`. Rejects
   * like {@linkcode TaskGroup.prototype.wait}.
   *
   * @example
   * ```ts
   * import { TaskGroup } from "@coro/coro/combinators";
   * import assert from "node:assert/strict";
   *
   * let done = false;
   * {
   *   await using group = new TaskGroup();
   *   group.spawn(async () => { done = true; });
   * }
   * assert.equal(done, true);
   * ```
   */
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      await this.wait();
    } finally {
      this.#detach();
    }
  }

  /** The parent signal's abort listener. */
  handleEvent(): void {
    this.cancel(this.#parent?.reason);
  }

  #settle(
    child: Task<unknown>,
    index: number,
    result: TaskResult<unknown>,
  ): void {
    this.#results[index] = result;
    this.#live.delete(child);
    if (!result.ok && this.#cancelOnFailure && this.#failure === undefined) {
      this.#failure = result;
      this.cancel(result.error);
    }
    if (this.#live.size === 0) {
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  #outcome(): TaskResult<unknown>[] {
    if (this.#failure !== undefined) throw this.#failure.error;
    return this.#results.slice() as TaskResult<unknown>[];
  }

  #detach(): void {
    if (this.#parent !== undefined) {
      this.#parent.removeEventListener("abort", this);
      this.#parent = undefined;
    }
  }
}
