// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * A bounded multi-producer multi-consumer channel with a fixed capacity:
 * {@linkcode RingBuffer}, libcoro's `coro::ring_buffer`.
 *
 * @module
 */

import { describe } from "../combinators/_describe.ts";
import { ItemChannel } from "./_item_channel.ts";

/**
 * The result of a produce: `"produced"` when the item was accepted,
 * `"stopped"` when the channel was shut down (or is draining) and the item
 * was not taken.
 */
export type ProduceResult = "produced" | "stopped";

/**
 * The result of a non-waiting produce: `"produced"`, `"full"` when there was
 * no room (nothing changed), or `"stopped"` when the channel no longer takes
 * items.
 */
export type TryProduceResult = "produced" | "full" | "stopped";

/**
 * The result of a consume or pop: `{ status: "ok", value }` with the next
 * item, or `{ status: "stopped" }` once the channel is shut down and (after
 * a drain) empty.
 *
 * @typeParam T The type of the items.
 */
export type ConsumeResult<T> =
  | { readonly status: "ok"; readonly value: T }
  | { readonly status: "stopped" };

/**
 * The result of a non-waiting consume or pop: a {@linkcode ConsumeResult},
 * or `{ status: "empty" }` when no item is there yet.
 *
 * @typeParam T The type of the items.
 */
export type TryConsumeResult<T> = ConsumeResult<T> | {
  readonly status: "empty";
};

/**
 * The life cycle of a channel: `"running"`, `"draining"` after
 * `shutdownDrain()` until the last item is taken, then `"stopped"`.
 */
export type ChannelState = "running" | "draining" | "stopped";

/** Options for the waiting methods of {@linkcode RingBuffer}. */
export interface RingBufferWaitOptions {
  /**
   * Stops waiting when aborted: the call rejects with `signal.reason` and
   * leaves its queue at once, so an aborted produce never inserts its item
   * and an aborted consume never takes one. An already aborted signal
   * rejects even when the call could complete at once.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * A bounded multi-producer multi-consumer channel, libcoro's
 * `coro::ring_buffer<T, N>`: at most `capacity` items wait in it;
 * {@linkcode RingBuffer.prototype.produce} waits while it is full and
 * {@linkcode RingBuffer.prototype.consume} waits while it is empty.
 *
 * An item produced while a consumer waits goes straight to that consumer,
 * and a consume that frees a slot pulls the longest waiting producer's item
 * in, so items come out in the order they were accepted. Producers and
 * consumers wait in FIFO order (libcoro resumes them LIFO, which would
 * reorder the items of a producer that does not await each produce).
 *
 * Two ways to stop:
 * - {@linkcode RingBuffer.prototype.shutdown} stops at once: waiting
 *   producers get `"stopped"` (their items were never inserted), waiting
 *   consumers get `{ status: "stopped" }`, and the items still buffered are
 *   removed and returned to the caller, never silently lost.
 * - {@linkcode RingBuffer.prototype.shutdownDrain} refuses new items
 *   (waiting producers get `"stopped"` at once, so they cannot block the
 *   drain), lets consumers take every buffered item, then stops.
 *
 * A ring buffer is async-iterable: `for await` yields items until it stops.
 *
 * @typeParam T The type of the items.
 *
 * @example One producer, one consumer
 * ```ts
 * import { RingBuffer } from "@coro/coro/sync";
 * import assert from "node:assert/strict";
 *
 * const rb = new RingBuffer<number>(2);
 * const producer = (async () => {
 *   for (let i = 1; i <= 5; i++) await rb.produce(i);
 *   await rb.shutdownDrain();
 * })();
 * const seen: number[] = [];
 * for await (const value of rb) seen.push(value);
 * await producer;
 * assert.deepEqual(seen, [1, 2, 3, 4, 5]);
 * ```
 */
export class RingBuffer<T> implements AsyncIterable<T> {
  #channel: ItemChannel<T>;

