// Copyright 2026 the coro authors. Apache-2.0 license.
// The read/write core shared by every stream client in net/ (TCP, TLS).
//
// API summary (for client classes that wrap a Deno.Conn-like object):
//
//   const core = new ConnCore(conn);           // conn: StreamConn (Deno.Conn, Deno.TlsConn, ...)
//   core.conn                                  // the wrapped object
//   await core.readSome(buf, { timeout, signal })  -> IoResult, bytes > 0 or status "closed" at EOF
//   await core.readExact(buf, { timeout, signal }) -> IoResult, "ok" only when buf is full
//   await core.writeSome(bytes, { timeout, signal }) -> IoResult, one write (may be partial)
//   await core.writeAll(bytes, { timeout, signal })  -> IoResult, "ok" only when all is written
//   await core.closeWrite()                    -> IoResult (bytes 0), after queued writes
//   core.close()                               // idempotent; the owner's close
//   core.close(true)                           // forced close (server shutdown): later calls
//                                              // report "closed" instead of throwing
//   core.closed                                // whether close() ran
//   core.onClose(callback)                     // called once, on the first close
//   checkPort(what, port, min), checkTimeout(what, timeout): argument checks
//   checkReusePort(api)                        // throws NotSupported without --unstable-net
//   await settleConnect(connecting, { hostname, port, timeout, signal })
//                                              // bounds a connect attempt
//   statusOf(error)                            // the io status of a socket error
//   coreOf(conn)                               // the ConnCore made for conn, if any (servers
//                                              // use it to track and force-close clients)
//
// Errors are statuses (see io_status.ts). Exceptions only for misuse:
//   TypeError: buf/bytes not a Uint8Array; RangeError: bad timeout;
//   Deno.errors.BadResource: used after the owner closed it;
//   Deno.errors.Busy: a second read (or write) while one is in progress.
//
// Timeouts and signals: Deno cannot cancel a pending read or write, so
// - a timed read reads into a private scratch buffer; when it gives up, the
//   read stays pending and its bytes are handed to the next read (no loss,
//   and the caller's buffer is never written after the call returned);
// - a timed write writes from a private copy of at most 64 KiB; when it gives
//   up, that chunk is finished in the background before any later write and
//   counts as accepted in `bytes` (a later failure is reported by the next
//   write). Calls without timeout or signal read and write the caller's
//   buffers directly, with no copy.

import type { IoOptions, IoResult, IoStatus } from "./io_status.ts";

/** The subset of `Deno.Conn` the core needs. */
export interface StreamConn {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  closeWrite(): Promise<void>;
  close(): void;
}

const CHUNK_MAX = 64 * 1024;

const cores = new WeakMap<object, ConnCore<StreamConn>>();

/** The {@linkcode ConnCore} made for `conn`, if any. */
export function coreOf<C extends StreamConn>(
  conn: C,
): ConnCore<C> | undefined {
  return cores.get(conn) as ConnCore<C> | undefined;
}

interface Stop {
  status: "timeout" | "aborted";
  error?: unknown;
}

function stopOf(signal: AbortSignal): Stop {
  const reason = signal.reason;
  return reason instanceof DOMException && reason.name === "TimeoutError"
    ? { status: "timeout", error: reason }
    : { status: "aborted", error: reason };
}

function isStop(value: unknown): value is Stop {
  return typeof value === "object" && value !== null;
}

/** Validates the timeout option; returns it (or undefined). */
export function checkTimeout(
  what: string,
  timeout: number | undefined,
): number | undefined {
  if (timeout === undefined) return undefined;
  if (typeof timeout !== "number" || Number.isNaN(timeout) || timeout < 0) {
    throw new RangeError(
      `Cannot ${what}: timeout must be a non-negative number of milliseconds, got ${
        typeof timeout === "number" ? timeout : typeof timeout
      }`,
    );
  }
  return timeout;
}

/** Validates a port number from `min` to 65535; returns it. */
export function checkPort(what: string, port: unknown, min: number): number {
  if (
    typeof port !== "number" || !Number.isInteger(port) || port < min ||
    port > 65535
  ) {
    throw new RangeError(
      `Cannot ${what}: port must be an integer from ${min} to 65535, got ${
        typeof port === "number" ? port : typeof port
      }`,
    );
  }
  return port;
}

