// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * A bounded multi-producer multi-consumer queue of numbers shared between
 * threads through a `SharedArrayBuffer`: {@linkcode AtomicRingBuffer}, the
 * cross-Worker form of `RingBuffer`.
 *
 * @module
 */

import { describe } from "../combinators/_describe.ts";
import { checkHandle, WaitSite, waitUntil } from "./_atomic_wait.ts";
import type {
  ChannelState,
  ConsumeResult,
  ProduceResult,
  TryConsumeResult,
  TryProduceResult,
} from "./ring_buffer.ts";

/**
 * A typed-array constructor whose elements an {@linkcode AtomicRingBuffer}
 * holds: `Int8Array`, `Uint8Array`, `Uint8ClampedArray`, `Int16Array`,
 * `Uint16Array`, `Int32Array`, `Uint32Array`, `Float32Array`,
 * `Float64Array` (items are `number`s), `BigInt64Array` or
 * `BigUint64Array` (items are `bigint`s).
 *
 * @typeParam T The item type, `number` or `bigint`.
 */
export interface AtomicRingBufferElementType<T extends number | bigint> {
  /** Makes a view of `length` elements on shared memory. */
  new (
    buffer: SharedArrayBuffer,
    byteOffset: number,
    length: number,
  ): { [index: number]: T };
  /** The size of one element in bytes. */
  readonly BYTES_PER_ELEMENT: number;
  /** The constructor's name, such as `"Float64Array"`. */
  readonly name: string;
}

/**
 * Options for the {@linkcode AtomicRingBuffer} constructor.
 *
 * @typeParam T The item type, `number` or `bigint`.
 */
export interface AtomicRingBufferOptions<T extends number | bigint> {
  /**
   * The element type: a typed-array constructor. Items are stored as its
   * elements, so they are converted the way the typed array converts them
   * (an `Int32Array` truncates `1.5` to `1`).
   *
   * @default {Float64Array}
   */
  type?: AtomicRingBufferElementType<T>;
}

/** Options for the waiting methods of {@linkcode AtomicRingBuffer}. */
export interface AtomicRingBufferWaitOptions {
  /**
   * Stops waiting when aborted: the call rejects with `signal.reason` at
   * once, so an aborted produce never inserts its item and an aborted
   * consume never takes one.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * A structured-cloneable description of an {@linkcode AtomicRingBuffer}:
 * post it to a Worker and rebuild the buffer there with
 * {@linkcode AtomicRingBuffer.from}.
 */
export interface AtomicRingBufferHandle {
  /** Always `"AtomicRingBuffer"`. */
  readonly kind: "AtomicRingBuffer";
  /** The shared memory holding the state and the items. */
  readonly buffer: SharedArrayBuffer;
}

const TYPES: readonly AtomicRingBufferElementType<number | bigint>[] = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
];

// Memory layout: an Int32Array header, one sequence word per slot, then the
// items as typed-array elements (8-byte aligned).
//   [0]  MAGIC          identifies the buffer as an AtomicRingBuffer
//   [1]  CAPACITY       number of slots
//   [2]  TYPE           index of the element type in TYPES
//   [3]  HEAD           next position to consume (mod WRAP)
//   [4]  TAIL           next position to produce (mod WRAP); bit 30 set
//                       once closed to producers (drain or shutdown)
//   [5]  STATE          bit 0: stopped (consumers get "stopped")
//   [6]  ITEMS          bumped after each produce and on stop; consumers
//                       wait on it
//   [7]  ITEM_SLEEPERS, [8] ITEM_STALE   waiter accounting for ITEMS
//   [9]  SPACE          bumped after each consume and on close; producers
//                       and drain waiters wait on it
//   [10] SPACE_SLEEPERS, [11] SPACE_STALE waiter accounting for SPACE
//   [12 .. 12 + capacity) sequence of each slot
// This is Vyukov's bounded MPMC queue, with sequences doubled so that a
// capacity of 1 works too: slot `position % capacity` holds sequence
// `2 * position` when free for the producer at `position`, and
// `2 * position + 1` when it holds that producer's item. Positions count
// modulo WRAP, the largest multiple of the capacity up to 2^29, so they stay
// clear of the closed bit and sequences fit an Int32.
const MAGIC = 0x52696e67; // "Ring"
const CAPACITY = 1;
const TYPE = 2;
const HEAD = 3;
const TAIL = 4;
const STATE = 5;
const ITEMS = 6;
const ITEM_SLEEPERS = 7;
const ITEM_STALE = 8;
const SPACE = 9;
const SPACE_SLEEPERS = 10;
const SPACE_STALE = 11;
const SEQ = 12;

