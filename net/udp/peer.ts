// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * A UDP socket, libcoro's `net::udp::peer`: {@linkcode UdpPeer}.
 *
 * @module
 */

import { describe } from "../../combinators/_describe.ts";
import { Deque } from "../../sync/_deque.ts";
import type { IoOptions } from "../io_status.ts";

/**
 * The address of a UDP endpoint. A `Deno.NetAddr` fits.
 */
export interface UdpAddr {
  /** An IP address or a host name. */
  hostname: string;
  /** The UDP port, 0 to 65535. */
  port: number;
}

/** Options for {@linkcode UdpPeer.bind}. */
export interface UdpBindOptions {
  /**
   * The local address to bind to. Use `"0.0.0.0"` to receive on every
   * interface.
   *
   * @default {"127.0.0.1"}
   */
  hostname?: string;
  /**
   * The local port to bind to; 0 lets the system pick a free one.
   *
   * @default {0}
   */
  port?: number;
  /**
   * Set `SO_REUSEADDR`, so several sockets may bind the same address.
   *
   * @default {false}
   */
  reuseAddress?: boolean;
}

/** Options for {@linkcode UdpPeer.unbound}. */
export interface UdpUnboundOptions {
  /**
   * The address family of the socket.
   *
   * @default {"ipv4"}
   */
  family?: "ipv4" | "ipv6";
}

/**
 * The result of {@linkcode UdpPeer.prototype.readFrom}, an
 * `IoResult` with the sender:
 * - `"ok"`: one datagram was received into the buffer; `bytes` is its length
 *   there, `remoteAddr` the sender, and `truncated` is `true` when the
 *   datagram was longer than the buffer (the rest is discarded, as with
 *   `recvfrom`).
 * - `"timeout"`: the `timeout` option elapsed, or the `signal` aborted with a
 *   `TimeoutError`; `"aborted"`: the `signal` aborted for another reason
 *   (`error` is its reason). The datagram that arrives next is kept for the
 *   next read.
 * - `"closed"`: the peer was closed while the read waited.
 * - `"error"`: the system reported an error, given in `error`.
 */
export type UdpReadResult =
  | {
    readonly status: "ok";
    readonly bytes: number;
    readonly remoteAddr: Deno.NetAddr;
    readonly truncated: boolean;
    readonly error?: undefined;
  }
  | {
    readonly status: "timeout" | "aborted" | "closed" | "error";
    readonly bytes: 0;
    readonly remoteAddr?: undefined;
    readonly error?: unknown;
  };

/**
 * The result of {@linkcode UdpPeer.prototype.writeTo}, an
 * `IoResult`:
 * - `"ok"`: the datagram was handed to the system; `bytes` is its size.
 * - `"timeout"` / `"aborted"`: the options ended the send first.
 * - `"closed"`: the peer was closed while the send waited.
 * - `"error"`: the system refused the datagram (too large, unreachable, bad
 *   address, ...), given in `error`.
 */
export type UdpWriteResult =
  | {
    readonly status: "ok";
    readonly bytes: number;
    readonly error?: undefined;
  }
  | {
    readonly status: "timeout" | "aborted" | "closed" | "error";
    readonly bytes: 0;
    readonly error?: unknown;
  };

interface Reader {
  buf: Uint8Array;
  settle(result: UdpReadResult): void;
}

interface Held {
  data: Uint8Array;
  addr: Deno.NetAddr;
}

/** Largest UDP payload (IPv6 without jumbograms), so nothing is cut short. */
const SCRATCH_SIZE = 65536;

/**
 * A UDP socket, libcoro's `net::udp::peer`, over `Deno.listenDatagram`
 * (which needs the `--unstable-net` flag). Make one with
 * {@linkcode UdpPeer.bind} to receive on a known address, or
 * {@linkcode UdpPeer.unbound} for a client on an ephemeral port.
 *
 * Results follow `IoResult`: ordinary events (a timeout, an abort,
 * a close while waiting, an operating-system error) are statuses; using the
 * peer after `close()` or passing a bad argument throws. Reads never lose a
 * datagram: when a read gives up, the datagram that arrives next is kept for
 * the following read. Concurrent reads are served in call order. Close it
 * with {@linkcode UdpPeer.prototype.close} or `using`.
 *
 * @example Round trip between two peers
 * ```ts
 * import { UdpPeer } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * using server = UdpPeer.bind({ hostname: "127.0.0.1", port: 0 });
 * using client = UdpPeer.bind();
 * await client.writeTo(server.localAddr, new TextEncoder().encode("ping"));
 *
 * const buf = new Uint8Array(1500);
 * const got = await server.readFrom(buf, { timeout: 5000 });
 * assert.equal(got.status, "ok");
 * assert.equal(new TextDecoder().decode(buf.subarray(0, got.bytes)), "ping");
 * assert.equal(got.remoteAddr?.port, client.localAddr.port);
 * ```
 */
