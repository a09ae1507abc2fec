// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * A TCP listener with graceful shutdown, libcoro's `net::tcp::server`:
 * {@linkcode TcpServer} and {@linkcode TcpServerOptions}.
 *
 * @module
 */

import { checkPort } from "../_conn.ts";
import { ServerCore } from "../_server.ts";
import type {
  AcceptResult,
  IoOptions,
  ServeOptions,
  ServerShutdownOptions,
  ServerShutdownResult,
} from "../io_status.ts";
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
   * (read it from {@linkcode TcpServer.prototype.localAddr}).
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
 * Clients come from {@linkcode TcpServer.prototype.accept} (with a timeout or
 * signal and an {@linkcode AcceptResult}), from `for await (const client of
 * server)`, or from {@linkcode TcpServer.prototype.serve}, which runs a
 * handler per client. Use one of them at a time.
 *
 * {@linkcode TcpServer.prototype.shutdown} is graceful: it stops accepting,
 * aborts {@linkcode TcpServer.prototype.signal} so handlers can wind down,
 * lets open connections and handlers finish until the deadline, then closes
 * the connections still open. `await using server = new TcpServer()` shuts it
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
export class TcpServer implements AsyncDisposable, AsyncIterable<TcpClient> {
  #listener: Deno.TcpListener;
  #core: ServerCore<Deno.TcpConn, TcpClient>;

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
    if (reusePort) {
      // Deno.listen({ reusePort }) without --unstable-net kills the process
      // instead of throwing; Deno.listenDatagram exists only with the flag.
      if (
        typeof (Deno as { listenDatagram?: unknown }).listenDatagram !==
          "function"
      ) {
        throw new Deno.errors.NotSupported(
          "Cannot listen with reusePort: run Deno with --unstable-net (Deno.listen's reusePort is unstable)",
        );
      }
      this.#listener = Deno.listen({
        hostname,
        port,
        transport: "tcp",
        reusePort: true,
      } as Deno.TcpListenOptions);
    } else {
      this.#listener = Deno.listen({ hostname, port, transport: "tcp" });
    }
    this.#core = new ServerCore(
      this.#listener,
      (conn: Deno.TcpConn) => {
        if (noDelay) {
          try {
            conn.setNoDelay(true);
          } catch {
            // The peer is already gone; its first read will say so.
          }
        }
        return new TcpClient(conn);
      },
    );
  }

  /**
   * The address the server listens on (with the real port when 0 was asked
   * for).
   *
   * @example
   * ```ts
   * import { TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * await using server = new TcpServer({ hostname: "127.0.0.1", port: 0 });
   * assert.equal(server.localAddr.transport, "tcp");
   * ```
   */
  get localAddr(): Deno.NetAddr {
    return this.#listener.addr;
  }

  /**
   * An `AbortSignal` that aborts (with a `ShutdownError`) when shutdown
   * starts. Handlers pass it to their reads so idle connections end at once
   * instead of at the deadline.
   *
   * @example
   * ```ts
   * import { TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * const server = new TcpServer();
   * assert.equal(server.signal.aborted, false);
   * await server.shutdown();
   * assert.equal(server.signal.aborted, true);
   * ```
   */
  get signal(): AbortSignal {
    return this.#core.signal;
  }

  /**
   * How many accepted clients are still open.
   *
   * @example
   * ```ts
   * import { TcpClient, TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * await using server = new TcpServer();
   * using _client = await TcpClient.connect({ port: server.localAddr.port });
   * const accepted = await server.accept();
   * assert.equal(server.openConnections, 1);
   * if (accepted.status === "ok") accepted.client.close();
   * assert.equal(server.openConnections, 0);
   * ```
   */
  get openConnections(): number {
    return this.#core.openCount;
  }

  /**
   * Waits for the next client. The result is `"ok"` with the client (the
   * caller owns it), `"closed"` once the server is shut down, `"timeout"` or
   * `"aborted"` (the server stays usable, and a client that arrives later is
   * kept for the next call), or `"error"`.
   *
   * @param options A timeout and/or a signal.
   * @returns The accepted client, or why there is none.
   * @throws {RangeError} If `timeout` is negative or not a number.
   * @throws {Deno.errors.Busy} If another accept is in progress.
   *
   * @example An accept timeout
   * ```ts
   * import { TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * await using server = new TcpServer();
   * assert.deepEqual(await server.accept({ timeout: 10 }), { status: "timeout" });
   * ```
   */
  accept(options?: IoOptions): Promise<AcceptResult<TcpClient>> {
    return this.#core.accept(options);
  }

  /**
   * Iterates over accepted clients until the server is shut down. An accept
   * that fails with an operating-system error ends the loop by throwing it.
   *
   * @returns An async iterator of clients; each one is the caller's to close.
   *
   * @example
   * ```ts
   * import { TcpClient, TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * await using server = new TcpServer();
   * const port = server.localAddr.port;
   * const connecting = [1, 2].map(() => TcpClient.connect({ port }));
   * let count = 0;
   * for await (const client of server) {
   *   client.close();
   *   if (++count === 2) break;
   * }
   * for (const client of await Promise.all(connecting)) client.close();
   * assert.equal(count, 2);
   * ```
   */
  [Symbol.asyncIterator](): AsyncIterator<TcpClient> {
    return this.#core[Symbol.asyncIterator]();
  }

  /**
   * Accepts clients until the server is shut down and runs `handler` for
   * each, concurrently. The client is closed when its handler returns or
   * throws; a thrown error goes to `onError` and the server keeps serving.
   * Shutdown waits for running handlers (until its deadline).
   *
   * @param handler Serves one client.
   * @param options Where handler and accept errors go.
   * @returns A promise that resolves once the server is shut down and the
   *   accept loop has stopped.
   * @throws {TypeError} If `handler` is not a function.
   * @throws {Deno.errors.Busy} If another accept is in progress.
   *
   * @example A handler that ends when the server shuts down
   * ```ts
   * import { TcpClient, TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * const server = new TcpServer();
   * const statuses: string[] = [];
   * const serving = server.serve(async (client) => {
   *   const read = await client.readSome(new Uint8Array(16), {
   *     signal: server.signal,
   *   });
   *   statuses.push(read.status);
   * });
   * using _client = await TcpClient.connect({ port: server.localAddr.port });
   * while (server.openConnections === 0) {
   *   await new Promise((resolve) => setTimeout(resolve, 1));
   * }
   * assert.deepEqual(await server.shutdown(), { forced: 0 });
   * await serving;
   * assert.deepEqual(statuses, ["aborted"]);
   * ```
   */
  serve(
    handler: (client: TcpClient) => void | Promise<void>,
    options?: ServeOptions,
  ): Promise<void> {
    return this.#core.serve(handler, options);
  }

  /**
   * Shuts the server down gracefully: closes the listening socket (pending
   * and later accepts report `"closed"`), aborts
   * {@linkcode TcpServer.prototype.signal}, waits until every accepted client
   * is closed and every handler has returned or the deadline passes, then
   * closes the clients still open (their reads and writes report
   * `"closed"`) and waits for their handlers. Calling it again returns the
   * same promise.
   *
   * @param options The deadline.
   * @returns How many connections had to be closed by force.
   * @throws {RangeError} If `deadline` is negative or not a number.
   *
   * @example A connection left open is closed at the deadline
   * ```ts
   * import { TcpClient, TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * const server = new TcpServer();
   * using client = await TcpClient.connect({ port: server.localAddr.port });
   * const accepted = await server.accept();
   * assert.equal(accepted.status, "ok");
   *
   * assert.deepEqual(await server.shutdown({ deadline: 10 }), { forced: 1 });
   * assert.equal((await client.readSome(new Uint8Array(1))).status, "closed");
   * ```
   */
  shutdown(options?: ServerShutdownOptions): Promise<ServerShutdownResult> {
    return this.#core.shutdown(options);
  }

  /**
   * Shuts the server down with the default deadline, so
   * `await using server = new TcpServer()` cleans up.
   *
   * @example
   * ```ts
   * import { TcpServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * let signal: AbortSignal;
   * {
   *   await using server = new TcpServer();
   *   signal = server.signal;
   * }
   * assert.equal(signal.aborted, true);
   * ```
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#core.shutdown();
  }
}
