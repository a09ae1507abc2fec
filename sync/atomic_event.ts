// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * A manual-reset event shared between threads through a
 * `SharedArrayBuffer`: {@linkcode AtomicEvent}, the cross-Worker form of
 * `Event`.
 *
 * @module
 */

import { checkHandle, WaitSite, waitUntil } from "./_atomic_wait.ts";

/** Options for the {@linkcode AtomicEvent} constructor. */
export interface AtomicEventOptions {
  /**
   * Whether the event starts out set.
   *
   * @default {false}
   */
  initiallySet?: boolean;
}

/** Options for {@linkcode AtomicEvent.prototype.wait}. */
export interface AtomicEventWaitOptions {
  /**
   * Stops waiting when aborted: the call rejects with `signal.reason` at
   * once.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * A structured-cloneable description of an {@linkcode AtomicEvent}: post it
 * to a Worker and rebuild the event there with {@linkcode AtomicEvent.from}.
 */
export interface AtomicEventHandle {
  /** Always `"AtomicEvent"`. */
  readonly kind: "AtomicEvent";
  /** The shared memory holding the event state. */
  readonly buffer: SharedArrayBuffer;
}

// Memory layout (Int32Array over the SharedArrayBuffer):
//   [0] MAGIC     identifies the buffer as an AtomicEvent
//   [1] STATE     bit 0: set; bits 1..31: how many times it was set (wraps),
//                 so a waiter resumes even if a reset follows the set at once
//   [2] SLEEPERS  waiters parked in Atomics.waitAsync on STATE
//   [3] STALE     parked entries whose caller aborted
const MAGIC = 0x45766e74; // "Evnt"
const STATE = 1;
const SLEEPERS = 2;
const STALE = 3;
const WORDS = 4;

const SET = 1;

const RESOLVED: Promise<void> = Promise.resolve();

let adopted: SharedArrayBuffer | undefined;

/**
 * A manual-reset event that works across Worker threads: libcoro's
 * thread-safe `coro::event`, backed by a `SharedArrayBuffer`. Post its
 * {@linkcode AtomicEvent.prototype.handle} to Workers and call
 * {@linkcode AtomicEvent.from} there; a `set()` on any thread resumes the
 * waiters on every thread.
 *
 * It has the same methods as the local `Event` and is awaitable too
 * (`await event` is `await event.wait()`). Every caller waiting when the
 * event is set resumes, even if it is reset right after. Waiting never
 * blocks an event loop: a waiter spins briefly, then parks in
 * `Atomics.waitAsync` (holding a timer so the process stays alive while it
 * waits). Waiters on different threads resume in no particular order.
 *
 * @example
 * ```ts
 * import { AtomicEvent } from "@coro/coro/sync";
 * import assert from "node:assert/strict";
 *
 * const event = new AtomicEvent();
 * setTimeout(() => event.set(), 1);
 * await event;
 * assert.equal(event.isSet, true);
 * ```
 */
export class AtomicEvent implements PromiseLike<void> {
  #buffer: SharedArrayBuffer;
  #view: Int32Array;
  #site: WaitSite;
  #handle: AtomicEventHandle | undefined = undefined;

  /**
   * Makes an event in new shared memory.
   *
   * @param options Whether it starts out set.
   *
   * @example
   * ```ts
   * import { AtomicEvent } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new AtomicEvent().isSet, false);
   * assert.equal(new AtomicEvent({ initiallySet: true }).isSet, true);
   * ```
   */
  constructor(options: AtomicEventOptions = {}) {
    let buffer = adopted;
    adopted = undefined;
    if (buffer === undefined) {
      buffer = new SharedArrayBuffer(WORDS * 4);
      const view = new Int32Array(buffer);
      view[STATE] = options.initiallySet ? SET : 0;
      Atomics.store(view, 0, MAGIC);
    }
    const view = new Int32Array(buffer, 0, WORDS);
    this.#buffer = buffer;
    this.#view = view;
    this.#site = new WaitSite(view, STATE, SLEEPERS, STALE);
  }

