// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * Async synchronisation primitives, libcoro's `coro::event`, `latch`,
 * `mutex`, `shared_mutex`, `semaphore`, `condition_variable`, `ring_buffer`
 * and `queue`. The plain forms (`Event`, `Mutex`, ...) coordinate tasks on
 * one JavaScript thread and cost little more than an `await`; the `Atomic*`
 * forms (`AtomicMutex`, `AtomicSemaphore`, ...) live in a
 * `SharedArrayBuffer` and coordinate the main thread with Workers.
 *
 * Every call that can wait takes `{ signal }`: an aborted wait rejects with
 * `signal.reason` (also when the signal is already aborted), leaves its
 * queue at once and never consumes a lock, permit or item. Locks are
 * `Disposable`, so `using lock = await mutex.lock()` releases on every path.
 * Misuse, such as unlocking a lock twice or counting a latch below zero,
 * throws a clear error and changes nothing.
 *
 * @example A mutex, an event and a latch together
 * ```ts
 * import { Event, Latch, Mutex } from "@coro/coro/sync";
 * import assert from "node:assert/strict";
 *
 * const start = new Event();
 * const done = new Latch(3);
 * const mutex = new Mutex();
 * const log: number[] = [];
 * for (const i of [1, 2, 3]) {
 *   (async () => {
 *     await start;
 *     using _lock = await mutex.lock();
 *     log.push(i);
 *     done.countDown();
 *   })();
 * }
 * start.set();
 * await done;
 * assert.deepEqual(log.toSorted(), [1, 2, 3]);
 * ```
 *
 * @module
 */

export * from "./atomic_event.ts";
export * from "./atomic_latch.ts";
export * from "./atomic_mutex.ts";
export * from "./atomic_ring_buffer.ts";
export * from "./atomic_semaphore.ts";
export * from "./condition_variable.ts";
export * from "./event.ts";
export * from "./latch.ts";
export * from "./mutex.ts";
export * from "./queue.ts";
export * from "./ring_buffer.ts";
export * from "./semaphore.ts";
export * from "./shared_mutex.ts";
