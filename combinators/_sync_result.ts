// Copyright 2026 the coro authors. Apache-2.0 license.

/**
 * The protocol `syncWait` uses to get a value without an event loop turn.
 *
 * An object with a `[SYNC_RESULT]()` method can be passed to `syncWait`: the
 * method either returns the settled outcome at once (a `Task` whose body ran
 * synchronously) or blocks the calling thread until it has it (work on a
 * `ThreadPool`, waited on with `Atomics.wait`). `{ done: false }` means the
 * outcome needs this thread's own event loop, which `syncWait` reports as an
 * error instead of deadlocking.
 */
export const SYNC_RESULT: unique symbol = Symbol("coro.syncResult");

/** The outcome reported through {@linkcode SYNC_RESULT}. */
export type SyncResult<T> =
  | { readonly done: true; readonly ok: true; readonly value: T }
  | { readonly done: true; readonly ok: false; readonly error: unknown }
  | { readonly done: false; readonly reason?: string };

/** Something `syncWait` can wait on through {@linkcode SYNC_RESULT}. */
export interface SyncWaitable<T> {
  [SYNC_RESULT](): SyncResult<T>;
}
