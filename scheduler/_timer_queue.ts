// Copyright 2026 the coro authors. Apache-2.0 license.

/**
 * One pending timer of an `IoScheduler`. `resume` runs when the deadline is
 * reached; `fail` runs instead when the scheduler shuts down first. Without
 * `fail`, shutdown calls `resume` with a rejected promise: for a plain sleep
 * `resume` is the promise's resolve function, so the sleeper needs no second
 * retained closure (a million sleepers save tens of megabytes).
 */
export class TimerEntry {
  /** Called when the deadline is reached. */
  resume: (value?: unknown) => unknown;
  /** Called with a `ShutdownError` when the timer is cancelled by shutdown. */
  fail: ((reason: unknown) => void) | undefined;
  /** The bucket holding the entry, or `undefined` once fired or removed. */
  bucket: Bucket | undefined = undefined;
  /** Position in `bucket.items`. */
  pos = 0;

  constructor(
    resume: (value?: unknown) => unknown,
    fail?: (reason: unknown) => void,
  ) {
    this.resume = resume;
    this.fail = fail;
  }
}

/** The timers due in one whole millisecond, in insertion order. */
class Bucket {
  key: number;
  items: (TimerEntry | undefined)[] = [];
  live = 0;
  constructor(key: number) {
    this.key = key;
  }
}

/**
 * The timers of an `IoScheduler`: deadlines are rounded up to a whole
 * millisecond and timers due in the same millisecond share a bucket, an
 * array in insertion order (so ties fire first in, first out with no
 * sequence numbers). A binary min-heap orders the distinct bucket keys.
 *
 * Why buckets and not one heap of timers: a million sleepers with nearby
 * deadlines land in a few thousand buckets, so adding a timer is an array
 * push and waking them all is a linear walk, instead of a million
 * O(log n) sift operations that each miss the cache (measured: popping a
 * million timers from a heap took seconds). Removal (an aborted sleep) is
 * O(1): the slot is cleared, and an emptied bucket drops its array at once
 * (the bucket itself, a few dozen bytes, stays until its millisecond comes,
 * so a stream of cancelled timeouts reuses it instead of piling up keys).
 */
export class TimerQueue {
  #buckets = new Map<number, Bucket>();
  /** The keys of `#buckets`, as a binary min-heap. */
  #keys: number[] = [];
  #size = 0;

  /** Number of pending timers. */
  get size(): number {
    return this.#size;
  }

  /**
   * The deadline of the earliest pending timer (a whole millisecond), or
   * `undefined` when there is none.
   */
  peekTime(): number | undefined {
    const keys = this.#keys;
    while (keys.length > 0) {
      const key = keys[0]!;
      if (this.#buckets.get(key)!.live > 0) return key;
      this.#buckets.delete(key);
      this.#popKey();
    }
    return undefined;
  }

  /** Adds a timer due at `time` (rounded up to a whole millisecond). */
  push(time: number, entry: TimerEntry): void {
    const key = Math.ceil(time);
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = new Bucket(key);
      this.#buckets.set(key, bucket);
      this.#pushKey(key);
    }
    entry.bucket = bucket;
    entry.pos = bucket.items.length;
    bucket.items.push(entry);
    bucket.live++;
    this.#size++;
  }

  /** Removes `entry` if it is pending; returns whether it was. */
  delete(entry: TimerEntry): boolean {
    const bucket = entry.bucket;
    if (bucket === undefined) return false;
    entry.bucket = undefined;
    bucket.items[entry.pos] = undefined;
    this.#size--;
    if (--bucket.live === 0) bucket.items = [];
    return true;
  }

  /**
   * Takes out the earliest bucket if it is due at `now`, and returns its
   * slots in order (each timer already detached, so it can be fired; a
   * removed timer leaves an `undefined` hole), or `undefined` when nothing is
   * due.
   */
  takeDue(now: number): readonly (TimerEntry | undefined)[] | undefined {
    const key = this.peekTime();
    if (key === undefined || key > now) return undefined;
    const bucket = this.#buckets.get(key)!;
    this.#buckets.delete(key);
    this.#popKey();
    // Detach every timer before any fires, so code run by one of them
    // cannot remove another from under the caller.
    const items = bucket.items;
    for (const entry of items) {
      if (entry !== undefined) entry.bucket = undefined;
    }
    this.#size -= bucket.live;
    return items;
  }

  #pushKey(key: number): void {
    const keys = this.#keys;
    let i = keys.length;
    keys.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = keys[parent]!;
      if (p <= key) break;
      keys[i] = p;
      i = parent;
    }
    keys[i] = key;
  }

  #popKey(): void {
    const keys = this.#keys;
    const last = keys.pop()!;
    const n = keys.length;
    if (n === 0) return;
    let i = 0;
    while (true) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && keys[right]! < keys[left]!) child = right;
      if (keys[child]! >= last) break;
      keys[i] = keys[child]!;
      i = child;
    }
    keys[i] = last;
  }
}
