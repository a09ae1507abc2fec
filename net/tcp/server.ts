// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * A TCP listener with graceful shutdown, libcoro's `net::tcp::server`:
 * {@linkcode TcpServer} and {@linkcode TcpServerOptions}. Its accept, serve
 * and shutdown API is {@linkcode StreamServer}'s.
 *
 * @module
 */

import { checkPort, checkReusePort } from "../_conn.ts";
import { StreamServer } from "../stream_server.ts";
import { TcpClient } from "./client.ts";

/**
 * Options for a {@linkcode TcpServer}.
 *
 * There is no `backlog` option: `Deno.listen` does not expose one (Deno uses
 * its own fixed listen backlog), and coro does not pretend to set it.
 *
 * @example
 * ```ts
 * import type { TcpServerOptions } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * const options: TcpServerOptions = { port: 0 };
 * assert.equal(options.hostname ?? "127.0.0.1", "127.0.0.1");
 * ```
 */
export interface TcpServerOptions {
  /**
   * The address to listen on; `"0.0.0.0"` listens on every IPv4 interface.
   *
   * @default {"127.0.0.1"}
   */
  hostname?: string;
  /**
   * The port to listen on; 0 lets the operating system choose a free one
   * (read it from {@linkcode StreamServer.prototype.localAddr}).
   *
   * @default {0}
   */
  port?: number;
  /**
   * Sets `SO_REUSEPORT` (Linux), so several listeners, for example one per
   * Worker, share the port and the kernel spreads connections over them.
   * Needs Deno's `--unstable-net` flag; without it the constructor throws
   * `Deno.errors.NotSupported` (Deno itself would end the process).
   *
   * @default {false}
   */
  reusePort?: boolean;
  /**
   * Disables Nagle's algorithm on every accepted connection, so small
   * responses are sent at once (what request/response protocols want). Set
   * `false` to keep the system default.
   *
   * @default {true}
   */
  noDelay?: boolean;
}

/**
 * A TCP server, libcoro's `net::tcp::server`, over `Deno.listen`. It listens
 * as soon as it is constructed, so clients can connect before the first
 * accept.
 *
 * Its API is {@linkcode StreamServer}'s, with {@linkcode TcpClient}s:
 * clients come from `accept` (with a timeout or signal and an
 * {@linkcode AcceptResult}), from `for await (const client of server)`, or
 * from `serve`, which runs a handler per client. `shutdown` is graceful: it
 * stops accepting, aborts `signal` so handlers can wind down, lets open
 * connections and handlers finish until the deadline, then closes the
 * connections still open. `await using server = new TcpServer()` shuts it
 * down at the end of the scope.
 *
 * @example Serving with a handler per client
 * ```ts
 * import { TcpClient, TcpServer } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * await using server = new TcpServer({ port: 0 });
 * const serving = server.serve(async (client) => {
 *   await client.writeAll(new TextEncoder().encode("hello\n"));
 * });
 *
 * using client = await TcpClient.connect({ port: server.localAddr.port });
 * const buf = new Uint8Array(6);
 * assert.equal((await client.readExact(buf)).status, "ok");
 * assert.equal(new TextDecoder().decode(buf), "hello\n");
 *
 * assert.deepEqual(await server.shutdown(), { forced: 0 });
 * await serving;
 * ```
 */
export class TcpServer extends StreamServer<Deno.TcpConn, TcpClient> {
  /**
   * Opens the listening socket.
   *
   * @param options Where to listen.
   * @throws {RangeError} If `port` is not an integer from 0 to 65535.
   * @throws {TypeError} If `hostname` is not a non-empty string.
   * @throws {Deno.errors.NotSupported} If `reusePort` is asked for without
   *   `--unstable-net`.
   * @throws {Deno.errors.AddrInUse} If the port is taken.
   *
   * @example An ephemeral port on loopback
   * ```ts
   * import { TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * await using server = new TcpServer();
   * assert.equal(server.localAddr.hostname, "127.0.0.1");
   * assert.ok(server.localAddr.port > 0);
   * ```
   */
  constructor(options: TcpServerOptions = {}) {
    const {
      hostname = "127.0.0.1",
      port = 0,
      reusePort = false,
      noDelay = true,
    } = options;
    checkPort("listen", port, 0);
    if (typeof hostname !== "string" || hostname === "") {
      throw new TypeError(
        `Cannot listen: hostname must be a non-empty string, got ${typeof hostname}`,
      );
    }
    if (reusePort) checkReusePort("Deno.listen");
    const listener = reusePort
      ? Deno.listen({
        hostname,
        port,
        transport: "tcp",
        reusePort: true,
      } as Deno.TcpListenOptions)
      : Deno.listen({ hostname, port, transport: "tcp" });
    super(listener, (conn) => {
      if (noDelay) {
        try {
          conn.setNoDelay(true);
        } catch {
          // The peer is already gone; its first read will say so.
        }
      }
      return new TcpClient(conn);
    });
  }
}