export class UdpPeer implements Disposable {
  #conn: Deno.DatagramConn;
  #localAddr: Deno.NetAddr;
  #scratch = new Uint8Array(SCRATCH_SIZE);
  #readers = new Deque<Reader>();
  #held: Held | undefined = undefined;
  #receiving = false;
  #closed = false;

  private constructor(conn: Deno.DatagramConn) {
    this.#conn = conn;
    this.#localAddr = conn.addr as Deno.NetAddr;
  }

  /**
   * Binds a peer to a local address, libcoro's bound `udp::peer`.
   *
   * @param options Where to bind.
   * @returns The bound peer.
   * @throws {Error} If `Deno.listenDatagram` is missing (run with
   * `--unstable-net`), or the system refuses the address
   * (`Deno.errors.AddrInUse`, ...).
   * @throws {TypeError} If `hostname` is not a string.
   * @throws {RangeError} If `port` is not an integer from 0 to 65535.
   *
   * @example
   * ```ts
   * import { UdpPeer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * using peer = UdpPeer.bind({ hostname: "127.0.0.1", port: 0 });
   * assert.equal(peer.localAddr.hostname, "127.0.0.1");
   * assert.ok(peer.localAddr.port > 0);
   * ```
   */
  static bind(options: UdpBindOptions = {}): UdpPeer {
    const { hostname = "127.0.0.1", port = 0, reuseAddress = false } = options;
    if (typeof hostname !== "string") {
      throw new TypeError(
        `Cannot bind UDP peer: hostname must be a string, got ${
          describe(hostname)
        }`,
      );
    }
    checkPort("bind UDP peer", port);
    return new UdpPeer(listenDatagram({ hostname, port, reuseAddress }));
  }

  /**
   * Makes a peer that is not bound to a chosen address, libcoro's unbound
   * `udp::peer`: the system picks an ephemeral port on every interface
   * (`0.0.0.0`, or `::` for IPv6). Replies to what it sends reach it.
   *
   * @param options The address family.
   * @returns The peer.
   * @throws {Error} If `Deno.listenDatagram` is missing (run with
   * `--unstable-net`).
   * @throws {TypeError} If `family` is neither `"ipv4"` nor `"ipv6"`.
   *
   * @example
   * ```ts
   * import { UdpPeer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * using peer = UdpPeer.unbound();
   * assert.equal(peer.localAddr.hostname, "0.0.0.0");
   * ```
   */
  static unbound(options: UdpUnboundOptions = {}): UdpPeer {
    const { family = "ipv4" } = options;
    if (family !== "ipv4" && family !== "ipv6") {
      throw new TypeError(
        `Cannot make UDP peer: family must be "ipv4" or "ipv6", got ${
          describe(family)
        }`,
      );
    }
    const hostname = family === "ipv4" ? "0.0.0.0" : "::";
    return new UdpPeer(listenDatagram({ hostname, port: 0 }));
  }

  /**
   * The local address the socket is bound to.
   *
   * @example
   * ```ts
   * import { UdpPeer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * using peer = UdpPeer.bind();
   * assert.equal(peer.localAddr.transport, "udp");
   * ```
   */
  get localAddr(): Deno.NetAddr {
    return this.#localAddr;
  }

