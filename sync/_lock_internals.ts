// Copyright 2026 the coro authors. Apache-2.0 license.

import type { MutexLock } from "./mutex.ts";

export type { MutexLock };

/**
 * What `ConditionVariable` needs from `Mutex` beyond its public API: giving
 * up the mutex a lock holds and taking it back for the same lock object, so
 * the caller's `using lock` scope stays valid across a wait. `mutex.ts` fills
 * this in when it loads; nothing outside `sync/` can reach it.
 */
export interface MutexInternals {
  /** Releases the mutex held by `lock` (which must hold it). */
  release(lock: MutexLock): void;
  /** Re-acquires the mutex for `lock`, waiting (FIFO, not abortable). */
  relock(lock: MutexLock): Promise<unknown>;
}

/** Filled in by `mutex.ts`. */
export const mutexInternals: MutexInternals = {
  /** Placeholder until `mutex.ts` loads. */
  release(): void {
    throw new Error("Cannot use mutex internals: mutex.ts is not loaded");
  },
  /** Placeholder until `mutex.ts` loads. */
  relock(): Promise<unknown> {
    throw new Error("Cannot use mutex internals: mutex.ts is not loaded");
  },
};
