// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * A TCP connection with io status results, libcoro's `net::tcp::client`:
 * {@linkcode TcpClient} and {@linkcode TcpConnectOptions}. Its reads and
 * writes are {@linkcode StreamClient}'s.
 *
 * @module
 */

import { checkPort, checkTimeout, settleConnect } from "../_conn.ts";
import { StreamClient } from "../stream_client.ts";

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
 * It reads and writes with {@linkcode StreamClient}'s API and io status
 * results (`readSome`, `readExact`, `writeSome`, `writeAll`, `closeWrite`,
 * `close`), and adds {@linkcode TcpClient.connect} and the TCP socket
 * options.
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
export class TcpClient extends StreamClient<Deno.TcpConn> {
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
    const conn = await settleConnect(
      Deno.connect({ hostname, port, transport: "tcp" }),
      { hostname, port, timeout, signal },
    );
    const client = new TcpClient(conn);
    if (noDelay) conn.setNoDelay(true);
    return client;
  }

  /**
   * Wraps a connected `Deno.TcpConn`. The client owns it from now on:
   * {@linkcode StreamClient.prototype.close} closes it.
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
    super(conn);
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
    this.conn.setNoDelay(noDelay);
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
    this.conn.setKeepAlive(keepAlive);
  }
}
