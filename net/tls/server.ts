// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * A TLS listener with graceful shutdown, libcoro's `net::tls::server`:
 * {@linkcode TlsServer} and {@linkcode TlsServerOptions}. Its accept, serve
 * and shutdown API is {@linkcode StreamServer}'s.
 *
 * @module
 */

import { describe } from "../../combinators/_describe.ts";
import { Deque } from "../../sync/_deque.ts";
import { checkPort, checkReusePort, checkTimeout } from "../_conn.ts";
import { type StreamListener, StreamServer } from "../stream_server.ts";
import { TlsClient } from "./client.ts";

/**
 * Options for a {@linkcode TlsServer}.
 *
 * @example
 * ```ts
 * import type { TlsServerOptions } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * const options: TlsServerOptions = {
 *   cert: "-----BEGIN CERTIFICATE-----...",
 *   key: "-----BEGIN PRIVATE KEY-----...",
 *   alpnProtocols: ["h2", "http/1.1"],
 *   handshakeTimeout: 5_000,
 * };
 * assert.equal(options.port ?? 0, 0);
 * ```
 */
export interface TlsServerOptions {
  /** The server's PEM certificate chain (end-entity certificate first). */
  cert: string;
  /** The PEM private key of `cert` (PKCS#8, RSA or EC). */
  key: string;
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
   * The application protocols the server accepts (ALPN), most preferred
   * first.
   *
   * @default {undefined} (no ALPN)
   */
  alpnProtocols?: string[];
  /**
   * Milliseconds a new connection has to complete its TLS handshake. A
   * client that takes longer (or never sends a ClientHello) is dropped:
   * its connection is closed, reported to `onHandshakeError`, and never
   * reaches `accept`.
   *
   * Deno limitation (2.x): Deno's TLS stream runs the server handshake in a
   * task of its own that keeps the socket until the peer sends something or
   * disconnects, so a silent peer does not see the connection end at once;
   * the server has released it and no longer waits for it.
   *
   * @default {10000}
   */
  handshakeTimeout?: number;
  /**
   * Called for each connection whose handshake failed or timed out, with
   * the error (a `DOMException` named `"TimeoutError"` for a timeout) and
   * the client's address. The server keeps accepting.
   *
   * @default {undefined} (failures are only counted, in
   *   {@linkcode TlsServer.prototype.handshakeFailures})
   */
  onHandshakeError?: (error: unknown, remoteAddr: Deno.NetAddr) => void;
  /**
   * Sets `SO_REUSEPORT` (Linux), so several listeners share the port. Needs
   * Deno's `--unstable-net` flag; without it the constructor throws
   * `Deno.errors.NotSupported` (Deno itself would end the process).
   *
   * @default {false}
   */
  reusePort?: boolean;
}

/**
 * A TLS server, libcoro's `net::tls::server`, over `Deno.listenTls`, with
 * exactly {@linkcode TcpServer}'s API (both are {@linkcode StreamServer}s):
 * `accept`, `for await`, `serve`, graceful `shutdown` and `await using`. Its
 * clients are {@linkcode TlsClient}s.
 *
 * The server takes new connections as they arrive (up to 128 not yet
 * accepted, like a listen backlog) and completes their TLS handshakes
 * concurrently, each within `handshakeTimeout`; only clients whose
 * handshake succeeded are accepted, so a slow or silent client cannot hold
 * up the others. Failed
 * handshakes (an untrusted certificate on the client's side, a client that
 * does not speak TLS, a timeout) close that connection, are counted in
 * {@linkcode TlsServer.prototype.handshakeFailures} and go to
 * `onHandshakeError`.
 *
 * Write each response with one `writeAll`: Deno cannot turn Nagle's
 * algorithm off on the connections `Deno.listenTls` accepts, so a response
 * written in two parts waits for the client's delayed ACK (measured: 44 ms
 * against 0.05 ms per round trip on loopback).
 *
 * @example An echo server over TLS
 * ```ts
 * import { TlsClient, TlsServer } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * const cert = await Deno.readTextFile("tests/testdata/tls/localhost.pem");
 * const key = await Deno.readTextFile("tests/testdata/tls/localhost.key");
 * await using server = new TlsServer({ cert, key });
 * server.serve(async (peer) => {
 *   const buf = new Uint8Array(1024);
 *   for (;;) {
 *     const got = await peer.readSome(buf, { signal: server.signal });
 *     if (got.status !== "ok") return;
 *     await peer.writeAll(buf.subarray(0, got.bytes));
 *   }
 * });
 *
 * using client = await TlsClient.connect({
 *   hostname: "localhost",
 *   port: server.localAddr.port,
 *   caCerts: [cert],
 * });
 * await client.writeAll(new TextEncoder().encode("ping"));
 * const buf = new Uint8Array(4);
 * assert.equal((await client.readExact(buf, { timeout: 5_000 })).status, "ok");
 * assert.equal(new TextDecoder().decode(buf), "ping");
 * ```
 */
