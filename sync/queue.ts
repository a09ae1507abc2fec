// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * An unbounded multi-producer multi-consumer queue: {@linkcode Queue},
 * libcoro's `coro::queue`.
 *
 * @module
 */

import { ItemChannel } from "./_item_channel.ts";
import type {
  ChannelState,
  ConsumeResult,
  ProduceResult,
  TryConsumeResult,
} from "./ring_buffer.ts";

/** Options for the waiting methods of {@linkcode Queue}. */
export interface QueueWaitOptions {
  /**
   * Stops waiting when aborted: the call rejects with `signal.reason` and
   * leaves its queue at once, so an aborted pop never takes an item. An
   * already aborted signal rejects even when an item is there.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * An unbounded multi-producer multi-consumer queue, libcoro's
 * `coro::queue<T>`: {@linkcode Queue.prototype.push} never waits,
 * {@linkcode Queue.prototype.pop} waits while the queue is empty. Every
 * operation is O(1) whatever the backlog.
 *
 * An item pushed while a consumer waits goes straight to that consumer.
 * Consumers wait in FIFO order (libcoro resumes them LIFO, which can starve
 * the first one under steady load).
 *
 * A push after shutdown returns `"stopped"` instead of throwing, like
 * libcoro's `queue_produce_result::queue_stopped`: the item was not taken,
 * and the result says so.
 *
 * Two ways to stop:
 * - {@linkcode Queue.prototype.shutdown} stops at once: waiting consumers
 *   get `{ status: "stopped" }` and the items still queued are removed and
 *   returned to the caller, never silently lost.
 * - {@linkcode Queue.prototype.shutdownDrain} refuses new items, lets
 *   consumers take every queued item, then stops.
 *
 * A queue is async-iterable: `for await` yields items until it stops.
 *
 * @typeParam T The type of the items.
 *
 * @example Producers and a consumer
 * ```ts
 * import { Queue } from "@coro/coro/sync";
 * import assert from "node:assert/strict";
 *
 * const queue = new Queue<number>();
 * const consumer = (async () => {
 *   const seen: number[] = [];
 *   for await (const value of queue) seen.push(value);
 *   return seen;
 * })();
 * for (let i = 0; i < 3; i++) queue.push(i);
 * await queue.shutdownDrain();
 * assert.deepEqual(await consumer, [0, 1, 2]);
 * ```
 */
export class Queue<T> implements AsyncIterable<T> {
  // An unbounded channel: producers never wait.
  #channel = new ItemChannel<T>(Infinity);

  /**
   * The number of items queued now.
   *
   * @example
   * ```ts
   * import { Queue } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const queue = new Queue<string>();
   * queue.push("a");
   * queue.push("b");
   * assert.equal(queue.size, 2);
   * ```
   */
  get size(): number {
    return this.#channel.items.length;
  }

  /**
   * Whether no item is queued.
   *
   * @example
   * ```ts
   * import { Queue } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new Queue().isEmpty, true);
   * ```
   */
  get isEmpty(): boolean {
    return this.#channel.items.length === 0;
  }

  /**
   * `"running"`, `"draining"` (after
   * {@linkcode Queue.prototype.shutdownDrain}, while items are left) or
   * `"stopped"`.
   *
   * @example
   * ```ts
   * import { Queue } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const queue = new Queue<number>();
   * assert.equal(queue.state, "running");
   * queue.shutdown();
   * assert.equal(queue.state, "stopped");
   * ```
   */
  get state(): ChannelState {
    return this.#channel.state;
  }

  /**
   * The number of consumers waiting for an item.
   *
   * @example
   * ```ts
   * import { Queue } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const queue = new Queue<number>();
   * const pending = queue.pop();
   * assert.equal(queue.waitingConsumers, 1);
   * queue.push(1);
   * assert.deepEqual(await pending, { status: "ok", value: 1 });
   * ```
   */
  get waitingConsumers(): number {
    return this.#channel.consumers.length;
  }

  /**
   * Adds an item without waiting. If a consumer is waiting, the item goes
   * straight to it.
   *
   * @param value The item.
   * @returns `"produced"`, or `"stopped"` if the queue is shut down or
   * draining; the item was not taken then.
   *
   * @example
   * ```ts
   * import { Queue } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const queue = new Queue<number>();
   * assert.equal(queue.push(1), "produced");
   * queue.shutdown();
   * assert.equal(queue.push(2), "stopped");
   * ```
   */
  push(value: T): ProduceResult {
    // Never "full": the capacity is infinite.
    return this.#channel.tryProduce(value) as ProduceResult;
  }

