// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * A TCP connection with io status results, libcoro's `net::tcp::client`:
 * {@linkcode TcpClient} and {@linkcode TcpConnectOptions}.
 *
 * @module
 */

import { checkPort, checkTimeout, ConnCore, Guard } from "../_conn.ts";
import type { IoOptions, IoResult } from "../io_status.ts";

/**
 * Options for {@linkcode TcpClient.connect}.
 *
 * @example
 * ```ts
 * import type { TcpConnectOptions } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * const options: TcpConnectOptions = { port: 8080, timeout: 1_000 };
 * assert.equal(options.hostname ?? "127.0.0.1", "127.0.0.1");
 * ```
 */
export interface TcpConnectOptions {
  /**
   * The host to connect to: a name or an IP address.
   *
   * @default {"127.0.0.1"}
   */
  hostname?: string;
  /** The port to connect to, an integer from 1 to 65535. */
  port: number;
  /**
   * Milliseconds to wait for the connection before rejecting with a
   * `DOMException` named `"TimeoutError"`.
   *
   * @default {undefined} (the operating system's own connect timeout)
   */
  timeout?: number;
  /**
   * Abandons the attempt: `connect` rejects with `signal.reason` (also when
   * the signal is already aborted).
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
  /**
   * Disables Nagle's algorithm on the new connection, so small writes are
   * sent at once (what request/response protocols want).
   *
   * @default {true}
   */
  noDelay?: boolean;
}

/**
 * A TCP connection, libcoro's `net::tcp::client`, over `Deno.connect` (or a
 * connection a {@linkcode TcpServer} accepted).
 *
 * Reads and writes report an {@linkcode IoResult}: the end of the stream and
 * a peer reset are the statuses `"closed"` and `"reset"`, a timeout is
 * `"timeout"`, and the bytes done before any of them are counted, never lost.
 * Exceptions are kept for misuse: a `TypeError` for a buffer that is not a
 * `Uint8Array`, a `RangeError` for a bad timeout, `Deno.errors.BadResource`
 * for a client used after `close()`, and `Deno.errors.Busy` for a second
 * read (or write) started while one is in progress (one reader and one
 * writer may run at the same time).
 *
 * A read or write given a `timeout` or `signal` that gives up leaves the
 * connection usable: a read's late bytes go to the next read, and a write's
 * chunk already handed to the socket (at most 64 KiB, counted in `bytes`) is
 * finished before the next write. Without a timeout or signal the caller's
 * buffer is used directly, with no copy.
 *
 * @example An echo round trip
 * ```ts
 * import { TcpClient, TcpServer } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * await using server = new TcpServer();
 * const serving = server.serve(async (peer) => {
 *   const buf = new Uint8Array(64);
 *   const read = await peer.readSome(buf);
 *   await peer.writeAll(buf.subarray(0, read.bytes));
 * });
 *
 * using client = await TcpClient.connect({ port: server.localAddr.port });
 * await client.writeAll(new TextEncoder().encode("ping"));
 * const reply = new Uint8Array(4);
 * assert.deepEqual(await client.readExact(reply), { status: "ok", bytes: 4 });
 * assert.equal(new TextDecoder().decode(reply), "ping");
 *
 * await server.shutdown();
 * await serving;
 * ```
 */
export class TcpClient implements Disposable {
  #conn: Deno.TcpConn;
  #core: ConnCore<Deno.TcpConn>;

