// Copyright 2026 the coro authors. Apache-2.0 license.

/**
 * Waiting on a word of shared memory without blocking the event loop, shared
 * by the `Atomic*` primitives.
 *
 * Every primitive keeps, next to each word its waiters sleep on, two
 * counters in the same `Int32Array`:
 *
 * - `sleepers`: callers (on any thread) that may be parked in
 *   `Atomics.waitAsync` on the word. A waker that sees 0 skips
 *   `Atomics.notify`, so the uncontended paths never call it.
 * - `stale`: parked entries whose caller gave up (its signal aborted). A
 *   pending `Atomics.waitAsync` cannot be cancelled, so such an entry stays in
 *   the word's wait list and would swallow a wake-up meant for a live waiter.
 *   Wakers therefore notify `count + stale` entries: extra live waiters woken
 *   this way re-check the state and park again, which is harmless.
 *
 * A waiter registers as a sleeper *before* it reads the word and re-checks
 * the state; a waker changes the state, then the word, *before* it reads
 * `sleepers`. With sequentially consistent atomics, either the waker sees
 * the sleeper (and notifies) or the sleeper sees the new state (or
 * `waitAsync` reports "not-equal"), so no wake-up is lost.
 *
 * `waitAsync` compares values, so the word must not return to a value a
 * waiter saw while what the waiter checks has changed (ABA). It is either
 * the whole state the waiter checks (a semaphore's permits) or a counter
 * bumped on every change that may let a waiter through.
 *
 * @module
 */

/**
 * How many times a waiter re-tries before it parks in `Atomics.waitAsync`.
 * Waking a parked thread costs about 45-50 us on our machines; a thread that
 * answers within the spin is seen in well under a microsecond.
 */
export const SPIN_COUNT = 1000;

/** One word that callers wait on, with its waiter accounting. */
export class WaitSite {
  /** The primitive's shared state. */
  readonly view: Int32Array;
  /** Index of the word waiters park on. */
  readonly word: number;
  /** Index of the count of parked waiters. */
  readonly sleepers: number;
  /** Index of the count of parked entries whose caller aborted. */
  readonly stale: number;

  /** Describes a wait word and its two counters, all indexes in `view`. */
  constructor(view: Int32Array, word: number, sleepers: number, stale: number) {
    this.view = view;
    this.word = word;
    this.sleepers = sleepers;
    this.stale = stale;
  }

  /**
   * Wakes up to `count` parked waiters (plus as many as there are stale
   * entries). Call it after changing the state.
   */
  wake(count: number): void {
    const view = this.view;
    if (Atomics.load(view, this.sleepers) === 0) return;
    Atomics.notify(view, this.word, count + Atomics.load(view, this.stale));
  }
}

/**
 * Keeps the event loop alive while at least one waiter is parked: a pending
 * `Atomics.waitAsync` does not. One interval is shared by every waiter of
 * this thread, and cleared as soon as the last one is done.
 */
let keepAliveCount = 0;
let keepAliveTimer: ReturnType<typeof setInterval> | undefined;

function noop(): void {}

function holdAlive(): void {
  if (keepAliveCount++ === 0) keepAliveTimer = setInterval(noop, 2 ** 30);
}

function releaseAlive(): void {
  if (--keepAliveCount === 0) {
    clearInterval(keepAliveTimer);
    keepAliveTimer = undefined;
  }
}

/** Optional hooks of {@linkcode waitUntil}. */
export interface WaitHooks {
  /**
   * Runs when the signal aborts, before the promise rejects: withdraws a
   * registration made before the wait.
   */
  onAbort?: () => void;
  /**
   * Runs when a parked waiter was woken but `attempt` still fails, before it
   * parks again: passes on a wake-up that was meant for someone else.
   */
  onMissedWake?: () => void;
  /** How many attempts to spin before parking. */
  spin?: number;
}