  /**
   * Takes the oldest item, waiting (FIFO among consumers) while the queue
   * is empty.
   *
   * @param options An abort signal to stop waiting.
   * @returns `{ status: "ok", value }`, or `{ status: "stopped" }` once the
   * queue is shut down (after a drain: once it is also empty). Rejects with
   * `signal.reason` if the signal aborts first (or already has); no item is
   * taken then.
   *
   * @example
   * ```ts
   * import { Queue } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const queue = new Queue<string>();
   * const pending = queue.pop();
   * queue.push("hello");
   * assert.deepEqual(await pending, { status: "ok", value: "hello" });
   * await assert.rejects(
   *   queue.pop({ signal: AbortSignal.timeout(10) }),
   *   { name: "TimeoutError" },
   * );
   * ```
   */
  pop(options?: QueueWaitOptions): Promise<ConsumeResult<T>> {
    return this.#channel.take(options?.signal, false) as Promise<
      ConsumeResult<T>
    >;
  }

  /**
   * Takes the oldest item if there is one, without waiting.
   *
   * @returns `{ status: "ok", value }`, `{ status: "empty" }`, or
   * `{ status: "stopped" }` once the queue is shut down (after a drain: once
   * it is also empty).
   *
   * @example
   * ```ts
   * import { Queue } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const queue = new Queue<number>();
   * assert.deepEqual(queue.tryPop(), { status: "empty" });
   * queue.push(5);
   * assert.deepEqual(queue.tryPop(), { status: "ok", value: 5 });
   * ```
   */
  tryPop(): TryConsumeResult<T> {
    return this.#channel.tryTake();
  }

  /**
   * Stops the queue now. Waiting consumers resolve with
   * `{ status: "stopped" }`, a pending
   * {@linkcode Queue.prototype.shutdownDrain} resolves, every later push
   * returns `"stopped"` and every later pop `{ status: "stopped" }`.
   * Calling it again does nothing.
   *
   * @returns The items that were still queued, oldest first; they are
   * removed, so the caller decides what happens to them.
   *
   * @example
   * ```ts
   * import { Queue } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const queue = new Queue<number>();
   * queue.push(1);
   * queue.push(2);
   * assert.deepEqual(queue.shutdown(), [1, 2]);
   * assert.deepEqual(await queue.pop(), { status: "stopped" });
   * ```
   */
  shutdown(): T[] {
    return this.#channel.shutdown();
  }

  /**
   * Stops taking items and lets consumers take what is left: later pushes
   * return `"stopped"`, consumers keep getting the queued items, and once
   * the queue is empty it stops: waiting consumers get
   * `{ status: "stopped" }` and the returned promise resolves. If the queue
   * is already empty it stops at once.
   *
   * @param options An abort signal to stop waiting for the drain; the queue
   * keeps draining, and {@linkcode Queue.prototype.shutdown} can then stop
   * it at once.
   * @returns A promise that resolves when the queue has stopped. Rejects
   * with `signal.reason` if the signal aborts first (or already has).
   *
   * @example
   * ```ts
   * import { Queue } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const queue = new Queue<number>();
   * queue.push(1);
   * const drained = queue.shutdownDrain();
   * assert.equal(queue.push(2), "stopped");
   * assert.deepEqual(await queue.pop(), { status: "ok", value: 1 });
   * await drained;
   * assert.deepEqual(await queue.pop(), { status: "stopped" });
   * ```
   */
  shutdownDrain(options?: QueueWaitOptions): Promise<void> {
    return this.#channel.shutdownDrain(options?.signal);
  }

  /**
   * An async iterator over the items, ending when the queue stops. Leaving
   * the loop early ends only this iterator; the queue and its items stay.
   *
   * @param options An abort signal: aborting it makes the pending step
   * reject with `signal.reason` (so `for await` throws it) without taking an
   * item.
   * @returns The iterator.
   *
   * @example
   * ```ts
   * import { Queue } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const queue = new Queue<number>();
   * queue.push(1);
   * const controller = new AbortController();
   * const seen: number[] = [];
   * await assert.rejects(async () => {
   *   for await (const value of queue.values({ signal: controller.signal })) {
   *     seen.push(value);
   *     controller.abort(new Error("enough"));
   *   }
   * }, { message: "enough" });
   * assert.deepEqual(seen, [1]);
   * ```
   */
  values(options?: QueueWaitOptions): AsyncIterableIterator<T> {
    return this.#channel.values(options?.signal);
  }

  /**
   * The same as {@linkcode Queue.prototype.values} without a signal, so
   * `for await (const value of queue)` works.
   *
   * @returns The iterator.
   *
   * @example
   * ```ts
   * import { Queue } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const queue = new Queue<string>();
   * queue.push("x");
   * queue.shutdownDrain();
   * const seen: string[] = [];
   * for await (const value of queue) seen.push(value);
   * assert.deepEqual(seen, ["x"]);
   * ```
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this.values();
  }
}
