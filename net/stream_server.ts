// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * The accept, serve and shutdown API every stream server in `net/` shares:
 * {@linkcode StreamServer}, the base of {@linkcode TcpServer} and
 * {@linkcode TlsServer}, and {@linkcode StreamListener}.
 *
 * @module
 */

import { describe } from "../combinators/_describe.ts";
import { ServerCore } from "./_server.ts";
import type {
  AcceptResult,
  IoOptions,
  ServeOptions,
  ServerShutdownOptions,
  ServerShutdownResult,
} from "./io_status.ts";
import type { StreamClient } from "./stream_client.ts";

/**
 * What a {@linkcode StreamServer} listens with: the part of
 * `Deno.Listener` it uses. `Deno.TcpListener` and `Deno.TlsListener` fit.
 *
 * @typeParam C The connection type `accept` resolves to.
 *
 * @example
 * ```ts
 * import type { StreamListener } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const fits: StreamListener<Deno.TcpConn> = listener;
 * assert.ok(fits.addr.port > 0);
 * ```
 */
export interface StreamListener<C> {
  /** The address it listens on. */
  readonly addr: Deno.NetAddr;
  /** Waits for the next connection; rejects once the listener is closed. */
  accept(): Promise<C>;
  /** Stops listening; pending and later accepts reject. */
  close(): void;
}

/**
 * A stream server with graceful shutdown: the accept, serve and shutdown
 * API of libcoro's `net::tcp::server` and `net::tls::server`.
 * {@linkcode TcpServer} and {@linkcode TlsServer} extend it with how they
 * listen; it can also wrap any {@linkcode StreamListener} whose clients are
 * {@linkcode StreamClient}s. The listener is already listening, so clients
 * can connect before the first accept.
 *
 * Clients come from {@linkcode StreamServer.prototype.accept} (with a timeout
 * or signal and an {@linkcode AcceptResult}), from `for await (const client
 * of server)`, or from {@linkcode StreamServer.prototype.serve}, which runs a
 * handler per client. Use one of them at a time.
 *
 * {@linkcode StreamServer.prototype.shutdown} is graceful: it stops
 * accepting, aborts {@linkcode StreamServer.prototype.signal} so handlers can
 * wind down, lets open connections and handlers finish until the deadline,
 * then closes the connections still open. `await using server = ...` shuts
 * it down at the end of the scope.
 *
 * @typeParam C The connection type the listener accepts.
 * @typeParam T The client type each connection is wrapped in.
 *
 * @example Serving over a listener of your own
 * ```ts
 * import { StreamClient, StreamServer, TcpClient } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * await using server = new StreamServer(
 *   Deno.listen({ hostname: "127.0.0.1", port: 0 }),
 *   (conn) => new StreamClient(conn),
 * );
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
export class StreamServer<
  C extends Deno.Conn<Deno.NetAddr> = Deno.Conn<Deno.NetAddr>,
  T extends StreamClient<C> = StreamClient<C>,
> implements AsyncDisposable, AsyncIterable<T> {
  #listener: StreamListener<C>;
  #core: ServerCore<C, T>;

  /**
   * Serves the connections of a listener. The server owns the listener from
   * now on: {@linkcode StreamServer.prototype.shutdown} closes it.
   *
   * @param listener The listener, already listening.
   * @param wrap Makes the client for an accepted connection; it must wrap
   *   that connection (`new StreamClient(conn)` or a subclass), so the
   *   server can track it and close it at shutdown.
   * @throws {TypeError} If `listener` is not a listener or `wrap` is not a
   *   function.
   *
   * @example
   * ```ts
   * import { StreamClient, StreamServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * await using server = new StreamServer(
   *   listener,
   *   (conn) => new StreamClient(conn),
   * );
   * assert.equal(server.localAddr.port, listener.addr.port);
   * ```
   */
  constructor(listener: StreamListener<C>, wrap: (conn: C) => T) {
    if (
      typeof listener !== "object" || listener === null ||
      typeof (listener as Partial<StreamListener<C>>).accept !== "function"
    ) {
      throw new TypeError(
        `Cannot create stream server: listener must be a Deno.Listener, got ${
          describe(listener)
        }`,
      );
    }
    if (typeof wrap !== "function") {
      throw new TypeError(
        `Cannot create stream server: wrap must be a function, got ${
          describe(wrap)
        }`,
      );
    }
    this.#listener = listener;
    this.#core = new ServerCore(listener, wrap);
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
   * Waits for the next client (for TLS, one whose handshake has completed).
   * The result is `"ok"` with the client (the caller owns it), `"closed"`
   * once the server is shut down, `"timeout"` or `"aborted"` (the server
   * stays usable, and a client that arrives later is kept for the next
   * call), or `"error"`.
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
  accept(options?: IoOptions): Promise<AcceptResult<T>> {
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
  [Symbol.asyncIterator](): AsyncIterator<T> {
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
    handler: (client: T) => void | Promise<void>,
    options?: ServeOptions,
  ): Promise<void> {
    return this.#core.serve(handler, options);
  }

  /**
   * Shuts the server down gracefully: closes the listening socket (pending
   * and later accepts report `"closed"`; for TLS, connections still in
   * their handshake are closed at once), aborts
   * {@linkcode StreamServer.prototype.signal}, waits until every accepted
   * client is closed and every handler has returned or the deadline passes,
   * then closes the clients still open (their reads and writes report
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
   * `await using server = ...` cleans up.
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