/**
 * One timer and one abort listener for a whole operation (so `readExact` and
 * `writeAll` are bounded as a whole). `stopped` resolves when either fires.
 */
export class Guard {
  readonly stopped: Promise<Stop>;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined = undefined;

  constructor(timeout: number | undefined, signal: AbortSignal | undefined) {
    let resolve!: (stop: Stop) => void;
    this.stopped = new Promise<Stop>((r) => resolve = r);
    this.#signal = signal;
    if (timeout !== undefined && timeout !== Infinity) {
      this.#timer = setTimeout(() => resolve({ status: "timeout" }), timeout);
    }
    if (signal !== undefined) {
      const onAbort = () => resolve(stopOf(signal));
      this.#onAbort = onAbort;
      signal.addEventListener("abort", onAbort, { once: true });
    }
  }

  /** Races `promise` against the guard. */
  race<T>(promise: Promise<T>): Promise<T | Stop> {
    return Promise.race([promise, this.stopped]);
  }

  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#onAbort !== undefined) {
      this.#signal!.removeEventListener("abort", this.#onAbort);
    }
  }
}

/** Makes a guard for the options, or undefined when none is needed. */
function guardFor(
  what: string,
  options: IoOptions | undefined,
): Guard | Stop | undefined {
  if (options === undefined) return undefined;
  const timeout = checkTimeout(what, options.timeout);
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(
      `Cannot ${what}: signal must be an AbortSignal, got ${typeof signal}`,
    );
  }
  if (signal?.aborted) return stopOf(signal);
  if (timeout === undefined && signal === undefined) return undefined;
  return new Guard(timeout, signal);
}

/**
 * Throws `Deno.errors.NotSupported` unless Deno runs with `--unstable-net`:
 * `api`'s `reusePort` without the flag ends the process instead of throwing
 * (`Deno.listenDatagram` exists only with the flag).
 */
export function checkReusePort(api: string): void {
  if (
    typeof (Deno as { listenDatagram?: unknown }).listenDatagram !== "function"
  ) {
    throw new Deno.errors.NotSupported(
      `Cannot listen with reusePort: run Deno with --unstable-net (${api}'s reusePort is unstable)`,
    );
  }
}

/** Where a connect attempt goes and how long it may take. */
export interface ConnectBounds {
  hostname: string;
  port: number;
  timeout: number | undefined;
  signal: AbortSignal | undefined;
}

/**
 * Waits for a connect attempt within the timeout and signal: rejects with a
 * `"TimeoutError"` `DOMException` or `signal.reason` when they end it first
 * (and closes the connection if the attempt, which cannot be cancelled,
 * succeeds after all).
 */
export async function settleConnect<C extends { close(): void }>(
  connecting: Promise<C>,
  bounds: ConnectBounds,
): Promise<C> {
  const { hostname, port, timeout, signal } = bounds;
  if (timeout === undefined && signal === undefined) return await connecting;
  const guard = new Guard(timeout, signal);
  try {
    const outcome = await guard.race(connecting);
    if (!("close" in outcome)) {
      connecting.then((late) => late.close(), noop);
      throw outcome.error ?? new DOMException(
        `Cannot connect to ${hostname}:${port}: timed out after ${timeout} ms`,
        "TimeoutError",
      );
    }
    return outcome;
  } finally {
    guard.dispose();
  }
}

/** The io status a socket error stands for. */
export function statusOf(error: unknown): IoStatus {
  if (
    error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.ConnectionAborted
  ) {
    return "reset";
  }
  if (
    error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.Interrupted ||
    error instanceof Deno.errors.BadResource ||
    error instanceof Deno.errors.NotConnected ||
    error instanceof Deno.errors.UnexpectedEof
  ) {
    return "closed";
  }
  return "error";
}

function checkBuffer(what: string, name: string, value: unknown): void {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(
      `Cannot ${what}: ${name} must be a Uint8Array, got ${
        value === null ? "null" : typeof value
      }`,
    );
  }
}