/**
 * Re-runs `attempt` until it returns something other than `undefined`:
 * first `SPIN_COUNT` times in a row, then each time the site's word changes,
 * parked in `Atomics.waitAsync` in between.
 *
 * `attempt` must be cheap and must only take something (a permit, the lock,
 * an item) when it returns a result, so an abort never loses anything. When
 * `signal` aborts, `hooks.onAbort` runs, then the promise rejects with
 * `signal.reason`.
 */
export function waitUntil<T>(
  site: WaitSite,
  attempt: () => T | undefined,
  signal: AbortSignal | undefined,
  hooks?: WaitHooks,
): Promise<T> {
  const spin = hooks?.spin ?? SPIN_COUNT;
  for (let i = 0; i < spin; i++) {
    const result = attempt();
    if (result !== undefined) return Promise.resolve(result);
  }
  return new Promise<T>((resolve, reject) => {
    const { view, word, sleepers, stale } = site;
    let parked = false;
    let done = false;

    const abortListener = (): void => {
      if (done) return;
      done = true;
      if (parked) Atomics.add(view, stale, 1);
      hooks?.onAbort?.();
      releaseAlive();
      // Our parked entry may already have been handed a wake-up meant for a
      // live waiter: pass one on (this also clears our own entry early).
      if (parked) Atomics.notify(view, word, 1 + Atomics.load(view, stale));
      reject(signal!.reason);
    };

    const finish = (result: T): void => {
      done = true;
      signal?.removeEventListener("abort", abortListener);
      releaseAlive();
      resolve(result);
    };

    const onWake = (): void => {
      parked = false;
      Atomics.sub(view, sleepers, 1);
      if (done) {
        Atomics.sub(view, stale, 1);
        return;
      }
      step(true);
    };

    const step = (woken: boolean): void => {
      for (;;) {
        Atomics.add(view, sleepers, 1);
        const seen = Atomics.load(view, word);
        const result = attempt();
        if (result !== undefined) {
          Atomics.sub(view, sleepers, 1);
          finish(result);
          return;
        }
        if (woken) {
          woken = false;
          hooks?.onMissedWake?.();
        }
        const waiting = Atomics.waitAsync(view, word, seen);
        if (waiting.async) {
          parked = true;
          waiting.value.then(onWake);
          return;
        }
        Atomics.sub(view, sleepers, 1);
      }
    };

    holdAlive();
    signal?.addEventListener("abort", abortListener, { once: true });
    step(false);
  });
}

/**
 * Checks a handle passed to a `from()` factory (its kind, a
 * `SharedArrayBuffer` of at least `minBytes`, the magic number in word 0)
 * and returns its buffer.
 */
export function checkHandle(
  handle: unknown,
  kind: string,
  magic: number,
  minBytes: number,
): SharedArrayBuffer {
  const what = `Cannot create ${kind} from handle`;
  if (typeof handle !== "object" || handle === null) {
    throw new TypeError(
      `${what}: expected the object from ${kind}.prototype.handle, got ${
        handle === null ? "null" : typeof handle
      }`,
    );
  }
  const { kind: k, buffer } = handle as { kind?: unknown; buffer?: unknown };
  if (k !== kind) {
    throw new TypeError(
      `${what}: expected kind ${JSON.stringify(kind)}, got ${
        typeof k === "string" ? JSON.stringify(k) : typeof k
      }`,
    );
  }
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw new TypeError(
      `${what}: expected buffer to be a SharedArrayBuffer, got ${
        buffer === null
          ? "null"
          : typeof buffer === "object"
          ? (buffer.constructor?.name ?? "an object")
          : typeof buffer
      }`,
    );
  }
  if (
    buffer.byteLength < minBytes ||
    Atomics.load(new Int32Array(buffer, 0, 1), 0) !== magic
  ) {
    throw new TypeError(
      `${what}: the buffer does not hold an ${kind}`,
    );
  }
  return buffer;
}