  /**
   * Whether {@linkcode UdpPeer.prototype.close} has been called.
   *
   * @example
   * ```ts
   * import { UdpPeer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * const peer = UdpPeer.bind();
   * peer.close();
   * assert.equal(peer.closed, true);
   * ```
   */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends one datagram to `addr`, libcoro's `sendto`.
   *
   * @param addr Where to send it.
   * @param bytes The datagram's payload (may be empty).
   * @param options A timeout and a signal.
   * @returns `"ok"` with the bytes written, or why not: `"timeout"`,
   * `"aborted"`, `"closed"`, or `"error"` with the system's reason (for
   * example a datagram larger than 65,507 bytes).
   * @throws {TypeError} If `bytes` is not a `Uint8Array` or `addr` has no
   * string hostname.
   * @throws {RangeError} If `addr.port` is not an integer from 0 to 65535,
   * or `timeout` is negative.
   * @throws {Deno.errors.BadResource} If the peer was closed before the call.
   *
   * @example
   * ```ts
   * import { UdpPeer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * using a = UdpPeer.bind();
   * using b = UdpPeer.bind();
   * const sent = await a.writeTo(b.localAddr, new Uint8Array([1, 2, 3]));
   * assert.deepEqual(sent, { status: "ok", bytes: 3 });
   * const got = await b.readFrom(new Uint8Array(16), { timeout: 5000 });
   * assert.equal(got.bytes, 3);
   * ```
   */
  async writeTo(
    addr: UdpAddr,
    bytes: Uint8Array,
    options?: IoOptions,
  ): Promise<UdpWriteResult> {
    if (!(bytes instanceof Uint8Array)) {
      throw new TypeError(
        `Cannot write to UDP peer: bytes must be a Uint8Array, got ${
          describe(bytes)
        }`,
      );
    }
    if (typeof addr?.hostname !== "string") {
      throw new TypeError(
        `Cannot write to UDP peer: addr.hostname must be a string, got ${
          describe(addr?.hostname)
        }`,
      );
    }
    checkPort("write to UDP peer", addr.port);
    const { timeout, signal } = checkOptions("write to UDP peer", options);
    this.#checkOpen("write to UDP peer");
    if (signal?.aborted) return stopOf(signal);
    const sending = this.#conn.send(bytes, {
      transport: "udp",
      hostname: addr.hostname,
      port: addr.port,
    });
    let outcome: number | Stop;
    try {
      outcome = timeout === undefined && signal === undefined
        ? await sending
        : await race(sending, timeout, signal);
    } catch (error) {
      return this.#failure(error);
    }
    if (typeof outcome !== "number") {
      // The datagram may still go out; a later failure is not reported.
      sending.catch(ignore);
      return outcome;
    }
    return { status: "ok", bytes: outcome };
  }

  /**
   * Waits for one datagram and copies it into `buf`, libcoro's `recvfrom`.
   *
   * @param buf Where to put the datagram. A datagram longer than `buf` is
   * cut to fit and reported with `truncated: true`.
   * @param options A timeout and a signal.
   * @returns `"ok"` with the length and the sender, or why not:
   * `"timeout"`, `"aborted"`, `"closed"` or `"error"`.
   * @throws {TypeError} If `buf` is not a `Uint8Array`.
   * @throws {RangeError} If `timeout` is negative or not a number.
   * @throws {Deno.errors.BadResource} If the peer was closed before the call.
   *
   * @example A read that times out
   * ```ts
   * import { UdpPeer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * using peer = UdpPeer.bind();
   * const got = await peer.readFrom(new Uint8Array(16), { timeout: 10 });
   * assert.deepEqual(got, { status: "timeout", bytes: 0 });
   * ```
   */
  async readFrom(
    buf: Uint8Array,
    options?: IoOptions,
  ): Promise<UdpReadResult> {
    if (!(buf instanceof Uint8Array)) {
      throw new TypeError(
        `Cannot read from UDP peer: buf must be a Uint8Array, got ${
          describe(buf)
        }`,
      );
    }
    const { timeout, signal } = checkOptions("read from UDP peer", options);
    this.#checkOpen("read from UDP peer");
    if (signal?.aborted) return stopOf(signal);
    const held = this.#held;
    if (held !== undefined) {
      this.#held = undefined;
      return deliver(buf, held.data, held.addr);
    }
    return await new Promise<UdpReadResult>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const leave = (result: UdpReadResult): void => {
        if (this.#readers.delete(reader)) reader.settle(result);
      };
      const onAbort = (): void => leave(stopOf(signal!));
      const reader: Reader = {
        buf,
        settle: (result) => {
          if (timer !== undefined) clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          resolve(result);
        },
      };
      this.#readers.push(reader);
      if (timeout !== undefined && timeout !== Infinity) {
        timer = setTimeout(() => leave(TIMEOUT), timeout);
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#pump();
    });
  }

  /**
   * Closes the socket. Waiting reads and writes end with status
   * `"closed"`; later calls throw `Deno.errors.BadResource`. Calling it again
   * does nothing.
   *
   * @example
   * ```ts
   * import { UdpPeer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * const peer = UdpPeer.bind();
   * const pending = peer.readFrom(new Uint8Array(16));
   * peer.close();
   * assert.deepEqual(await pending, { status: "closed", bytes: 0 });
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#held = undefined;
    try {
      this.#conn.close();
    } catch {
      // Closed underneath already: nothing left to release.
    }
    for (const reader of this.#readers.drain()) reader.settle(CLOSED);
  }

  /**
   * Same as {@linkcode UdpPeer.prototype.close}, for `using`.
   *
   * @example
   * ```ts
   * import { UdpPeer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * let peer: UdpPeer;
   * {
   *   using p = UdpPeer.bind();
   *   peer = p;
   * }
   * assert.equal(peer.closed, true);
   * ```
   */
  [Symbol.dispose](): void {
    this.close();
  }

  #checkOpen(what: string): void {
    if (this.#closed) {
      throw new Deno.errors.BadResource(`Cannot ${what}: the peer is closed`);
    }
  }

  #failure(error: unknown): UdpReadResult & UdpWriteResult {
    const closed = this.#closed || error instanceof Deno.errors.BadResource ||
      error instanceof Deno.errors.Interrupted;
    return { status: closed ? "closed" : "error", bytes: 0, error };
  }

  // One receive is in flight at a time, into a scratch buffer, and only
  // while someone waits. A datagram that arrives after its reader left is
  // held for the next read instead of being dropped.
  #pump(): void {
    if (this.#receiving || this.#closed || this.#readers.length === 0) return;
    this.#receiving = true;
    this.#conn.receive(this.#scratch).then(
      ([data, addr]) => {
        this.#receiving = false;
        if (this.#closed) return;
        const reader = this.#readers.shift();
        if (reader === undefined) {
          this.#held = { data: data.slice(), addr: addr as Deno.NetAddr };
          return;
        }
        reader.settle(deliver(reader.buf, data, addr as Deno.NetAddr));
        this.#pump();
      },
      (error) => {
        this.#receiving = false;
        if (this.#closed) return;
        const failure = this.#failure(error);
        if (failure.status === "closed") {
          this.close();
          return;
        }
        this.#readers.shift()?.settle(failure);
        this.#pump();
      },
    );
  }
}