const OK_ZERO: IoResult = Object.freeze({ status: "ok", bytes: 0 });
const CLOSED_ZERO: IoResult = Object.freeze({ status: "closed", bytes: 0 });

function noop(): void {}

/** Makes a result, with `error` only when there is one. */
function result(status: IoStatus, bytes: number, error: unknown): IoResult {
  return error === undefined ? { status, bytes } : { status, bytes, error };
}

/** Reads and writes over a stream connection with io status results. */
export class ConnCore<C extends StreamConn = StreamConn> {
  readonly conn: C;
  #closed = false;
  #forced = false;
  #onClose: (() => void)[] = [];

  #reading = false;
  #scratch: Uint8Array | undefined = undefined;
  #stashStart = 0;
  #stashEnd = 0;
  #pendingRead: Promise<number | null> | undefined = undefined;

  #writing = false;
  #pendingWrite: Promise<void> | undefined = undefined;
  #writeFailure: IoResult | undefined = undefined;

  constructor(conn: C) {
    this.conn = conn;
    cores.set(conn, this as ConnCore<StreamConn>);
  }

  /** Whether {@linkcode ConnCore.prototype.close} has run. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Calls `callback` once, when the connection is first closed. */
  onClose(callback: () => void): void {
    if (this.#closed) callback();
    else this.#onClose.push(callback);
  }

  /**
   * Closes the connection; pending reads and writes end with `"closed"`.
   * With `forced`, later calls report `"closed"` instead of throwing (for a
   * server closing its clients under their handlers).
   */
  close(forced = false): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#forced = forced;
    try {
      this.conn.close();
    } catch {
      // Already closed underneath (for example by Deno at exit): nothing to do.
    }
    const callbacks = this.#onClose;
    this.#onClose = [];
    for (const callback of callbacks) callback();
  }

  /** Throws on misuse; returns a result when the call must not proceed. */
  #enter(what: string, busy: boolean): IoResult | undefined {
    if (this.#closed) {
      if (this.#forced) return CLOSED_ZERO;
      throw new Deno.errors.BadResource(
        `Cannot ${what}: the connection is closed`,
      );
    }
    if (busy) {
      throw new Deno.errors.Busy(
        `Cannot ${what}: another ${
          what.startsWith("read") ? "read" : "write"
        } is in progress on this connection`,
      );
    }
    return undefined;
  }

  #failure(error: unknown, bytes: number): IoResult {
    return { status: this.#closed ? "closed" : statusOf(error), bytes, error };
  }

  /** Reads at least one byte into `buf`, or reports why not. */
  readSome(buf: Uint8Array, options?: IoOptions): Promise<IoResult> {
    // Fast path, without an async frame: nothing buffered or pending, no
    // timeout or signal, no misuse to report.
    if (
      !this.#reading && !this.#closed && buf instanceof Uint8Array &&
      buf.length > 0 && this.#pendingRead === undefined &&
      this.#stashEnd === this.#stashStart &&
      (options === undefined ||
        (options.timeout === undefined && options.signal === undefined))
    ) {
      this.#reading = true;
      return this.conn.read(buf).then(this.#onRead, this.#onReadError);
    }
    return this.#readSomeSlow(buf, options);
  }

  #onRead = (n: number | null): IoResult => {
    this.#reading = false;
    return n === null ? CLOSED_ZERO : { status: "ok", bytes: n };
  };