  /**
   * Makes an empty ring buffer that holds up to `capacity` items.
   *
   * @param capacity The most items the buffer holds, a positive integer.
   * @throws {TypeError} If `capacity` is not a number.
   * @throws {RangeError} If `capacity` is not a positive integer.
   *
   * @example
   * ```ts
   * import { RingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new RingBuffer<string>(16);
   * assert.equal(rb.capacity, 16);
   * assert.throws(() => new RingBuffer(0), RangeError);
   * ```
   */
  constructor(capacity: number) {
    if (typeof capacity !== "number") {
      throw new TypeError(
        `Cannot create ring buffer: capacity must be a number, got ${
          describe(capacity)
        }`,
      );
    }
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `Cannot create ring buffer: capacity must be a positive integer, got ${capacity}`,
      );
    }
    this.#channel = new ItemChannel(capacity, Math.min(capacity, 1024));
  }

  /**
   * The most items the buffer holds.
   *
   * @example
   * ```ts
   * import { RingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new RingBuffer(4).capacity, 4);
   * ```
   */
  get capacity(): number {
    return this.#channel.capacity;
  }

  /**
   * The number of items in the buffer now (not counting the items of
   * waiting producers).
   *
   * @example
   * ```ts
   * import { RingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new RingBuffer<number>(4);
   * rb.tryProduce(1);
   * assert.equal(rb.size, 1);
   * ```
   */
  get size(): number {
    return this.#channel.items.length;
  }

  /**
   * Whether the buffer holds no item.
   *
   * @example
   * ```ts
   * import { RingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new RingBuffer(1).isEmpty, true);
   * ```
   */
  get isEmpty(): boolean {
    return this.#channel.items.length === 0;
  }

  /**
   * Whether the buffer holds `capacity` items, so a produce would wait.
   *
   * @example
   * ```ts
   * import { RingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new RingBuffer<number>(1);
   * rb.tryProduce(1);
   * assert.equal(rb.isFull, true);
   * ```
   */
  get isFull(): boolean {
    const channel = this.#channel;
    return channel.items.length >= channel.capacity;
  }

  /**
   * `"running"`, `"draining"` (after
   * {@linkcode RingBuffer.prototype.shutdownDrain}, while items are left)
   * or `"stopped"`.
   *
   * @example
   * ```ts
   * import { RingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new RingBuffer<number>(2);
   * rb.tryProduce(1);
   * const drained = rb.shutdownDrain();
   * assert.equal(rb.state, "draining");
   * assert.deepEqual(await rb.consume(), { status: "ok", value: 1 });
   * await drained;
   * assert.equal(rb.state, "stopped");
   * ```
   */
  get state(): ChannelState {
    return this.#channel.state;
  }

  /**
   * The number of producers waiting for room.
   *
   * @example
   * ```ts
   * import { RingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new RingBuffer<number>(1);
   * rb.tryProduce(1);
   * const pending = rb.produce(2);
   * assert.equal(rb.waitingProducers, 1);
   * await rb.consume();
   * assert.equal(await pending, "produced");
   * ```
   */
  get waitingProducers(): number {
    return this.#channel.producers.length;
  }

  /**
   * The number of consumers waiting for an item.
   *
   * @example
   * ```ts
   * import { RingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new RingBuffer<number>(1);
   * const pending = rb.consume();
   * assert.equal(rb.waitingConsumers, 1);
   * rb.tryProduce(7);
   * assert.deepEqual(await pending, { status: "ok", value: 7 });
   * ```
   */
  get waitingConsumers(): number {
    return this.#channel.consumers.length;
  }

  /**
   * Adds an item, waiting (FIFO among producers) while the buffer is full.
   * If a consumer is waiting, the item goes straight to it.
   *
   * @param value The item.
   * @param options An abort signal to stop waiting.
   * @returns `"produced"` once the item is accepted, or `"stopped"` if the
   * buffer is (or gets, while waiting) shut down or draining; the item was
   * not taken then. Rejects with `signal.reason` if the signal aborts first
   * (or already has); the item was not taken then either.
   *
   * @example Waiting for room
   * ```ts
   * import { RingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new RingBuffer<string>(1);
   * assert.equal(await rb.produce("a"), "produced");
   * const second = rb.produce("b");
   * assert.deepEqual(await rb.consume(), { status: "ok", value: "a" });
   * assert.equal(await second, "produced");
   * assert.deepEqual(await rb.consume(), { status: "ok", value: "b" });
   * ```
   */
  produce(value: T, options?: RingBufferWaitOptions): Promise<ProduceResult> {
    return this.#channel.produce(value, options?.signal);
  }

  /**
   * Adds an item if there is room now, without waiting.
   *
   * @param value The item.
   * @returns `"produced"`, `"full"` (nothing changed) or `"stopped"`.
   *
   * @example
   * ```ts
   * import { RingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new RingBuffer<number>(1);
   * assert.equal(rb.tryProduce(1), "produced");
   * assert.equal(rb.tryProduce(2), "full");
   * rb.shutdown();
   * assert.equal(rb.tryProduce(3), "stopped");
   * ```
   */
  tryProduce(value: T): TryProduceResult {
    return this.#channel.tryProduce(value);
  }

  /**
   * Takes the oldest item, waiting (FIFO among consumers) while the buffer
   * is empty.
   *
   * @param options An abort signal to stop waiting.
   * @returns `{ status: "ok", value }`, or `{ status: "stopped" }` once the
   * buffer is shut down (after a drain: once it is also empty). Rejects
   * with `signal.reason` if the signal aborts first (or already has); no
   * item is taken then.
   *
   * @example
   * ```ts
   * import { RingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new RingBuffer<number>(4);
   * const pending = rb.consume();
   * await rb.produce(42);
   * assert.deepEqual(await pending, { status: "ok", value: 42 });
   * rb.shutdown();
   * assert.deepEqual(await rb.consume(), { status: "stopped" });
   * ```
   */
  consume(options?: RingBufferWaitOptions): Promise<ConsumeResult<T>> {
    return this.#channel.take(options?.signal, false) as Promise<
      ConsumeResult<T>
    >;
  }

  /**
   * Takes the oldest item if there is one, without waiting.
   *
   * @returns `{ status: "ok", value }`, `{ status: "empty" }`, or
   * `{ status: "stopped" }` once the buffer is shut down (after a drain:
   * once it is also empty).
   *
   * @example
   * ```ts
   * import { RingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new RingBuffer<number>(4);
   * assert.deepEqual(rb.tryConsume(), { status: "empty" });
   * rb.tryProduce(1);
   * assert.deepEqual(rb.tryConsume(), { status: "ok", value: 1 });
   * ```
   */
  tryConsume(): TryConsumeResult<T> {
    return this.#channel.tryTake();
  }

  /**
   * Stops the buffer now. Waiting producers resolve with `"stopped"` (their
   * items were never inserted), waiting consumers with
   * `{ status: "stopped" }`, a pending
   * {@linkcode RingBuffer.prototype.shutdownDrain} resolves, and every later
   * produce or consume reports `"stopped"`. Calling it again does nothing.
   *
   * @returns The items that were still in the buffer, oldest first; they
   * are removed, so the caller decides what happens to them.
   *
   * @example
   * ```ts
   * import { RingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new RingBuffer<number>(1);
   * rb.tryProduce(1);
   * const blocked = rb.produce(2);
   * assert.deepEqual(rb.shutdown(), [1]);
   * assert.equal(await blocked, "stopped");
   * assert.deepEqual(await rb.consume(), { status: "stopped" });
   * ```
   */
  shutdown(): T[] {
    return this.#channel.shutdown();
  }

  /**
   * Stops taking items and lets consumers take what is left. Waiting
   * producers resolve with `"stopped"` at once (their items were never
   * inserted) and later produces report `"stopped"`; consumers keep getting
   * the buffered items, and once the buffer is empty it stops: waiting
   * consumers get `{ status: "stopped" }` and the returned promise
   * resolves. If the buffer is already empty it stops at once.
   *
   * @param options An abort signal to stop waiting for the drain; the
   * buffer keeps draining, and {@linkcode RingBuffer.prototype.shutdown}
   * can then stop it at once.
   * @returns A promise that resolves when the buffer has stopped. Rejects
   * with `signal.reason` if the signal aborts first (or already has).
   *
   * @example
   * ```ts
   * import { RingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new RingBuffer<number>(4);
   * await rb.produce(1);
   * await rb.produce(2);
   * const drained = rb.shutdownDrain();
   * assert.equal(await rb.produce(3), "stopped");
   * assert.deepEqual(await rb.consume(), { status: "ok", value: 1 });
   * assert.deepEqual(await rb.consume(), { status: "ok", value: 2 });
   * await drained;
   * assert.deepEqual(await rb.consume(), { status: "stopped" });
   * ```
   */
  shutdownDrain(options?: RingBufferWaitOptions): Promise<void> {
    return this.#channel.shutdownDrain(options?.signal);
  }

  /**
   * An async iterator over the items, ending when the buffer stops. Leaving
   * the loop early ends only this iterator; the buffer and its items stay.
   *
   * @param options An abort signal: aborting it makes the pending step
   * reject with `signal.reason` (so `for await` throws it) without taking an
   * item.
   * @returns The iterator.
   *
   * @example
   * ```ts
   * import { RingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new RingBuffer<number>(4);
   * rb.tryProduce(1);
   * rb.tryProduce(2);
   * rb.shutdownDrain();
   * const seen: number[] = [];
   * for await (const value of rb.values()) seen.push(value);
   * assert.deepEqual(seen, [1, 2]);
   * ```
   */
  values(options?: RingBufferWaitOptions): AsyncIterableIterator<T> {
    return this.#channel.values(options?.signal);
  }

  /**
   * The same as {@linkcode RingBuffer.prototype.values} without a signal,
   * so `for await (const value of rb)` works.
   *
   * @returns The iterator.
   *
   * @example
   * ```ts
   * import { RingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new RingBuffer<string>(2);
   * rb.tryProduce("x");
   * rb.shutdownDrain();
   * const seen: string[] = [];
   * for await (const value of rb) seen.push(value);
   * assert.deepEqual(seen, ["x"]);
   * ```
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this.values();
  }
}