  /**
   * Rebuilds an event from its handle, typically in a Worker that received
   * the handle by `postMessage`. The result shares its state with the
   * original.
   *
   * @param handle The value of {@linkcode AtomicEvent.prototype.handle}.
   * @returns An event on the same shared memory.
   * @throws {TypeError} If `handle` is not an `AtomicEvent` handle.
   *
   * @example
   * ```ts
   * import { AtomicEvent } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const event = new AtomicEvent();
   * AtomicEvent.from(structuredClone(event.handle)).set();
   * assert.equal(event.isSet, true);
   * ```
   */
  static from(handle: AtomicEventHandle): AtomicEvent {
    adopted = checkHandle(handle, "AtomicEvent", MAGIC, WORDS * 4);
    return new AtomicEvent();
  }

  /**
   * A structured-cloneable handle to post to a Worker, which rebuilds the
   * event with {@linkcode AtomicEvent.from}.
   *
   * @example
   * ```ts
   * import { AtomicEvent } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new AtomicEvent().handle.kind, "AtomicEvent");
   * ```
   */
  get handle(): AtomicEventHandle {
    return this.#handle ??= Object.freeze({
      kind: "AtomicEvent",
      buffer: this.#buffer,
    });
  }

  /**
   * Whether the event is set right now.
   *
   * @example
   * ```ts
   * import { AtomicEvent } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const event = new AtomicEvent();
   * event.set();
   * assert.equal(event.isSet, true);
   * ```
   */
  get isSet(): boolean {
    return (Atomics.load(this.#view, STATE) & SET) !== 0;
  }

  /**
   * Sets the event: every waiter on every thread resumes, and later waits
   * complete at once until {@linkcode AtomicEvent.prototype.reset}. Setting
   * a set event does nothing.
   *
   * @example
   * ```ts
   * import { AtomicEvent } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const event = new AtomicEvent();
   * const waiting = event.wait();
   * event.set();
   * await waiting;
   * assert.equal(event.isSet, true);
   * ```
   */
  set(): void {
    const view = this.#view;
    for (;;) {
      const s = Atomics.load(view, STATE);
      if ((s & SET) !== 0) return;
      // Bump the count of sets as well, so waiters see a change even if a
      // reset follows before they look.
      if (Atomics.compareExchange(view, STATE, s, (s + 2) | SET) === s) break;
    }
    this.#site.wake(Infinity);
  }

  /**
   * Clears the event, so later waits wait for the next
   * {@linkcode AtomicEvent.prototype.set}.
   *
   * @example
   * ```ts
   * import { AtomicEvent } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const event = new AtomicEvent({ initiallySet: true });
   * event.reset();
   * assert.equal(event.isSet, false);
   * ```
   */
  reset(): void {
    Atomics.and(this.#view, STATE, ~SET);
  }

  /**
   * Waits until the event is set. Resolves at once if it is set already.
   *
   * @param options The abort signal.
   * @returns A promise that resolves when the event is set.
   *
   * @example
   * ```ts
   * import { AtomicEvent } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const event = new AtomicEvent();
   * await assert.rejects(
   *   event.wait({ signal: AbortSignal.timeout(5) }),
   *   { name: "TimeoutError" },
   * );
   * event.set();
   * await event.wait();
   * ```
   */
  wait(options?: AtomicEventWaitOptions): Promise<void> {
    const signal = options?.signal;
    if (signal !== undefined && signal.aborted) {
      return Promise.reject(signal.reason);
    }
    const view = this.#view;
    const start = Atomics.load(view, STATE);
    if ((start & SET) !== 0) return RESOLVED;
    return waitUntil(
      this.#site,
      () => Atomics.load(view, STATE) !== start || undefined,
      signal,
    ).then(toVoid);
  }

  /**
   * Waits like {@linkcode AtomicEvent.prototype.wait}, which makes
   * `await event` work.
   *
   * @typeParam R1 The fulfilled callback's result type.
   * @typeParam R2 The rejected callback's result type.
   * @param onfulfilled Called when the event is set.
   * @param onrejected Called if waiting fails.
   * @returns A promise for the callback's result.
   *
   * @example
   * ```ts
   * import { AtomicEvent } from "@coro/coro/sync";
   * import assert from "node:assert/strict";
   *
   * const event = new AtomicEvent();
   * queueMicrotask(() => event.set());
   * await event;
   * assert.equal(event.isSet, true);
   * ```
   */
  then<R1 = void, R2 = never>(
    onfulfilled?: ((value: void) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.wait().then(onfulfilled, onrejected);
  }
}

function toVoid(): void {}