export class TlsServer extends StreamServer<Deno.TlsConn, TlsClient> {
  #listener: HandshakingListener;

  /**
   * Opens the listening socket.
   *
   * @param options The certificate and key, where to listen, ALPN and the
   * handshake timeout.
   * @throws {TypeError} If `cert`, `key` or `hostname` is not a non-empty
   * string, or `alpnProtocols` is not an array of strings.
   * @throws {RangeError} If `port` or `handshakeTimeout` is out of range.
   * @throws {Deno.errors.NotSupported} If `reusePort` is asked for without
   *   `--unstable-net`.
   * @throws {Deno.errors.AddrInUse} If the port is taken.
   * @throws {Deno.errors.InvalidData} If the certificate or key cannot be
   *   parsed.
   *
   * @example
   * ```ts
   * import { TlsServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * const cert = await Deno.readTextFile("tests/testdata/tls/localhost.pem");
   * const key = await Deno.readTextFile("tests/testdata/tls/localhost.key");
   * await using server = new TlsServer({ cert, key, port: 0 });
   * assert.equal(server.localAddr.hostname, "127.0.0.1");
   * assert.ok(server.localAddr.port > 0);
   * ```
   */
  constructor(options: TlsServerOptions) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `Cannot listen: options must be an object with cert and key, got ${
          describe(options)
        }`,
      );
    }
    const {
      cert,
      key,
      hostname = "127.0.0.1",
      port = 0,
      alpnProtocols,
      handshakeTimeout = 10_000,
      onHandshakeError,
      reusePort = false,
    } = options;
    for (const [name, value] of [["cert", cert], ["key", key]] as const) {
      if (typeof value !== "string" || value === "") {
        throw new TypeError(
          `Cannot listen: ${name} must be a non-empty PEM string, got ${
            describe(value)
          }`,
        );
      }
    }
    checkPort("listen", port, 0);
    if (typeof hostname !== "string" || hostname === "") {
      throw new TypeError(
        `Cannot listen: hostname must be a non-empty string, got ${
          describe(hostname)
        }`,
      );
    }
    if (
      alpnProtocols !== undefined &&
      (!Array.isArray(alpnProtocols) ||
        alpnProtocols.some((p) => typeof p !== "string"))
    ) {
      throw new TypeError(
        `Cannot listen: alpnProtocols must be an array of strings, got ${
          describe(alpnProtocols)
        }`,
      );
    }
    checkTimeout("listen", handshakeTimeout);
    if (
      onHandshakeError !== undefined && typeof onHandshakeError !== "function"
    ) {
      throw new TypeError(
        `Cannot listen: onHandshakeError must be a function, got ${
          describe(onHandshakeError)
        }`,
      );
    }
    const listenOptions: Deno.ListenTlsOptions & Deno.TlsCertifiedKeyPem = {
      hostname,
      port,
      transport: "tcp",
      cert,
      key,
    };
    if (alpnProtocols !== undefined) {
      listenOptions.alpnProtocols = alpnProtocols;
    }
    if (reusePort) {
      checkReusePort("Deno.listenTls");
      (listenOptions as { reusePort?: boolean }).reusePort = true;
    }
    const listener = new HandshakingListener(
      Deno.listenTls(listenOptions),
      handshakeTimeout,
      onHandshakeError,
    );
    super(listener, (conn) => new TlsClient(conn));
    this.#listener = listener;
  }

  /**
   * How many connections failed their handshake (or ran out of
   * `handshakeTimeout`) and were closed without being accepted.
   *
   * @example
   * ```ts
   * import { TlsServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * const cert = await Deno.readTextFile("tests/testdata/tls/localhost.pem");
   * const key = await Deno.readTextFile("tests/testdata/tls/localhost.key");
   * await using server = new TlsServer({ cert, key });
   * assert.equal(server.handshakeFailures, 0);
   * ```
   */
  get handshakeFailures(): number {
    return this.#listener.failures;
  }
}

