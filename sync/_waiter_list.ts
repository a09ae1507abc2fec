// Copyright 2026 the coro authors. Apache-2.0 license.

/**
 * One suspended caller: the settle functions of its promise, its abort
 * signal, and its links in a {@linkcode WaiterList}. The list is intrusive
 * (the links live on the waiter) so an aborted waiter leaves its queue in
 * O(1) whatever the backlog, which a ring-buffer deque cannot do.
 *
 * `kind` and `data` are free slots for the owning primitive (reader/writer
 * flag, the lock object to hand over, ...), so a waiter is one allocation.
 */
export class Waiter<T> {
  /** The waiter before this one in its list. */
  prev: Waiter<T> | undefined = undefined;
  /** The waiter after this one in its list. */
  next: Waiter<T> | undefined = undefined;
  /** The list this waiter is queued in, `undefined` once it has left. */
  list: WaiterList<T> | undefined = undefined;
  /** Fulfils the waiter's promise. */
  resolve: (value: T) => void;
  /** Rejects the waiter's promise. */
  reject: (reason: unknown) => void;
  /** The signal being listened to, until the waiter settles. */
  signal: AbortSignal | undefined = undefined;
  /** The abort listener, until the waiter settles. */
  onAbort: (() => void) | undefined = undefined;
  /** A tag for the owning primitive (reader or writer, ...). */
  kind: number;
  /** A value for the owning primitive (the lock to hand over, ...). */
  data: unknown;

  /**
   * Makes a waiter that is in no list yet.
   *
   * @param resolve Fulfils the waiter's promise.
   * @param reject Rejects the waiter's promise.
   * @param kind A tag for the owning primitive.
   * @param data A value for the owning primitive.
   */
  constructor(
    resolve: (value: T) => void,
    reject: (reason: unknown) => void,
    kind: number,
    data: unknown,
  ) {
    this.resolve = resolve;
    this.reject = reject;
    this.kind = kind;
    this.data = data;
  }

  /** Stops listening to the signal; call once the waiter is settled. */
  detachSignal(): void {
    if (this.onAbort !== undefined) {
      this.signal!.removeEventListener("abort", this.onAbort);
      this.onAbort = undefined;
      this.signal = undefined;
    }
  }

  /** Stops listening to the signal and fulfils the waiter's promise. */
  settle(value: T): void {
    this.detachSignal();
    this.resolve(value);
  }
}

/** A doubly-linked FIFO/LIFO of {@linkcode Waiter}s with O(1) removal. */
export class WaiterList<T> {
  /** The front waiter. */
  head: Waiter<T> | undefined = undefined;
  /** The back waiter. */
  tail: Waiter<T> | undefined = undefined;
  /** The number of waiters queued. */
  length = 0;

  /** Appends a waiter at the back. */
  push(waiter: Waiter<T>): void {
    waiter.list = this;
    waiter.prev = this.tail;
    waiter.next = undefined;
    if (this.tail === undefined) this.head = waiter;
    else this.tail.next = waiter;
    this.tail = waiter;
    this.length++;
  }

  /** Removes and returns the front waiter. */
  shift(): Waiter<T> | undefined {
    const waiter = this.head;
    if (waiter !== undefined) this.remove(waiter);
    return waiter;
  }

  /** Removes and returns the back waiter. */
  pop(): Waiter<T> | undefined {
    const waiter = this.tail;
    if (waiter !== undefined) this.remove(waiter);
    return waiter;
  }

  /** Unlinks a waiter that is in this list. */
  remove(waiter: Waiter<T>): void {
    const { prev, next } = waiter;
    if (prev === undefined) this.head = next;
    else prev.next = next;
    if (next === undefined) this.tail = prev;
    else next.prev = prev;
    waiter.prev = waiter.next = waiter.list = undefined;
    this.length--;
  }

  /**
   * Fulfils every queued waiter with `value`, front first, or back first
   * when `lifo`.
   */
  settleAll(value: T, lifo = false): void {
    let waiter: Waiter<T> | undefined;
    while ((waiter = lifo ? this.pop() : this.shift()) !== undefined) {
      waiter.settle(value);
    }
  }
}

/**
 * Queues a new waiter on `list` and returns its promise. When `signal`
 * aborts first, the waiter leaves the list at once, `onAbort` (if any) runs
 * so the primitive can wake whoever the waiter was blocking, and the promise
 * rejects with `signal.reason`. The caller has already checked
 * `signal.aborted`.
 */
export function enqueue<T>(
  list: WaiterList<T>,
  signal: AbortSignal | undefined,
  kind: number,
  data: unknown,
  afterAbort?: (waiter: Waiter<T>) => void,
): Promise<T> {
  let waiter!: Waiter<T>;
  const promise = new Promise<T>((resolve, reject) => {
    waiter = new Waiter(resolve, reject, kind, data);
  });
  list.push(waiter);
  if (signal !== undefined) {
    const onAbort = (): void => {
      waiter.onAbort = undefined;
      waiter.signal = undefined;
      if (waiter.list === undefined) return;
      waiter.list.remove(waiter);
      afterAbort?.(waiter);
      waiter.reject(signal.reason);
    };
    waiter.signal = signal;
    waiter.onAbort = onAbort;
    signal.addEventListener("abort", onAbort, { once: true });
  }
  return promise;
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * The `wait()` of a one-shot primitive (`Event`, `Latch`): rejects with
 * `signal.reason` if the signal has already aborted, resolves (after the
 * usual `await` turn) if the primitive is `ready`, else queues a waiter on
 * `list`.
 */
export function waitUntilReady(
  list: WaiterList<void>,
  ready: boolean,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ready) return RESOLVED;
  return enqueue(list, signal, 0, undefined);
}