  /**
   * Connects to a TCP server.
   *
   * @param options Where to connect, and how long to try.
   * @returns The connected client.
   * @throws {RangeError} If `port` or `timeout` is out of range.
   * @throws {Deno.errors.ConnectionRefused} If nothing listens there.
   * @throws {DOMException} Named `"TimeoutError"` when `timeout` elapses.
   * @throws {unknown} `signal.reason` when the signal aborts.
   *
   * @example Connection refused is a named error
   * ```ts
   * import { TcpClient, TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * const server = new TcpServer();
   * const port = server.localAddr.port;
   * await server.shutdown();
   * await assert.rejects(
   *   TcpClient.connect({ port }),
   *   Deno.errors.ConnectionRefused,
   * );
   * ```
   */
  static async connect(options: TcpConnectOptions): Promise<TcpClient> {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `Cannot connect: options must be an object with a port, got ${
          options === null ? "null" : typeof options
        }`,
      );
    }
    const { hostname = "127.0.0.1", signal, noDelay = true } = options;
    const port = checkPort("connect", options.port, 1);
    const timeout = checkTimeout("connect", options.timeout);
    if (typeof hostname !== "string" || hostname === "") {
      throw new TypeError(
        `Cannot connect: hostname must be a non-empty string, got ${typeof hostname}`,
      );
    }
    signal?.throwIfAborted();
    const connecting = Deno.connect({ hostname, port, transport: "tcp" });
    let conn: Deno.TcpConn;
    if (timeout === undefined && signal === undefined) {
      conn = await connecting;
    } else {
      const guard = new Guard(timeout, signal);
      try {
        const outcome = await guard.race(connecting);
        if (!("read" in outcome)) {
          // The attempt cannot be cancelled: close the connection if it
          // succeeds after all.
          connecting.then((late) => late.close(), () => {});
          throw outcome.error ?? new DOMException(
            `Cannot connect to ${hostname}:${port}: timed out after ${timeout} ms`,
            "TimeoutError",
          );
        }
        conn = outcome;
      } finally {
        guard.dispose();
      }
    }
    const client = new TcpClient(conn);
    if (noDelay) conn.setNoDelay(true);
    return client;
  }

  /**
   * Wraps a connected `Deno.TcpConn`. The client owns it from now on:
   * {@linkcode TcpClient.prototype.close} closes it.
   *
   * @param conn The connection to wrap.
   * @throws {TypeError} If `conn` is not a `Deno.TcpConn`-like object.
   *
   * @example Wrapping a connection made by Deno.connect
   * ```ts
   * import { TcpClient, TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * await using server = new TcpServer();
   * const conn = await Deno.connect({ port: server.localAddr.port });
   * using client = new TcpClient(conn);
   * assert.equal(client.remoteAddr.port, server.localAddr.port);
   * ```
   */
  constructor(conn: Deno.TcpConn) {
    if (
      typeof conn !== "object" || conn === null ||
      typeof (conn as Partial<Deno.TcpConn>).read !== "function"
    ) {
      throw new TypeError(
        `Cannot create TCP client: conn must be a Deno.TcpConn, got ${
          conn === null ? "null" : typeof conn
        }`,
      );
    }
    this.#conn = conn;
    this.#core = new ConnCore(conn);
  }

  /**
   * The underlying `Deno.TcpConn`, for what this class does not cover.
   * Reading or writing it directly while a call of this client is pending
   * mixes up the byte stream.
   *
   * @example
   * ```ts
   * import { TcpClient, TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * await using server = new TcpServer();
   * using client = await TcpClient.connect({ port: server.localAddr.port });
   * assert.equal(client.conn.remoteAddr.transport, "tcp");
   * ```
   */
  get conn(): Deno.TcpConn {
    return this.#conn;
  }

  /**
   * The local address of the connection.
   *
   * @example
   * ```ts
   * import { TcpClient, TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * await using server = new TcpServer();
   * using client = await TcpClient.connect({ port: server.localAddr.port });
   * assert.equal(client.localAddr.hostname, "127.0.0.1");
   * ```
   */
  get localAddr(): Deno.NetAddr {
    return this.#conn.localAddr;
  }

  /**
   * The address of the peer.
   *
   * @example
   * ```ts
   * import { TcpClient, TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * await using server = new TcpServer();
   * using client = await TcpClient.connect({ port: server.localAddr.port });
   * assert.equal(client.remoteAddr.port, server.localAddr.port);
   * ```
   */
  get remoteAddr(): Deno.NetAddr {
    return this.#conn.remoteAddr;
  }

  /**
   * Whether the client has been closed (by {@linkcode TcpClient.prototype.close}
   * or by its server's forced shutdown).
   *
   * @example
   * ```ts
   * import { TcpClient, TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * await using server = new TcpServer();
   * const client = await TcpClient.connect({ port: server.localAddr.port });
   * client.close();
   * assert.equal(client.closed, true);
   * ```
   */
  get closed(): boolean {
    return this.#core.closed;
  }

  /**
   * Reads what is available into `buf`, waiting for at least one byte:
   * status `"ok"` with `bytes > 0`, or `"closed"` (end of stream), `"reset"`,
   * `"timeout"`, `"aborted"` or `"error"` with `bytes` 0. An empty `buf`
   * gives `"ok"` with 0 bytes at once.
   *
   * @param buf Where to put the bytes.
   * @param options A timeout and/or a signal.
   * @returns The io status and the number of bytes read.
   * @throws {TypeError} If `buf` is not a `Uint8Array`.
   * @throws {RangeError} If `timeout` is negative or not a number.
   * @throws {Deno.errors.BadResource} If the client was closed.
   * @throws {Deno.errors.Busy} If another read is in progress.
   *
   * @example A read timeout leaves the connection usable
   * ```ts
   * import { TcpClient, TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * await using server = new TcpServer();
   * using client = await TcpClient.connect({ port: server.localAddr.port });
   * const accepted = await server.accept();
   * assert.ok(accepted.status === "ok");
   * using peer = accepted.client;
   *
   * const buf = new Uint8Array(16);
   * assert.equal((await client.readSome(buf, { timeout: 10 })).status, "timeout");
   * await peer.writeAll(new Uint8Array([1, 2, 3]));
   * assert.deepEqual(await client.readSome(buf), { status: "ok", bytes: 3 });
   * ```
   */
  readSome(buf: Uint8Array, options?: IoOptions): Promise<IoResult> {
    return this.#core.readSome(buf, options);
  }

  /**
   * Reads until `buf` is full: status `"ok"` with `bytes === buf.length`, or
   * the status that stopped it with the bytes read so far (for example
   * `"closed"` when the stream ended early). A `timeout` bounds the whole
   * call.
   *
   * @param buf The buffer to fill.
   * @param options A timeout and/or a signal.
   * @returns The io status and the number of bytes read.
   * @throws {TypeError} If `buf` is not a `Uint8Array`.
   * @throws {RangeError} If `timeout` is negative or not a number.
   * @throws {Deno.errors.BadResource} If the client was closed.
   * @throws {Deno.errors.Busy} If another read is in progress.
   *
   * @example The stream ends before the buffer is full
   * ```ts
   * import { TcpClient, TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * await using server = new TcpServer();
   * using client = await TcpClient.connect({ port: server.localAddr.port });
   * const accepted = await server.accept();
   * assert.ok(accepted.status === "ok");
   * await accepted.client.writeAll(new Uint8Array(3));
   * accepted.client.close();
   *
   * const result = await client.readExact(new Uint8Array(8));
   * assert.deepEqual(result, { status: "closed", bytes: 3 });
   * ```
   */
  readExact(buf: Uint8Array, options?: IoOptions): Promise<IoResult> {
    return this.#core.readExact(buf, options);
  }

  /**
   * Makes one write of a prefix of `bytes` (as much as the socket takes):
   * status `"ok"` with the number of bytes written, or the status that
   * stopped it. An empty `bytes` gives `"ok"` with 0 bytes at once.
   *
   * @param bytes The bytes to send.
   * @param options A timeout and/or a signal.
   * @returns The io status and the number of bytes written.
   * @throws {TypeError} If `bytes` is not a `Uint8Array`.
   * @throws {RangeError} If `timeout` is negative or not a number.
   * @throws {Deno.errors.BadResource} If the client was closed.
   * @throws {Deno.errors.Busy} If another write is in progress.
   *
   * @example
   * ```ts
   * import { TcpClient, TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * await using server = new TcpServer();
   * using client = await TcpClient.connect({ port: server.localAddr.port });
   * const result = await client.writeSome(new Uint8Array(10));
   * assert.equal(result.status, "ok");
   * assert.ok(result.bytes > 0 && result.bytes <= 10);
   * ```
   */
  writeSome(bytes: Uint8Array, options?: IoOptions): Promise<IoResult> {
    return this.#core.writeSome(bytes, options);
  }

  /**
   * Writes all of `bytes`: status `"ok"` with `bytes === bytes.length`, or the
   * status that stopped it with the bytes written so far (`"closed"` after a
   * broken pipe, `"reset"`, `"timeout"`, ...). A `timeout` bounds the whole
   * call.
   *
   * @param bytes The bytes to send.
   * @param options A timeout and/or a signal.
   * @returns The io status and the number of bytes written.
   * @throws {TypeError} If `bytes` is not a `Uint8Array`.
   * @throws {RangeError} If `timeout` is negative or not a number.
   * @throws {Deno.errors.BadResource} If the client was closed.
   * @throws {Deno.errors.Busy} If another write is in progress.
   *
   * @example
   * ```ts
   * import { TcpClient, TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * await using server = new TcpServer();
   * using client = await TcpClient.connect({ port: server.localAddr.port });
   * const result = await client.writeAll(new Uint8Array(100_000));
   * assert.deepEqual(result, { status: "ok", bytes: 100_000 });
   * ```
   */
  writeAll(bytes: Uint8Array, options?: IoOptions): Promise<IoResult> {
    return this.#core.writeAll(bytes, options);
  }

  /**
   * Half-closes the connection: sends end-of-stream to the peer (after any
   * write still finishing) while reads keep working.
   *
   * @returns Status `"ok"`, or why the shutdown could not be sent.
   * @throws {Deno.errors.BadResource} If the client was closed.
   * @throws {Deno.errors.Busy} If a write is in progress.
   *
   * @example The peer sees the end of the stream, and can still reply
   * ```ts
   * import { TcpClient, TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * await using server = new TcpServer();
   * using client = await TcpClient.connect({ port: server.localAddr.port });
   * const accepted = await server.accept();
   * assert.ok(accepted.status === "ok");
   * using peer = accepted.client;
   *
   * assert.equal((await client.closeWrite()).status, "ok");
   * assert.equal((await peer.readSome(new Uint8Array(1))).status, "closed");
   * await peer.writeAll(new Uint8Array([7]));
   * const buf = new Uint8Array(1);
   * assert.deepEqual(await client.readSome(buf), { status: "ok", bytes: 1 });
   * ```
   */
  closeWrite(): Promise<IoResult> {
    return this.#core.closeWrite();
  }

  /**
   * Turns Nagle's algorithm off (`true`, the default here and for
   * {@linkcode TcpClient.connect}) or on.
   *
   * @param noDelay Whether to send small writes at once.
   * @throws {Deno.errors.BadResource} If the client was closed.
   *
   * @example
   * ```ts
   * import { TcpClient, TcpServer } from "@coro/coro/net";
   *
   * await using server = new TcpServer();
   * using client = await TcpClient.connect({ port: server.localAddr.port });
   * client.setNoDelay(false);
   * ```
   */
  setNoDelay(noDelay = true): void {
    this.#conn.setNoDelay(noDelay);
  }

  /**
   * Turns TCP keep-alive probes on (the default argument) or off.
   *
   * @param keepAlive Whether to probe an idle connection.
   * @throws {Deno.errors.BadResource} If the client was closed.
   *
   * @example
   * ```ts
   * import { TcpClient, TcpServer } from "@coro/coro/net";
   *
   * await using server = new TcpServer();
   * using client = await TcpClient.connect({ port: server.localAddr.port });
   * client.setKeepAlive();
   * ```
   */
  setKeepAlive(keepAlive = true): void {
    this.#conn.setKeepAlive(keepAlive);
  }

  /**
   * Closes the connection. Reads and writes still pending end with status
   * `"closed"`; later calls throw `Deno.errors.BadResource`. Closing again
   * does nothing.
   *
   * @example
   * ```ts
   * import { TcpClient, TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * await using server = new TcpServer();
   * const client = await TcpClient.connect({ port: server.localAddr.port });
   * client.close();
   * client.close();
   * await assert.rejects(
   *   client.readSome(new Uint8Array(1)),
   *   Deno.errors.BadResource,
   * );
   * ```
   */
  close(): void {
    this.#core.close();
  }

  /**
   * Closes the connection, so `using client = ...` releases it.
   *
   * @example
   * ```ts
   * import { TcpClient, TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * await using server = new TcpServer();
   * let kept: TcpClient;
   * {
   *   using client = await TcpClient.connect({ port: server.localAddr.port });
   *   kept = client;
   * }
   * assert.equal(kept.closed, true);
   * ```
   */
  [Symbol.dispose](): void {
    this.#core.close();
  }
}