const CLOSED = 1 << 30;
const STOPPED = 1;
const MAX_CAPACITY = 1 << 24;
const WRAP_LIMIT = 1 << 29;

const EMPTY = Object.freeze({ status: "empty" }) as TryConsumeResult<never>;
const STOPPED_RESULT = Object.freeze({ status: "stopped" }) as ConsumeResult<
  never
>;
const PRODUCED: Promise<ProduceResult> = Promise.resolve("produced");
const PRODUCE_STOPPED: Promise<ProduceResult> = Promise.resolve("stopped");

function dataOffset(capacity: number): number {
  return Math.ceil(((SEQ + capacity) * 4) / 8) * 8;
}

let adopted: SharedArrayBuffer | undefined;

/**
 * A bounded multi-producer multi-consumer queue of numbers (or bigints)
 * that works across Worker threads: libcoro's thread-safe
 * `coro::ring_buffer<T, N>` for numeric items, backed by a
 * `SharedArrayBuffer`. Post its {@linkcode AtomicRingBuffer.prototype.handle}
 * to Workers and call {@linkcode AtomicRingBuffer.from} there; any thread
 * can then produce and consume, and every item is consumed exactly once.
 *
 * Items are fixed-size typed-array elements (the `type` option), so they
 * travel without copying or `postMessage`. It has the same methods and
 * results as the local `RingBuffer`. Waiting never blocks an event loop: a
 * waiter spins briefly, then parks in `Atomics.waitAsync` (holding a timer
 * so the process stays alive while it waits). The queue itself is
 * lock-free; items come out in the order their producers claimed slots.
 *
 * Two ways to stop, from any thread:
 * - {@linkcode AtomicRingBuffer.prototype.shutdown} stops at once and
 *   returns the items still buffered.
 * - {@linkcode AtomicRingBuffer.prototype.shutdownDrain} refuses new items,
 *   lets consumers take every buffered item, then stops.
 *
 * @typeParam T The item type: `number`, or `bigint` for the 64-bit integer
 * element types.
 *
 * @example One producer, one consumer
 * ```ts
 * import { AtomicRingBuffer } from "@coro/coro/sync";
 * import assert from "node:assert/strict";
 *
 * const rb = new AtomicRingBuffer(2, { type: Int32Array });
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
export class AtomicRingBuffer<T extends number | bigint = number>
  implements AsyncIterable<T> {
  #buffer: SharedArrayBuffer;
  #view: Int32Array;
  #data: { [index: number]: T };
  #capacity: number;
  #wrap: number;
  #itemType: "number" | "bigint";
  #items: WaitSite;
  #space: WaitSite;
  #handle: AtomicRingBufferHandle | undefined = undefined;

  /**
   * Makes an empty ring buffer in new shared memory.
   *
   * @param capacity The number of items it holds; at most 2^24.
   * @param options The element type.
   * @throws {TypeError} If `capacity` is not a number or `type` is not one
   * of the typed-array constructors listed in
   * {@linkcode AtomicRingBufferElementType}.
   * @throws {RangeError} If `capacity` is not a positive integer up to
   * 2^24.
   *
   * @example
   * ```ts
   * import { AtomicRingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new AtomicRingBuffer(8, { type: BigInt64Array });
   * assert.equal(rb.tryProduce(2n ** 40n), "produced");
   * assert.deepEqual(rb.tryConsume(), { status: "ok", value: 2n ** 40n });
   * ```
   */
  constructor(capacity: number, options: AtomicRingBufferOptions<T> = {}) {
    let buffer = adopted;
    adopted = undefined;
    if (buffer === undefined) {
      if (typeof capacity !== "number") {
        throw new TypeError(
          `Cannot create ring buffer: capacity must be a number, got ${
            describe(capacity)
          }`,
        );
      }
      if (!Number.isInteger(capacity) || capacity < 1) {
        throw new RangeError(
          `Cannot create ring buffer: capacity must be a positive integer, got ${capacity}`,
        );
      }
      if (capacity > MAX_CAPACITY) {
        throw new RangeError(
          `Cannot create ring buffer: capacity must be at most ${MAX_CAPACITY}, got ${capacity}`,
        );
      }
      const type = options.type ?? Float64Array;
      const typeIndex = TYPES.indexOf(type);
      if (typeIndex < 0) {
        throw new TypeError(
          `Cannot create ring buffer: type must be a typed-array constructor such as Float64Array or BigInt64Array, got ${
            describe(type)
          }`,
        );
      }
      buffer = new SharedArrayBuffer(
        dataOffset(capacity) + capacity * type.BYTES_PER_ELEMENT,
      );
      const view = new Int32Array(buffer, 0, SEQ + capacity);
      view[CAPACITY] = capacity;
      view[TYPE] = typeIndex;
      for (let i = 0; i < capacity; i++) view[SEQ + i] = 2 * i;
      Atomics.store(view, 0, MAGIC);
    }
    const header = new Int32Array(buffer, 0, SEQ);
    const cap = header[CAPACITY]!;
    const type = TYPES[header[TYPE]!]!;
    this.#buffer = buffer;
    this.#view = new Int32Array(buffer, 0, SEQ + cap);
    this.#data = new type(buffer, dataOffset(cap), cap) as {
      [index: number]: T;
    };
    this.#capacity = cap;
    this.#itemType = type === BigInt64Array || type === BigUint64Array
      ? "bigint"
      : "number";
    this.#wrap = Math.floor(WRAP_LIMIT / cap) * cap;
    this.#items = new WaitSite(this.#view, ITEMS, ITEM_SLEEPERS, ITEM_STALE);
    this.#space = new WaitSite(this.#view, SPACE, SPACE_SLEEPERS, SPACE_STALE);
  }

  /**
   * Rebuilds a ring buffer from its handle, typically in a Worker that
   * received the handle by `postMessage`. The result shares its items with
   * the original.
   *
   * @typeParam T The item type: `number`, or `bigint` for the 64-bit integer
   * element types (not checked at compile time: the handle does not carry
   * it).
   * @param handle The value of {@linkcode AtomicRingBuffer.prototype.handle}.
   * @returns A ring buffer on the same shared memory.
   * @throws {TypeError} If `handle` is not an `AtomicRingBuffer` handle.
   *
   * @example
   * ```ts
   * import { AtomicRingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new AtomicRingBuffer(4);
   * const copy = AtomicRingBuffer.from(structuredClone(rb.handle));
   * copy.tryProduce(1.5);
   * assert.deepEqual(rb.tryConsume(), { status: "ok", value: 1.5 });
   * ```
   */
  static from<T extends number | bigint = number>(
    handle: AtomicRingBufferHandle,
  ): AtomicRingBuffer<T> {
    const buffer = checkHandle(
      handle,
      "AtomicRingBuffer",
      MAGIC,
      SEQ * 4 + 8,
    );
    const header = new Int32Array(buffer, 0, SEQ);
    const cap = header[CAPACITY]!;
    const type = TYPES[header[TYPE]!];
    if (
      !(cap >= 1 && cap <= MAX_CAPACITY) || type === undefined ||
      buffer.byteLength < dataOffset(cap) + cap * type.BYTES_PER_ELEMENT
    ) {
      throw new TypeError(
        "Cannot create AtomicRingBuffer from handle: the buffer does not hold an AtomicRingBuffer",
      );
    }
    adopted = buffer;
    return new AtomicRingBuffer<T>(0);
  }

  /**
   * A structured-cloneable handle to post to a Worker, which rebuilds the
   * ring buffer with {@linkcode AtomicRingBuffer.from}.
   *
   * @example
   * ```ts
   * import { AtomicRingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new AtomicRingBuffer(1).handle.kind, "AtomicRingBuffer");
   * ```
   */
  get handle(): AtomicRingBufferHandle {
    return this.#handle ??= Object.freeze({
      kind: "AtomicRingBuffer",
      buffer: this.#buffer,
    });
  }

  /**
   * The number of items the buffer holds at most.
   *
   * @example
   * ```ts
   * import { AtomicRingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new AtomicRingBuffer(3).capacity, 3);
   * ```
   */
  get capacity(): number {
    return this.#capacity;
  }

  /**
   * The element type's constructor, such as `Float64Array`.
   *
   * @example
   * ```ts
   * import { AtomicRingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new AtomicRingBuffer(1, { type: Int32Array }).type, Int32Array);
   * ```
   */
  get type(): AtomicRingBufferElementType<T> {
    return TYPES[this.#view[TYPE]!] as AtomicRingBufferElementType<T>;
  }

  /**
   * The number of items in the buffer right now (on all threads together;
   * it can change at any moment). Counts items whose producer has claimed a
   * slot but not finished writing.
   *
   * @example
   * ```ts
   * import { AtomicRingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new AtomicRingBuffer(4);
   * rb.tryProduce(1);
   * rb.tryProduce(2);
   * assert.equal(rb.size, 2);
   * ```
   */
  get size(): number {
    const head = Atomics.load(this.#view, HEAD);
    const tail = Atomics.load(this.#view, TAIL) & ~CLOSED;
    let size = tail - head;
    if (size < 0) size += this.#wrap;
    return size > this.#capacity ? this.#capacity : size;
  }

  /**
   * Whether the buffer holds no items right now.
   *
   * @example
   * ```ts
   * import { AtomicRingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new AtomicRingBuffer(1).isEmpty, true);
   * ```
   */
  get isEmpty(): boolean {
    return this.size === 0;
  }

  /**
   * Whether the buffer holds `capacity` items right now.
   *
   * @example
   * ```ts
   * import { AtomicRingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new AtomicRingBuffer(1);
   * rb.tryProduce(1);
   * assert.equal(rb.isFull, true);
   * ```
   */
  get isFull(): boolean {
    return this.size === this.#capacity;
  }

  /**
   * The life cycle: `"running"`, `"draining"` after
   * {@linkcode AtomicRingBuffer.prototype.shutdownDrain} until the last item
   * is taken, then `"stopped"`.
   *
   * @example
   * ```ts
   * import { AtomicRingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new AtomicRingBuffer(2);
   * rb.tryProduce(1);
   * const drained = rb.shutdownDrain();
   * assert.equal(rb.state, "draining");
   * await rb.consume();
   * await drained;
   * assert.equal(rb.state, "stopped");
   * ```
   */
  get state(): ChannelState {
    const view = this.#view;
    if ((Atomics.load(view, STATE) & STOPPED) !== 0) return "stopped";
    return (Atomics.load(view, TAIL) & CLOSED) !== 0 ? "draining" : "running";
  }

  /**
   * Adds an item, waiting while the buffer is full.
   *
   * @param value The item.
   * @param options The abort signal.
   * @returns `"produced"`, or `"stopped"` if the buffer is (or gets) shut
   * down or draining; then the item was not inserted. Rejects with a
   * `TypeError` if `value` is a bigint for a number buffer or the reverse.
   *
   * @example
   * ```ts
   * import { AtomicRingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new AtomicRingBuffer(1);
   * assert.equal(await rb.produce(1), "produced");
   * const pending = rb.produce(2);
   * assert.deepEqual(await rb.consume(), { status: "ok", value: 1 });
   * assert.equal(await pending, "produced");
   * ```
   */
  produce(
    value: T,
    options?: AtomicRingBufferWaitOptions,
  ): Promise<ProduceResult> {
    const signal = options?.signal;
    if (signal !== undefined && signal.aborted) {
      return Promise.reject(signal.reason);
    }
    const error = this.#checkItem(value, "produce");
    if (error !== undefined) return Promise.reject(error);
    const result = this.#push(value);
    if (result === "produced") return PRODUCED;
    if (result === "stopped") return PRODUCE_STOPPED;
    return waitUntil(this.#space, () => {
      const r = this.#push(value);
      return r === "full" ? undefined : r;
    }, signal);
  }

  /**
   * Adds an item if there is room, without waiting.
   *
   * @param value The item.
   * @returns `"produced"`, `"full"` (nothing changed), or `"stopped"`.
   * @throws {TypeError} If `value` is a bigint for a number buffer or the
   * reverse.
   *
   * @example
   * ```ts
   * import { AtomicRingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new AtomicRingBuffer(1);
   * assert.equal(rb.tryProduce(1), "produced");
   * assert.equal(rb.tryProduce(2), "full");
   * ```
   */
  tryProduce(value: T): TryProduceResult {
    const error = this.#checkItem(value, "produce");
    if (error !== undefined) throw error;
    return this.#push(value);
  }

  /**
   * Takes the oldest item, waiting while the buffer is empty.
   *
   * @param options The abort signal.
   * @returns `{ status: "ok", value }`, or `{ status: "stopped" }` once the
   * buffer is shut down (after a drain: once it is also empty).
   *
   * @example
   * ```ts
   * import { AtomicRingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new AtomicRingBuffer(1);
   * const pending = rb.consume();
   * rb.tryProduce(42);
   * assert.deepEqual(await pending, { status: "ok", value: 42 });
   * rb.shutdown();
   * assert.deepEqual(await rb.consume(), { status: "stopped" });
   * ```
   */
  consume(options?: AtomicRingBufferWaitOptions): Promise<ConsumeResult<T>> {
    const signal = options?.signal;
    if (signal !== undefined && signal.aborted) {
      return Promise.reject(signal.reason);
    }
    const result = this.#take();
    if (result !== undefined) return Promise.resolve(result);
    return waitUntil(this.#items, () => this.#take(), signal);
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
   * import { AtomicRingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new AtomicRingBuffer(2);
   * assert.deepEqual(rb.tryConsume(), { status: "empty" });
   * rb.tryProduce(1);
   * assert.deepEqual(rb.tryConsume(), { status: "ok", value: 1 });
   * ```
   */
  tryConsume(): TryConsumeResult<T> {
    return this.#take() ?? EMPTY;
  }

  /**
   * Stops the buffer now, on every thread: waiting and later producers get
   * `"stopped"` (their items were not inserted), waiting and later
   * consumers get `{ status: "stopped" }`, and a pending
   * {@linkcode AtomicRingBuffer.prototype.shutdownDrain} resolves. Calling
   * it again does nothing.
   *
   * @returns The items that were still in the buffer, oldest first; they
   * are removed, so the caller decides what happens to them.
   *
   * @example
   * ```ts
   * import { AtomicRingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new AtomicRingBuffer(1);
   * rb.tryProduce(1);
   * const blocked = rb.produce(2);
   * assert.deepEqual(rb.shutdown(), [1]);
   * assert.equal(await blocked, "stopped");
   * assert.deepEqual(await rb.consume(), { status: "stopped" });
   * ```
   */
  shutdown(): T[] {
    const view = this.#view;
    Atomics.or(view, TAIL, CLOSED);
    if ((Atomics.or(view, STATE, STOPPED) & STOPPED) !== 0) return [];
    const left: T[] = [];
    for (;;) {
      const item = this.#pop(true);
      if (item === undefined) break;
      left.push(item.value);
    }
    this.#wakeAll();
    return left;
  }

  /**
   * Stops taking items and lets consumers take what is left. Waiting and
   * later producers get `"stopped"` at once (their items were not
   * inserted); consumers keep getting the buffered items, and once the
   * buffer is empty it stops: waiting consumers get `{ status: "stopped" }`
   * and the returned promise resolves. If the buffer is already empty it
   * stops at once.
   *
   * @param options An abort signal to stop waiting for the drain; the
   * buffer keeps draining, and {@linkcode AtomicRingBuffer.prototype.shutdown}
   * can then stop it at once.
   * @returns A promise that resolves when the buffer has stopped. Rejects
   * with `signal.reason` if the signal aborts first (or already has).
   *
   * @example
   * ```ts
   * import { AtomicRingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new AtomicRingBuffer(4);
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
  shutdownDrain(options?: AtomicRingBufferWaitOptions): Promise<void> {
    const signal = options?.signal;
    if (signal !== undefined && signal.aborted) {
      return Promise.reject(signal.reason);
    }
    const view = this.#view;
    if ((Atomics.or(view, TAIL, CLOSED) & CLOSED) === 0) {
      // Producers waiting for room must see "stopped" now.
      Atomics.add(view, SPACE, 1);
      this.#space.wake(Infinity);
    }
    return waitUntil(this.#space, () => this.#drained(), signal).then(toVoid);
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
   * import { AtomicRingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new AtomicRingBuffer(4);
   * rb.tryProduce(1);
   * rb.tryProduce(2);
   * rb.shutdownDrain();
   * const seen: number[] = [];
   * for await (const value of rb.values()) seen.push(value);
   * assert.deepEqual(seen, [1, 2]);
   * ```
   */
  async *values(
    options?: AtomicRingBufferWaitOptions,
  ): AsyncIterableIterator<T> {
    for (;;) {
      const result = await this.consume(options);
      if (result.status !== "ok") return;
      yield result.value;
    }
  }

  /**
   * The same as {@linkcode AtomicRingBuffer.prototype.values} without a
   * signal, so `for await (const value of rb)` works.
   *
   * @returns The iterator.
   *
   * @example
   * ```ts
   * import { AtomicRingBuffer } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const rb = new AtomicRingBuffer(2);
   * rb.tryProduce(7);
   * rb.shutdownDrain();
   * const seen: number[] = [];
   * for await (const value of rb) seen.push(value);
   * assert.deepEqual(seen, [7]);
   * ```
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this.values();
  }

  /** The signed distance from `b` to `a`, both sequences modulo 2 WRAP. */
  #diff(a: number, b: number): number {
    const wrap = this.#wrap;
    let d = a - b;
    if (d >= wrap) d -= 2 * wrap;
    else if (d < -wrap) d += 2 * wrap;
    return d;
  }

  /**
   * A number for a bigint buffer (or the reverse) would throw while being
   * stored, after its slot was claimed, which would stall the buffer: refuse
   * it up front.
   */
  #checkItem(value: T, what: string): TypeError | undefined {
    const actual: string = typeof value;
    if (actual === this.#itemType) return undefined;
    return new TypeError(
      `Cannot ${what} item: expected a ${this.#itemType} (the ring buffer holds ${this.type.name} elements), got ${
        describe(value)
      }`,
    );
  }

  #push(value: T): TryProduceResult {
    const view = this.#view;
    const cap = this.#capacity;
    for (;;) {
      const tail = Atomics.load(view, TAIL);
      if ((tail & CLOSED) !== 0) return "stopped";
      const slot = tail % cap;
      const d = this.#diff(Atomics.load(view, SEQ + slot), 2 * tail);
      if (d === 0) {
        const next = tail + 1 === this.#wrap ? 0 : tail + 1;
        if (Atomics.compareExchange(view, TAIL, tail, next) === tail) {
          this.#data[slot] = value;
          Atomics.store(view, SEQ + slot, 2 * tail + 1);
          Atomics.add(view, ITEMS, 1);
          this.#items.wake(1);
          return "produced";
        }
      } else if (d < 0) {
        return "full";
      }
    }
  }

  /**
   * Takes the oldest item if it is there. `force` ignores the stopped flag
   * and waits out producers that claimed a slot but have not written it.
   */
  #pop(force: boolean): { status: "ok"; value: T } | undefined {
    const view = this.#view;
    const cap = this.#capacity;
    for (;;) {
      const head = Atomics.load(view, HEAD);
      const slot = head % cap;
      const d = this.#diff(Atomics.load(view, SEQ + slot), 2 * head + 1);
      if (d === 0) {
        const next = head + 1 === this.#wrap ? 0 : head + 1;
        if (Atomics.compareExchange(view, HEAD, head, next) === head) {
          const value = this.#data[slot]!;
          const free = head + cap;
          Atomics.store(
            view,
            SEQ + slot,
            2 * (free >= this.#wrap ? free - this.#wrap : free),
          );
          Atomics.add(view, SPACE, 1);
          this.#space.wake(1);
          return { status: "ok", value };
        }
      } else if (d < 0) {
        if (!force) return undefined;
        // Empty, unless a producer claimed the slot and is writing it.
        if ((Atomics.load(view, TAIL) & ~CLOSED) === head) return undefined;
      }
    }
  }

  #take(): ConsumeResult<T> | undefined {
    const view = this.#view;
    if ((Atomics.load(view, STATE) & STOPPED) !== 0) return STOPPED_RESULT;
    const item = this.#pop(false);
    if (item !== undefined) {
      if ((Atomics.load(view, TAIL) & CLOSED) !== 0) this.#drained();
      return item;
    }
    return this.#drained() ? STOPPED_RESULT : undefined;
  }

  /**
   * Whether the buffer is stopped, or closed and empty (then it stops it).
   * Returns `undefined` for "not yet", as `waitUntil` expects.
   */
  #drained(): true | undefined {
    const view = this.#view;
    if ((Atomics.load(view, STATE) & STOPPED) !== 0) return true;
    const tail = Atomics.load(view, TAIL);
    if ((tail & CLOSED) === 0) return undefined;
    if (Atomics.load(view, HEAD) !== (tail & ~CLOSED)) return undefined;
    if ((Atomics.or(view, STATE, STOPPED) & STOPPED) === 0) this.#wakeAll();
    return true;
  }

  #wakeAll(): void {
    const view = this.#view;
    Atomics.add(view, ITEMS, 1);
    Atomics.add(view, SPACE, 1);
    this.#items.wake(Infinity);
    this.#space.wake(Infinity);
  }
}

function toVoid(): void {}