interface Waiter {
  resolve(conn: Deno.TlsConn): void;
  reject(error: unknown): void;
}

/** Connections accepted but not yet handed out (handshaking or ready). */
const MAX_PENDING = 128;

/**
 * A listener whose `accept()` yields only connections that finished their
 * handshake. It accepts TCP connections as they come (like a kernel
 * backlog, up to {@linkcode MAX_PENDING} not yet handed out) and runs their
 * handshakes concurrently, each bounded by the timeout; a connection whose
 * handshake completes with nobody waiting is kept for the next accept.
 */
class HandshakingListener implements StreamListener<Deno.TlsConn> {
  failures = 0;
  #listener: Deno.TlsListener;
  #timeout: number;
  #onError: ((error: unknown, remoteAddr: Deno.NetAddr) => void) | undefined;
  #ready = new Deque<Deno.TlsConn>();
  #waiters = new Deque<Waiter>();
  #handshaking = new Map<Deno.TlsConn, ReturnType<typeof setTimeout>>();
  #acceptError: { error: unknown } | undefined = undefined;
  #accepting = false;
  #closed = false;

  constructor(
    listener: Deno.TlsListener,
    timeout: number,
    onError: ((error: unknown, remoteAddr: Deno.NetAddr) => void) | undefined,
  ) {
    this.#listener = listener;
    this.#timeout = timeout;
    this.#onError = onError;
    this.#pump();
  }

  get addr(): Deno.NetAddr {
    return this.#listener.addr;
  }

  accept(): Promise<Deno.TlsConn> {
    if (this.#closed) {
      return Promise.reject(
        new Deno.errors.BadResource("Cannot accept: the listener is closed"),
      );
    }
    const ready = this.#ready.shift();
    if (ready !== undefined) {
      this.#pump();
      return Promise.resolve(ready);
    }
    const failed = this.#acceptError;
    if (failed !== undefined) {
      // Report the failure once, then try again (the server core pauses
      // between failed accepts, so a lasting failure does not spin).
      this.#acceptError = undefined;
      this.#pump();
      return Promise.reject(failed.error);
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#listener.close();
    } catch {
      // Already closed.
    }
    for (const [conn, timer] of this.#handshaking) {
      clearTimeout(timer);
      closeQuietly(conn);
    }
    this.#handshaking.clear();
    for (const conn of this.#ready.drain()) closeQuietly(conn);
    const closed = new Deno.errors.BadResource(
      "Cannot accept: the listener is closed",
    );
    for (const waiter of this.#waiters.drain()) waiter.reject(closed);
  }

  #pump(): void {
    if (
      this.#accepting || this.#closed || this.#acceptError !== undefined ||
      this.#handshaking.size + this.#ready.length >= MAX_PENDING
    ) {
      return;
    }
    this.#accepting = true;
    this.#listener.accept().then(
      (conn) => {
        this.#accepting = false;
        if (this.#closed) {
          closeQuietly(conn);
          return;
        }
        this.#handshake(conn);
        this.#pump();
      },
      (error) => {
        this.#accepting = false;
        if (this.#closed) return;
        const waiter = this.#waiters.shift();
        if (waiter !== undefined) waiter.reject(error);
        else this.#acceptError = { error };
      },
    );
  }

  #handshake(conn: Deno.TlsConn): void {
    const timer = setTimeout(() => {
      if (!this.#handshaking.delete(conn)) return;
      this.#fail(
        conn,
        new DOMException(
          `TLS handshake with ${conn.remoteAddr.hostname}:${conn.remoteAddr.port} did not complete within ${this.#timeout} ms`,
          "TimeoutError",
        ),
      );
    }, this.#timeout);
    this.#handshaking.set(conn, timer);
    conn.handshake().then(
      () => {
        if (!this.#handshaking.delete(conn)) return;
        clearTimeout(timer);
        const waiter = this.#waiters.shift();
        if (waiter !== undefined) waiter.resolve(conn);
        else this.#ready.push(conn);
      },
      (error) => {
        if (!this.#handshaking.delete(conn)) return;
        clearTimeout(timer);
        this.#fail(conn, error);
      },
    );
  }

  #fail(conn: Deno.TlsConn, error: unknown): void {
    this.failures++;
    const remoteAddr = conn.remoteAddr;
    closeQuietly(conn);
    this.#pump();
    try {
      this.#onError?.(error, remoteAddr);
    } catch {
      // A throwing callback must not stop the server.
    }
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}