interface Stop {
  readonly status: "timeout" | "aborted";
  readonly bytes: 0;
  readonly error?: unknown;
}

const TIMEOUT: Stop = Object.freeze({ status: "timeout", bytes: 0 });
const CLOSED: UdpReadResult = Object.freeze({ status: "closed", bytes: 0 });

function stopOf(signal: AbortSignal): Stop {
  const error = signal.reason;
  const status = error instanceof DOMException && error.name === "TimeoutError"
    ? "timeout"
    : "aborted";
  return { status, bytes: 0, error };
}

function checkOptions(
  what: string,
  options: IoOptions | undefined,
): IoOptions {
  if (options === undefined) return {};
  const { timeout, signal } = options;
  if (
    timeout !== undefined &&
    (typeof timeout !== "number" || !(timeout >= 0))
  ) {
    throw new RangeError(
      `Cannot ${what}: timeout must be a non-negative number of milliseconds, got ${
        describe(timeout)
      }`,
    );
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(
      `Cannot ${what}: signal must be an AbortSignal, got ${describe(signal)}`,
    );
  }
  return options;
}

function race<T>(
  promise: Promise<T>,
  timeout: number | undefined,
  signal: AbortSignal | undefined,
): Promise<T | Stop> {
  return new Promise<T | Stop>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = (): void => settle(stopOf(signal!));
    const settle = (value: T | Stop): void => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(value);
    };
    if (timeout !== undefined && timeout !== Infinity) {
      timer = setTimeout(() => settle(TIMEOUT), timeout);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    promise.then(settle, (error) => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      reject(error);
    });
  });
}

function listenDatagram(
  options: { hostname: string; port: number; reuseAddress?: boolean },
): Deno.DatagramConn {
  if (typeof Deno.listenDatagram !== "function") {
    throw new Error(
      "Cannot make UDP peer: Deno.listenDatagram is not available, run Deno with the --unstable-net flag",
    );
  }
  return Deno.listenDatagram({ transport: "udp", ...options });
}

function deliver(
  buf: Uint8Array,
  data: Uint8Array,
  addr: Deno.NetAddr,
): UdpReadResult {
  const n = Math.min(buf.length, data.length);
  buf.set(data.subarray(0, n));
  return {
    status: "ok",
    bytes: n,
    remoteAddr: addr,
    truncated: data.length > buf.length,
  };
}

function checkPort(what: string, port: unknown): void {
  if (
    typeof port !== "number" || !Number.isInteger(port) || port < 0 ||
    port > 65535
  ) {
    throw new RangeError(
      `Cannot ${what}: port must be an integer from 0 to 65535, got ${
        describe(port)
      }`,
    );
  }
}

function ignore(): void {}