  #onReadError = (error: unknown): IoResult => {
    this.#reading = false;
    return this.#failure(error, 0);
  };

  async #readSomeSlow(
    buf: Uint8Array,
    options: IoOptions | undefined,
  ): Promise<IoResult> {
    checkBuffer("read", "buf", buf);
    const early = this.#enter("read", this.#reading);
    if (early !== undefined) return early;
    if (buf.length === 0) return OK_ZERO;
    const guard = guardFor("read", options);
    if (guard !== undefined && !(guard instanceof Guard)) {
      return result(guard.status, 0, guard.error);
    }
    this.#reading = true;
    try {
      return await this.#readStep(buf, guard);
    } finally {
      this.#reading = false;
      guard?.dispose();
    }
  }

  /** Fills `buf` completely, or reports how far it got. */
  async readExact(buf: Uint8Array, options?: IoOptions): Promise<IoResult> {
    checkBuffer("read exactly", "buf", buf);
    const early = this.#enter("read exactly", this.#reading);
    if (early !== undefined) return early;
    const guard = guardFor("read exactly", options);
    if (guard !== undefined && !(guard instanceof Guard)) {
      return result(guard.status, 0, guard.error);
    }
    this.#reading = true;
    let done = 0;
    try {
      while (done < buf.length) {
        const step = await this.#readStep(buf.subarray(done), guard);
        if (step.status !== "ok") return result(step.status, done, step.error);
        done += step.bytes;
      }
      return { status: "ok", bytes: done };
    } finally {
      this.#reading = false;
      guard?.dispose();
    }
  }

  async #readStep(
    buf: Uint8Array,
    guard: Guard | undefined,
  ): Promise<IoResult> {
    if (this.#stashEnd > this.#stashStart) {
      return { status: "ok", bytes: this.#fromStash(buf) };
    }
    if (guard === undefined && this.#pendingRead === undefined) {
      try {
        const n = await this.conn.read(buf);
        return n === null ? CLOSED_ZERO : { status: "ok", bytes: n };
      } catch (error) {
        return this.#failure(error, 0);
      }
    }
    let pending = this.#pendingRead;
    if (pending === undefined) {
      const want = Math.min(buf.length, CHUNK_MAX);
      if (this.#scratch === undefined || this.#scratch.length < want) {
        this.#scratch = new Uint8Array(Math.max(want, 4096));
      }
      pending = this.conn.read(this.#scratch.subarray(0, want));
      // A read left pending by a timeout may fail while nobody awaits it.
      pending.catch(noop);
      this.#pendingRead = pending;
    }
    let n: number | null;
    try {
      const outcome = guard === undefined
        ? await pending
        : await guard.race(pending);
      if (isStop(outcome)) {
        return result(outcome.status, 0, outcome.error);
      }
      n = outcome;
    } catch (error) {
      this.#pendingRead = undefined;
      return this.#failure(error, 0);
    }
    this.#pendingRead = undefined;
    if (n === null) return CLOSED_ZERO;
    this.#stashStart = 0;
    this.#stashEnd = n;
    return { status: "ok", bytes: this.#fromStash(buf) };
  }

  #fromStash(buf: Uint8Array): number {
    const n = Math.min(buf.length, this.#stashEnd - this.#stashStart);
    buf.set(
      this.#scratch!.subarray(this.#stashStart, this.#stashStart + n),
    );
    this.#stashStart += n;
    if (this.#stashStart === this.#stashEnd) {
      this.#stashStart = this.#stashEnd = 0;
    }
    return n;
  }

  /** Makes one write of (a prefix of) `bytes`. */
  async writeSome(bytes: Uint8Array, options?: IoOptions): Promise<IoResult> {
    checkBuffer("write", "bytes", bytes);
    const early = this.#enter("write", this.#writing);
    if (early !== undefined) return early;
    if (bytes.length === 0) return OK_ZERO;
    const guard = guardFor("write", options);
    if (guard !== undefined && !(guard instanceof Guard)) {
      return result(guard.status, 0, guard.error);
    }
    this.#writing = true;
    try {
      return await this.#writeStep(bytes, guard);
    } finally {
      this.#writing = false;
      guard?.dispose();
    }
  }

  /** Writes all of `bytes`, or reports how far it got. */
  writeAll(bytes: Uint8Array, options?: IoOptions): Promise<IoResult> {
    // Fast path, without an async frame: one write usually takes everything.
    if (
      !this.#writing && !this.#closed && bytes instanceof Uint8Array &&
      bytes.length > 0 && this.#pendingWrite === undefined &&
      this.#writeFailure === undefined &&
      (options === undefined ||
        (options.timeout === undefined && options.signal === undefined))
    ) {
      this.#writing = true;
      return this.conn.write(bytes).then(
        (n) => n === bytes.length ? this.#wrote(n) : this.#writeRest(bytes, n),
        this.#onWriteError,
      );
    }
    return this.#writeAllSlow(bytes, options);
  }

  #wrote(n: number): IoResult {
    this.#writing = false;
    return { status: "ok", bytes: n };
  }

  #onWriteError = (error: unknown): IoResult => {
    this.#writing = false;
    return this.#failure(error, 0);
  };

  async #writeRest(bytes: Uint8Array, done: number): Promise<IoResult> {
    try {
      while (done < bytes.length) {
        done += await this.conn.write(bytes.subarray(done));
      }
      return { status: "ok", bytes: done };
    } catch (error) {
      return this.#failure(error, done);
    } finally {
      this.#writing = false;
    }
  }

  async #writeAllSlow(
    bytes: Uint8Array,
    options: IoOptions | undefined,
  ): Promise<IoResult> {
    checkBuffer("write all", "bytes", bytes);
    const early = this.#enter("write all", this.#writing);
    if (early !== undefined) return early;
    if (bytes.length === 0) return OK_ZERO;
    this.#writing = true;
    let guard: Guard | Stop | undefined;
    try {
      guard = guardFor("write all", options);
    } catch (error) {
      this.#writing = false;
      throw error;
    }
    if (guard !== undefined && !(guard instanceof Guard)) {
      this.#writing = false;
      return result(guard.status, 0, guard.error);
    }
    let done = 0;
    try {
      while (done < bytes.length) {
        const step = await this.#writeStep(bytes.subarray(done), guard);
        done += step.bytes;
        if (step.status !== "ok") return result(step.status, done, step.error);
      }
      return { status: "ok", bytes: done };
    } finally {
      this.#writing = false;
      guard?.dispose();
    }
  }

  async #writeStep(
    bytes: Uint8Array,
    guard: Guard | undefined,
  ): Promise<IoResult> {
    if (this.#pendingWrite !== undefined) {
      const outcome = guard === undefined
        ? await this.#pendingWrite
        : await guard.race(this.#pendingWrite);
      if (isStop(outcome)) {
        return result(outcome.status, 0, outcome.error);
      }
    }
    if (this.#writeFailure !== undefined) return this.#writeFailure;
    if (guard === undefined) {
      try {
        return { status: "ok", bytes: await this.conn.write(bytes) };
      } catch (error) {
        return this.#failure(error, 0);
      }
    }
    // The caller may reuse `bytes` once we return, and the write may outlive
    // the call, so a timed write sends a private copy.
    const chunk = bytes.slice(0, Math.min(bytes.length, CHUNK_MAX));
    const write = this.conn.write(chunk);
    write.catch(noop);
    let outcome: number | Stop;
    try {
      outcome = await guard.race(write);
    } catch (error) {
      return this.#failure(error, 0);
    }
    if (!isStop(outcome)) return { status: "ok", bytes: outcome };
    this.#pendingWrite = this.#finish(chunk, write);
    return result(outcome.status, chunk.length, outcome.error);
  }

  /** Finishes a chunk whose write outlived a timed-out call. */
  async #finish(chunk: Uint8Array, write: Promise<number>): Promise<void> {
    try {
      let done = await write;
      while (done < chunk.length) {
        done += await this.conn.write(chunk.subarray(done));
      }
    } catch (error) {
      this.#writeFailure = this.#failure(error, 0);
    } finally {
      this.#pendingWrite = undefined;
    }
  }

  /** Half-closes: sends end-of-stream after any queued write. */
  async closeWrite(): Promise<IoResult> {
    const early = this.#enter("close write", this.#writing);
    if (early !== undefined) return early;
    this.#writing = true;
    try {
      if (this.#pendingWrite !== undefined) await this.#pendingWrite;
      if (this.#writeFailure !== undefined) return this.#writeFailure;
      await this.conn.closeWrite();
      return OK_ZERO;
    } catch (error) {
      return this.#failure(error, 0);
    } finally {
      this.#writing = false;
    }
  }
}
