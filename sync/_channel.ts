// Copyright 2026 the coro authors. Apache-2.0 license.

import type { Deque } from "./_deque.ts";

/** The resolve function of a parked caller's promise. */
export type Resolver = (result: unknown) => void;

/**
 * A parked caller in a wait queue: its bare resolve function when it needs
 * nothing else (no signal, no item, no iterator shape), else a
 * {@linkcode Waiter}. The bare form saves an object per wait, which keeps a
 * contended semaphore clear of garbage-collection pauses.
 */
export type Parked = Waiter | Resolver;

/**
 * One suspended caller of a `Semaphore`, `RingBuffer` or `Queue`:
 * the settle functions of its promise, the deque it waits in, its abort
 * signal and, for a producer, the item it brings. It is also its own abort
 * listener (`handleEvent`), so waiting with a signal allocates no closure.
 *
 * `iter` marks a consumer that reads through an async iterator: it is
 * resolved with an `IteratorResult` instead of a `ConsumeResult`, which
 * saves a promise per item in `for await`.
 */
export class Waiter {
  resolve!: Resolver;
  reject!: (reason: unknown) => void;
  queue: Deque<Parked>;
  signal: AbortSignal | undefined = undefined;
  value: unknown;
  iter: boolean;

  constructor(queue: Deque<Parked>, value: unknown, iter: boolean) {
    this.queue = queue;
    this.value = value;
    this.iter = iter;
  }

  /** The abort listener: leaves the queue and rejects, unless settled. */
  handleEvent(): void {
    const signal = this.signal;
    if (signal === undefined) return;
    this.signal = undefined;
    if (this.queue.delete(this)) {
      this.value = undefined;
      this.reject(signal.reason);
    }
  }
}

// The settle functions of the promise made last: `capture` is a promise
// executor that captures nothing, so no closure and context are allocated
// per wait (a third of a contended semaphore's time is garbage collection).
let capturedResolve: ((result: unknown) => void) | undefined;
let capturedReject: ((reason: unknown) => void) | undefined;

function capture(
  resolve: (result: never) => void,
  reject: (reason: unknown) => void,
): void {
  capturedResolve = resolve as (result: unknown) => void;
  capturedReject = reject;
}

// The iterator-mode waiter queued by the latest `wait()`, for
// `ChannelIterator` to find its pending step without an extra allocation
// (the thread is single).
let lastWaiter: Waiter | undefined = undefined;

/**
 * Queues a new {@linkcode Waiter} at the back of `queue` and returns its
 * promise. The caller has already checked `signal.aborted`.
 */
export function wait<R>(
  queue: Deque<Parked>,
  signal: AbortSignal | undefined,
  value: unknown,
  iter: boolean,
): Promise<R> {
  const promise = new Promise<R>(capture);
  const waiter = new Waiter(queue, value, iter);
  waiter.resolve = capturedResolve!;
  waiter.reject = capturedReject!;
  capturedResolve = capturedReject = undefined;
  if (signal !== undefined) {
    waiter.signal = signal;
    signal.addEventListener("abort", waiter, { once: true });
  }
  queue.push(waiter);
  if (iter) lastWaiter = waiter;
  return promise;
}

/**
 * Queues a caller that needs no item and no iterator shape: without a signal
 * just its resolve function, else a {@linkcode Waiter}. The caller has
 * already checked `signal.aborted`.
 */
export function park<R>(
  queue: Deque<Parked>,
  signal: AbortSignal | undefined,
): Promise<R> {
  if (signal !== undefined) return wait(queue, signal, undefined, false);
  const promise = new Promise<R>(capture);
  queue.push(capturedResolve!);
  capturedResolve = capturedReject = undefined;
  return promise;
}

/** Settles a parked caller already taken out of its queue. */
export function wake(parked: Parked, result: unknown): void {
  if (typeof parked === "function") parked(result);
  else settle(parked, result);
}

/** Settles a waiter already taken out of its queue. */
export function settle(waiter: Waiter, result: unknown): void {
  const signal = waiter.signal;
  if (signal !== undefined) {
    waiter.signal = undefined;
    signal.removeEventListener("abort", waiter);
  }
  waiter.resolve(result);
}

/** The shared result of a consume or pop that found the channel stopped. */
export const STOPPED: { readonly status: "stopped" } = Object.freeze({
  status: "stopped",
});

/** The shared result of a try-consume that found nothing (yet). */
export const EMPTY: { readonly status: "empty" } = Object.freeze({
  status: "empty",
});

/** The shared end of an async iteration. */
export const DONE: IteratorReturnResult<undefined> = Object.freeze({
  done: true,
  value: undefined,
});

/** The promise of a consume or pop that found the channel stopped. */
export const STOPPED_PROMISE: Promise<{ readonly status: "stopped" }> = Promise
  .resolve(STOPPED);

/** The promise of an iterator step that found the channel stopped. */
export const DONE_PROMISE: Promise<IteratorReturnResult<undefined>> = Promise
  .resolve(DONE);

/** Hands `value` to a waiting consumer, in the shape it asked for. */
export function deliver(parked: Parked, value: unknown): void {
  if (typeof parked === "function") parked({ status: "ok", value });
  else {
    settle(
      parked,
      parked.iter ? { done: false, value } : { status: "ok", value },
    );
  }
}

/** Tells a waiting consumer that the channel stopped. */
export function stop(parked: Parked): void {
  if (typeof parked === "function") parked(STOPPED);
  else settle(parked, parked.iter ? DONE : STOPPED);
}

/**
 * The async iterator of a channel. `take` is the channel's consume in
 * iterator mode: it resolves with an `IteratorResult` directly. Returning
 * early (a `break` in `for await`) ends this iterator only; the channel and
 * its items stay for other consumers. A step still waiting when `return()`
 * is called leaves the queue and resolves as done, so it can never take an
 * item that nobody reads.
 */
export class ChannelIterator<T> implements AsyncIterableIterator<T> {
  #take: (signal: AbortSignal | undefined) => Promise<IteratorResult<T>>;
  #signal: AbortSignal | undefined;
  #done = false;
  #pending: Waiter | undefined = undefined;

  constructor(
    take: (signal: AbortSignal | undefined) => Promise<IteratorResult<T>>,
    signal: AbortSignal | undefined,
  ) {
    this.#take = take;
    this.#signal = signal;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#done) return DONE_PROMISE;
    lastWaiter = undefined;
    const step = this.#take(this.#signal);
    this.#pending = lastWaiter;
    lastWaiter = undefined;
    return step;
  }

  return(): Promise<IteratorResult<T>> {
    this.#done = true;
    const pending = this.#pending;
    if (pending !== undefined) {
      this.#pending = undefined;
      if (pending.queue.delete(pending)) settle(pending, DONE);
    }
    return DONE_PROMISE;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
