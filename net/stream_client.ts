// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * The read/write API every stream connection in `net/` shares:
 * {@linkcode StreamClient}, the base of {@linkcode TcpClient} and
 * {@linkcode TlsClient}.
 *
 * @module
 */

import { describe } from "../combinators/_describe.ts";
import { ConnCore } from "./_conn.ts";
import type { IoOptions, IoResult } from "./io_status.ts";

/**
 * A stream connection with io status results: the read and write API of
 * libcoro's `net::tcp::client` and `net::tls::client`, over any
 * `Deno.Conn` with network addresses. {@linkcode TcpClient} and
 * {@linkcode TlsClient} extend it with how they connect (and TLS's
 * handshake); code that only reads and writes can take a `StreamClient` and
 * serve both.
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
 * @typeParam C The wrapped connection type, for example `Deno.TcpConn`.
 *
 * @example Code written once for TCP and TLS clients
 * ```ts
 * import { StreamClient, TcpClient, TcpServer } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * async function greet(client: StreamClient): Promise<void> {
 *   await client.writeAll(new TextEncoder().encode("hello"));
 * }
 *
 * await using server = new TcpServer();
 * const serving = server.serve(greet);
 *
 * using client = await TcpClient.connect({ port: server.localAddr.port });
 * assert.ok(client instanceof StreamClient);
 * const buf = new Uint8Array(5);
 * assert.deepEqual(await client.readExact(buf), { status: "ok", bytes: 5 });
 * assert.equal(new TextDecoder().decode(buf), "hello");
 *
 * await server.shutdown();
 * await serving;
 * ```
 */
export class StreamClient<
  C extends Deno.Conn<Deno.NetAddr> = Deno.Conn<Deno.NetAddr>,
> implements Disposable {
  #conn: C;
  #core: ConnCore<C>;

  /**
   * Wraps a connected stream. The client owns it from now on:
   * {@linkcode StreamClient.prototype.close} closes it.
   *
   * @param conn The connection to wrap.
   * @throws {TypeError} If `conn` is not a `Deno.Conn`-like object.
   *
   * @example Wrapping a connection made by Deno.connect
   * ```ts
   * import { StreamClient, TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * await using server = new TcpServer();
   * const conn = await Deno.connect({ port: server.localAddr.port });
   * using client = new StreamClient(conn);
   * assert.equal(client.conn, conn);
   * ```
   */
  constructor(conn: C) {
    if (
      typeof conn !== "object" || conn === null ||
      typeof (conn as Partial<C>).read !== "function"
    ) {
      throw new TypeError(
        `Cannot create stream client: conn must be a Deno.Conn, got ${
          describe(conn)
        }`,
      );
    }
    this.#conn = conn;
    this.#core = new ConnCore(conn);
  }

  /**
   * The underlying connection, for what this class does not cover.
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
  get conn(): C {
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
   * Whether the client has been closed (by
   * {@linkcode StreamClient.prototype.close} or by its server's forced
   * shutdown).
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
   * Reads what is available into `buf`, waiting for at least one byte,
   * libcoro's `recv`/`read_some`: status `"ok"` with `bytes > 0`, or
   * `"closed"` (end of stream), `"reset"`, `"timeout"`, `"aborted"` or
   * `"error"` with `bytes` 0. An empty `buf` gives `"ok"` with 0 bytes at
   * once.
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
   * Reads until `buf` is full, libcoro's `read_exact`: status `"ok"` with
   * `bytes === buf.length`, or the status that stopped it with the bytes
   * read so far (for example `"closed"` when the stream ended early). A
   * `timeout` bounds the whole call.
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
   * Makes one write of a prefix of `bytes` (as much as the socket takes),
   * libcoro's `send`/`write_some`: status `"ok"` with the number of bytes
   * written, or the status that stopped it. An empty `bytes` gives `"ok"`
   * with 0 bytes at once.
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
   * Writes all of `bytes`, libcoro's `write_all`: status `"ok"` with
   * `bytes === bytes.length`, or the status that stopped it with the bytes
   * written so far (`"closed"` after a broken pipe, `"reset"`, `"timeout"`,
   * ...). A `timeout` bounds the whole call.
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
   * Half-closes the connection: sends end-of-stream to the peer (over TLS,
   * a `close_notify` alert) after any write still finishing, while reads
   * keep working.
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
