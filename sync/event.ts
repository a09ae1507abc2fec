// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * A one-shot (resettable) signal that any number of tasks can wait for:
 * {@linkcode Event}, libcoro's `coro::event`.
 *
 * @module
 */

import { describe } from "../combinators/_describe.ts";
import { WaiterList, waitUntilReady } from "./_waiter_list.ts";

/** The order in which {@linkcode Event.prototype.set} resumes waiters. */
export type ResumeOrder = "lifo" | "fifo";

/** Options for {@linkcode Event}. */
export interface EventOptions {
  /**
   * The order in which waiters resume when the event is set: `"lifo"` (the
   * last task to start waiting resumes first, like libcoro) or `"fifo"`.
   *
   * @default {"lifo"}
   */
  resumeOrder?: ResumeOrder;
  /**
   * Whether the event starts out set.
   *
   * @default {false}
   */
  initiallySet?: boolean;
}

/** Options for {@linkcode Event.prototype.wait}. */
export interface EventWaitOptions {
  /**
   * Stops waiting when aborted: the wait rejects with `signal.reason` and
   * leaves the event's queue.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * An event that tasks wait for until some task sets it, libcoro's
 * `coro::event`. Waiting on an event that is already set does not suspend
 * beyond the usual `await` turn. {@linkcode Event.prototype.set} resumes
 * every waiter in the configured order (`"lifo"` by default, like libcoro;
 * `"fifo"` on request); {@linkcode Event.prototype.reset} makes later waits
 * suspend again.
 *
 * An `Event` is a `PromiseLike<void>`, so `await event` waits for it. Note
 * that `await` calls `then` one microtask later, so a task that does
 * `await event` joins the queue after code that runs synchronously after
 * it; use `await event.wait()` where the position in the resume order must
 * be taken right away (as in libcoro's example, reproduced by
 * `examples/coro_event.ts`).
 *
 * @example Waiting for an event
 * ```ts
 * import { Event } from "@coro/coro/sync";
 * import assert from "node:assert/strict";
 *
 * const event = new Event();
 * const seen: string[] = [];
 * const waiter = (async () => {
 *   await event;
 *   seen.push("resumed");
 * })();
 * seen.push("setting");
 * event.set();
 * await waiter;
 * assert.deepEqual(seen, ["setting", "resumed"]);
 * ```
 */
export class Event implements PromiseLike<void> {
  #set: boolean;
  #lifo: boolean;
  #waiters = new WaiterList<void>();

  /**
   * Makes an event, not set unless `options.initiallySet`.
   *
   * @param options The resume order and initial state.
   * @throws {TypeError} If `resumeOrder` is not `"lifo"` or `"fifo"`.
   *
   * @example FIFO resume order
   * ```ts
   * import { Event } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const event = new Event({ resumeOrder: "fifo" });
   * const order: number[] = [];
   * const waits = [1, 2, 3].map(async (i) => {
   *   await event.wait();
   *   order.push(i);
   * });
   * event.set();
   * await Promise.all(waits);
   * assert.deepEqual(order, [1, 2, 3]);
   * ```
   */
  constructor(options: EventOptions = {}) {
    const { resumeOrder = "lifo", initiallySet = false } = options;
    if (resumeOrder !== "lifo" && resumeOrder !== "fifo") {
      throw new TypeError(
        `Cannot create event: resumeOrder must be "lifo" or "fifo", got ${
          describe(resumeOrder)
        }`,
      );
    }
    this.#lifo = resumeOrder === "lifo";
    this.#set = Boolean(initiallySet);
  }

  /**
   * Whether the event is set.
   *
   * @example
   * ```ts
   * import { Event } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const event = new Event();
   * assert.equal(event.isSet, false);
   * event.set();
   * assert.equal(event.isSet, true);
   * ```
   */
  get isSet(): boolean {
    return this.#set;
  }

  /**
   * The number of tasks waiting for the event.
   *
   * @example
   * ```ts
   * import { Event } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const event = new Event();
   * const wait = event.wait();
   * assert.equal(event.waiting, 1);
   * event.set();
   * await wait;
   * assert.equal(event.waiting, 0);
   * ```
   */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Sets the event and resumes every waiter, in the event's resume order.
   * Setting an event that is already set does nothing.
   *
   * @example
   * ```ts
   * import { Event } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const event = new Event();
   * const order: number[] = [];
   * const waits = [1, 2, 3].map(async (i) => {
   *   await event.wait();
   *   order.push(i);
   * });
   * event.set();
   * await Promise.all(waits);
   * assert.deepEqual(order, [3, 2, 1]);
   * ```
   */
  set(): void {
    if (this.#set) return;
    this.#set = true;
    this.#waiters.settleAll(undefined, this.#lifo);
  }

  /**
   * Clears the event, so later waits suspend until the next
   * {@linkcode Event.prototype.set}. Waiters already resumed are not
   * affected.
   *
   * @example
   * ```ts
   * import { Event } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const event = new Event({ initiallySet: true });
   * event.reset();
   * assert.equal(event.isSet, false);
   * ```
   */
  reset(): void {
    this.#set = false;
  }

  /**
   * Waits until the event is set. Resolves at once (after the usual `await`
   * turn) if it is already set.
   *
   * @param options An abort signal.
   * @returns A promise that resolves when the event is set, or rejects with
   * `signal.reason` when the signal aborts first (also when it is already
   * aborted); an aborted wait leaves the queue at once.
   *
   * @example Giving up after a timeout
   * ```ts
   * import { Event } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const event = new Event();
   * await assert.rejects(
   *   event.wait({ signal: AbortSignal.timeout(10) }),
   *   { name: "TimeoutError" },
   * );
   * assert.equal(event.waiting, 0);
   * ```
   */
  wait(options?: EventWaitOptions): Promise<void> {
    return waitUntilReady(this.#waiters, this.#set, options?.signal);
  }

  /**
   * Waits for the event, which is what makes `await event` work.
   *
   * @typeParam R1 The fulfilled callback's result type.
   * @typeParam R2 The rejected callback's result type.
   * @param onfulfilled Called once the event is set.
   * @param onrejected Called if waiting fails.
   * @returns A promise for the callback's result.
   *
   * @example
   * ```ts
   * import { Event } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const event = new Event({ initiallySet: true });
   * assert.equal(await event.then(() => "set"), "set");
   * ```
   */
  then<R1 = void, R2 = never>(
    onfulfilled?: ((value: void) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.wait().then(onfulfilled, onrejected);
  }
}
