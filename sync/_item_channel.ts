// Copyright 2026 the coro authors. Apache-2.0 license.

import { Deque } from "./_deque.ts";
import {
  ChannelIterator,
  deliver,
  DONE_PROMISE,
  EMPTY,
  park,
  type Parked,
  settle,
  stop,
  STOPPED,
  STOPPED_PROMISE,
  wait,
  type Waiter,
  wake,
} from "./_channel.ts";
import type {
  ChannelState,
  ProduceResult,
  TryConsumeResult,
  TryProduceResult,
} from "./ring_buffer.ts";

const RUNNING = 0;
const DRAINING = 1;
const STOPPED_STATE = 2;
const STATE_NAMES: readonly ChannelState[] = ["running", "draining", "stopped"];

const PRODUCED_PROMISE: Promise<ProduceResult> = Promise.resolve("produced");
const PRODUCE_STOPPED_PROMISE: Promise<ProduceResult> = Promise.resolve(
  "stopped",
);
const VOID_PROMISE: Promise<void> = Promise.resolve();

/**
 * The state and logic shared by `RingBuffer` and `Queue`: an item deque, the
 * wait queues of producers, consumers and drain callers, and the
 * running, draining, stopped life cycle. A `Queue` is one with an
 * infinite capacity, so its producers never wait (its producer queue stays
 * empty). The public classes hold one of these and add the documented API.
 */
export class ItemChannel<T> {
  /** The most items held; `Infinity` for an unbounded queue. */
  readonly capacity: number;
  /** The items held, oldest first. */
  readonly items: Deque<T>;
  /** Producers waiting for room, each a `Waiter` carrying its item. */
  readonly producers: Deque<Parked> = new Deque<Parked>();
  /** Consumers waiting for an item. */
  readonly consumers: Deque<Parked> = new Deque<Parked>();
  #drainWaiters = new Deque<Parked>();
  #state = RUNNING;

  /**
   * Makes a running, empty channel.
   *
   * @param capacity The most items held, or `Infinity`.
   * @param initialCapacity The item deque's starting capacity.
   */
  constructor(capacity: number, initialCapacity?: number) {
    this.capacity = capacity;
    this.items = new Deque(initialCapacity);
  }

  /** `"running"`, `"draining"` or `"stopped"`. */
  get state(): ChannelState {
    return STATE_NAMES[this.#state]!;
  }

  /** Adds an item if that needs no wait. */
  tryProduce(value: T): TryProduceResult {
    if (this.#state !== RUNNING) return "stopped";
    const consumer = this.consumers.shift();
    if (consumer !== undefined) {
      deliver(consumer, value);
      return "produced";
    }
    if (this.items.length < this.capacity) {
      this.items.push(value);
      return "produced";
    }
    return "full";
  }

  /** Adds an item, waiting (FIFO) while the channel is full. */
  produce(value: T, signal: AbortSignal | undefined): Promise<ProduceResult> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#state !== RUNNING) return PRODUCE_STOPPED_PROMISE;
    const consumer = this.consumers.shift();
    if (consumer !== undefined) {
      deliver(consumer, value);
      return PRODUCED_PROMISE;
    }
    if (this.items.length < this.capacity) {
      this.items.push(value);
      return PRODUCED_PROMISE;
    }
    return wait(this.producers, signal, value, false);
  }

  /**
   * Takes the oldest item, waiting (FIFO) while the channel is empty; in
   * iterator mode (`iter`) it resolves with an `IteratorResult`, else with
   * a `ConsumeResult`.
   */
  take(signal: AbortSignal | undefined, iter: boolean): Promise<unknown> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.items.length > 0) {
      const value = this.items.shift()!;
      this.#afterTake();
      return Promise.resolve(
        iter ? { done: false, value } : { status: "ok", value },
      );
    }
    if (this.#state === RUNNING) {
      return iter
        ? wait(this.consumers, signal, undefined, true)
        : park(this.consumers, signal);
    }
    return iter ? DONE_PROMISE : STOPPED_PROMISE;
  }

  /** Takes the oldest item if there is one, without waiting. */
  tryTake(): TryConsumeResult<T> {
    if (this.items.length > 0) {
      const value = this.items.shift()!;
      this.#afterTake();
      return { status: "ok", value };
    }
    return this.#state === RUNNING ? EMPTY : STOPPED;
  }

  /** Stops now and returns the items left, oldest first. */
  shutdown(): T[] {
    if (this.#state === STOPPED_STATE) return [];
    const left = this.items.drain();
    this.#stopProducers();
    this.#stop();
    return left;
  }

  /** Refuses new items and stops once the items left are taken. */
  shutdownDrain(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#state === RUNNING) {
      this.#state = DRAINING;
      this.#stopProducers();
      if (this.items.length === 0) this.#stop();
    }
    if (this.#state === STOPPED_STATE) return VOID_PROMISE;
    return park(this.#drainWaiters, signal);
  }

  /** An async iterator over the items, ending when the channel stops. */
  values(signal: AbortSignal | undefined): AsyncIterableIterator<T> {
    return new ChannelIterator<T>(
      (signal) => this.take(signal, true) as Promise<IteratorResult<T>>,
      signal,
    );
  }

  /** Refills the freed slot from a waiting producer, or ends a drain. */
  #afterTake(): void {
    const producer = this.producers.shift() as Waiter | undefined;
    if (producer !== undefined) {
      this.items.push(producer.value as T);
      producer.value = undefined;
      settle(producer, "produced");
    } else if (this.#state === DRAINING && this.items.length === 0) {
      this.#stop();
    }
  }

  #stopProducers(): void {
    let producer: Waiter | undefined;
    while (
      (producer = this.producers.shift() as Waiter | undefined) !== undefined
    ) {
      producer.value = undefined;
      settle(producer, "stopped");
    }
  }

  #stop(): void {
    this.#state = STOPPED_STATE;
    let waiter: Parked | undefined;
    while ((waiter = this.consumers.shift()) !== undefined) stop(waiter);
    while ((waiter = this.#drainWaiters.shift()) !== undefined) {
      wake(waiter, undefined);
    }
  }
}
