// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * A TLS connection with io status results, libcoro's `net::tls::client`:
 * {@linkcode TlsClient}.
 *
 * @module
 */

import { describe } from "../../combinators/_describe.ts";
import { checkPort, checkTimeout, Guard, settleConnect } from "../_conn.ts";
import type { IoOptions } from "../io_status.ts";
import { StreamClient } from "../stream_client.ts";
import { TcpClient } from "../tcp/client.ts";
import { handshakeStatus } from "./_handshake.ts";

/**
 * Options for {@linkcode TlsClient.connect}.
 *
 * @example
 * ```ts
 * import type { TlsConnectOptions } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * const options: TlsConnectOptions = {
 *   hostname: "localhost",
 *   port: 8443,
 *   alpnProtocols: ["h2", "http/1.1"],
 *   timeout: 1_000,
 * };
 * assert.equal(options.port, 8443);
 * ```
 */
export interface TlsConnectOptions {
  /**
   * The host to connect to. The server's certificate must be valid for it
   * (a DNS name or an IP address in its subject alternative names).
   *
   * @default {"127.0.0.1"}
   */
  hostname?: string;
  /** The port to connect to, an integer from 1 to 65535. */
  port: number;
  /**
   * PEM certificates to trust in addition to the system's roots, for
   * example a test server's self-signed certificate.
   *
   * @default {undefined}
   */
  caCerts?: string[];
  /**
   * The application protocols to offer (ALPN), most preferred first. The
   * one the server picks is in the {@linkcode TlsHandshakeResult}.
   *
   * @default {undefined} (no ALPN)
   */
  alpnProtocols?: string[];
  /**
   * A PEM client certificate chain, for servers that ask for one. Give
   * `key` with it.
   *
   * @default {undefined}
   */
  cert?: string;
  /**
   * The PEM private key of `cert`.
   *
   * @default {undefined}
   */
  key?: string;
  /**
   * Milliseconds to wait for the TCP connection before rejecting with a
   * `DOMException` named `"TimeoutError"`. The handshake is bounded by
   * {@linkcode TlsClient.prototype.handshake}'s own options.
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
   * Disables Nagle's algorithm on the connection, so small writes are sent
   * at once (as `TcpClient.connect` does). Not applied when `cert` is given:
   * Deno can present a client certificate only through `Deno.connectTls`,
   * which has no such setting.
   *
   * @default {true}
   */
  noDelay?: boolean;
}

/**
 * Options for {@linkcode TlsClient.startTls}.
 *
 * @example
 * ```ts
 * import type { StartTlsOptions } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * const options: StartTlsOptions = { hostname: "localhost" };
 * assert.equal(options.hostname, "localhost");
 * ```
 */
export interface StartTlsOptions {
  /**
   * The name the server's certificate must be valid for.
   *
   * @default {the TCP connection's remote IP address}
   */
  hostname?: string;
  /**
   * PEM certificates to trust in addition to the system's roots.
   *
   * @default {undefined}
   */
  caCerts?: string[];
  /**
   * The application protocols to offer (ALPN), most preferred first.
   *
   * @default {undefined} (no ALPN)
   */
  alpnProtocols?: string[];
}

/**
 * How a TLS handshake ended:
 * - `"ok"`: done; `alpnProtocol` is the protocol the peers agreed on, or
 *   `null` when none was negotiated.
 * - `"badCertificate"`: a certificate was refused (untrusted issuer, wrong
 *   name, expired, ...), by this side or by the peer; `error` says why, for
 *   example `invalid peer certificate: UnknownIssuer`.
 * - `"closed"` / `"reset"`: the peer closed or reset the connection during
 *   the handshake.
 * - `"timeout"` / `"aborted"`: the options ended the wait first. The
 *   handshake goes on, and a later call waits for it again.
 * - `"error"`: any other failure (a peer that does not speak TLS, a
 *   protocol mismatch); `error` holds it.
 *
 * A handshake that failed (every status but `"ok"`, `"timeout"` and
 * `"aborted"`) leaves the connection unusable: close it.
 */
export type TlsHandshakeResult =
  | {
    /** The handshake completed. */
    readonly status: "ok";
    /** The negotiated application protocol, or `null`. */
    readonly alpnProtocol: string | null;
    /** Never set for `"ok"`. */
    readonly error?: undefined;
  }
  | {
    /** Why the handshake did not complete. */
    readonly status:
      | "badCertificate"
      | "closed"
      | "reset"
      | "timeout"
      | "aborted"
      | "error";
    /** Never set for a failure. */
    readonly alpnProtocol?: undefined;
    /** The cause: the TLS error, or the signal's reason. */
    readonly error?: unknown;
  };

/**
 * A TLS connection, libcoro's `net::tls::client`, over `Deno.connectTls`,
 * `Deno.startTls` (upgrading a {@linkcode TcpClient}), or a connection a
 * {@linkcode TlsServer} accepted. It has exactly {@linkcode TcpClient}'s read
 * and write API and io status results (both are {@linkcode StreamClient}s),
 * plus {@linkcode TlsClient.prototype.handshake}.
 *
 * The TLS handshake runs when {@linkcode TlsClient.prototype.handshake} is
 * called or, failing that, on the first read or write. Call it to learn the
 * certificate verdict and the negotiated ALPN protocol before sending: a
 * refused certificate is the status `"badCertificate"` with the reason. A
 * client a {@linkcode TlsServer} accepted has finished its handshake already.
 *
 * @example A round trip over TLS with ALPN
 * ```ts
 * import { TlsClient, TlsServer } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * const cert = await Deno.readTextFile("tests/testdata/tls/localhost.pem");
 * const key = await Deno.readTextFile("tests/testdata/tls/localhost.key");
 * await using server = new TlsServer({ cert, key, alpnProtocols: ["echo/1"] });
 * server.serve(async (peer) => {
 *   const buf = new Uint8Array(64);
 *   const got = await peer.readSome(buf);
 *   await peer.writeAll(buf.subarray(0, got.bytes));
 * });
 *
 * using client = await TlsClient.connect({
 *   hostname: "localhost",
 *   port: server.localAddr.port,
 *   caCerts: [cert],
 *   alpnProtocols: ["echo/1"],
 * });
 * assert.deepEqual(await client.handshake({ timeout: 5_000 }), {
 *   status: "ok",
 *   alpnProtocol: "echo/1",
 * });
 * await client.writeAll(new TextEncoder().encode("hello"));
 * const buf = new Uint8Array(5);
 * assert.equal((await client.readExact(buf)).status, "ok");
 * assert.equal(new TextDecoder().decode(buf), "hello");
 * ```
 */
export class TlsClient extends StreamClient<Deno.TlsConn> {
  #handshake: Promise<TlsHandshakeResult> | undefined = undefined;
  #result: TlsHandshakeResult | undefined = undefined;

  /**
   * Connects to a TLS server, libcoro's `tls::client::connect`. The promise
   * settles once the TCP connection is made; the handshake follows (see
   * {@linkcode TlsClient.prototype.handshake}). The socket has Nagle's
   * algorithm off unless `noDelay: false`.
   *
   * @param options Where to connect, what to trust and offer, and how long
   * to wait.
   * @returns The connected client.
   * @throws {TypeError} If `options` is not an object or `hostname` is not
   * a non-empty string.
   * @throws {RangeError} If `port` or `timeout` is out of range.
   * @throws {DOMException} A `"TimeoutError"` when `timeout` elapses first.
   * @throws {Deno.errors.ConnectionRefused} If nothing listens there.
   * @throws {unknown} `signal.reason` when the signal aborts.
   *
   * @example Connecting and checking the handshake
   * ```ts
   * import { TlsClient, TlsServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * const cert = await Deno.readTextFile("tests/testdata/tls/localhost.pem");
   * const key = await Deno.readTextFile("tests/testdata/tls/localhost.key");
   * await using server = new TlsServer({ cert, key });
   * server.serve(() => {});
   * using client = await TlsClient.connect({
   *   hostname: "localhost",
   *   port: server.localAddr.port,
   *   caCerts: [cert],
   *   timeout: 5_000,
   * });
   * assert.equal((await client.handshake({ timeout: 5_000 })).status, "ok");
   * ```
   */
  static async connect(options: TlsConnectOptions): Promise<TlsClient> {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `Cannot connect: options must be an object with a port, got ${
          describe(options)
        }`,
      );
    }
    const {
      hostname = "127.0.0.1",
      caCerts,
      alpnProtocols,
      cert,
      key,
      signal,
      noDelay = true,
    } = options;
    const port = checkPort("connect", options.port, 1);
    const timeout = checkTimeout("connect", options.timeout);
    if (typeof hostname !== "string" || hostname === "") {
      throw new TypeError(
        `Cannot connect: hostname must be a non-empty string, got ${
          describe(hostname)
        }`,
      );
    }
    checkStrings("connect", "caCerts", caCerts);
    checkStrings("connect", "alpnProtocols", alpnProtocols);
    if ((cert === undefined) !== (key === undefined)) {
      throw new TypeError(
        "Cannot connect: cert and key must be given together, got only one of them",
      );
    }
    signal?.throwIfAborted();
    let connecting: Promise<Deno.TlsConn>;
    if (cert !== undefined && key !== undefined) {
      // Only Deno.connectTls can present a client certificate; its socket
      // keeps Nagle's algorithm on.
      const connectOptions: Deno.ConnectTlsOptions & Deno.TlsCertifiedKeyPem = {
        hostname,
        port,
        cert,
        key,
      };
      if (caCerts !== undefined) connectOptions.caCerts = caCerts;
      if (alpnProtocols !== undefined) {
        connectOptions.alpnProtocols = alpnProtocols;
      }
      connecting = Deno.connectTls(connectOptions);
    } else {
      // Deno.connectTls cannot set TCP_NODELAY, and with Nagle's algorithm
      // a request written in two parts waits ~40 ms for the server's
      // delayed ACK (measured: 44 ms against 0.02 ms per round trip). So
      // connect over TCP, set it, and start TLS on that socket.
      const startOptions: Deno.StartTlsOptions = { hostname };
      if (caCerts !== undefined) startOptions.caCerts = caCerts;
      if (alpnProtocols !== undefined) {
        startOptions.alpnProtocols = alpnProtocols;
      }
      connecting = Deno.connect({ hostname, port, transport: "tcp" }).then(
        (tcp) => {
          if (noDelay) tcp.setNoDelay(true);
          return Deno.startTls(tcp, startOptions);
        },
      );
    }
    return new TlsClient(
      await settleConnect(connecting, { hostname, port, timeout, signal }),
    );
  }

  /**
   * Upgrades a connected {@linkcode TcpClient} to TLS (STARTTLS), over
   * `Deno.startTls`. The TCP client hands its connection over and is closed:
   * use only the returned client afterwards. No read or write may be in
   * progress on it, and bytes it has already received are not part of the
   * TLS stream.
   *
   * @param client The TCP client to upgrade.
   * @param options The name to verify, what to trust and offer.
   * @returns The TLS client on the same connection.
   * @throws {TypeError} If `client` is not a `TcpClient`.
   * @throws {Deno.errors.BadResource} If `client` is closed.
   *
   * @example Upgrading a TCP connection
   * ```ts
   * import { TcpClient, TlsClient, TlsServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * const cert = await Deno.readTextFile("tests/testdata/tls/localhost.pem");
   * const key = await Deno.readTextFile("tests/testdata/tls/localhost.key");
   * await using server = new TlsServer({ cert, key });
   * server.serve(async (peer) => {
   *   await peer.writeAll(new TextEncoder().encode("hi"));
   * });
   *
   * const tcp = await TcpClient.connect({ port: server.localAddr.port });
   * using tls = await TlsClient.startTls(tcp, {
   *   hostname: "localhost",
   *   caCerts: [cert],
   * });
   * assert.equal(tcp.closed, true);
   * const buf = new Uint8Array(2);
   * assert.equal((await tls.readExact(buf, { timeout: 5_000 })).status, "ok");
   * assert.equal(new TextDecoder().decode(buf), "hi");
   * ```
   */
  static async startTls(
    client: TcpClient,
    options: StartTlsOptions = {},
  ): Promise<TlsClient> {
    if (!(client instanceof TcpClient)) {
      throw new TypeError(
        `Cannot start TLS: client must be a TcpClient, got ${describe(client)}`,
      );
    }
    if (client.closed) {
      throw new Deno.errors.BadResource(
        "Cannot start TLS: the TCP client is closed",
      );
    }
    const {
      hostname = client.remoteAddr.hostname,
      caCerts,
      alpnProtocols,
    } = options;
    if (typeof hostname !== "string" || hostname === "") {
      throw new TypeError(
        `Cannot start TLS: hostname must be a non-empty string, got ${
          describe(hostname)
        }`,
      );
    }
    checkStrings("start TLS", "caCerts", caCerts);
    checkStrings("start TLS", "alpnProtocols", alpnProtocols);
    const startOptions: Deno.StartTlsOptions = { hostname };
    if (caCerts !== undefined) startOptions.caCerts = caCerts;
    if (alpnProtocols !== undefined) {
      startOptions.alpnProtocols = alpnProtocols;
    }
    const conn = await Deno.startTls(client.conn, startOptions);
    // The TCP resource now belongs to the TLS connection; closing the TCP
    // client only marks it closed, so later use of it throws BadResource.
    client.close();
    return new TlsClient(conn);
  }

  /**
   * Wraps a TLS connection, for example one from `Deno.connectTls`. Servers
   * use it for the connections they accept.
   *
   * @param conn The connection to own.
   * @throws {TypeError} If `conn` is not a connection.
   *
   * @example
   * ```ts
   * import { TlsClient, TlsServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * const cert = await Deno.readTextFile("tests/testdata/tls/localhost.pem");
   * const key = await Deno.readTextFile("tests/testdata/tls/localhost.key");
   * await using server = new TlsServer({ cert, key });
   * server.serve(() => {});
   * const conn = await Deno.connectTls({
   *   hostname: "localhost",
   *   port: server.localAddr.port,
   *   caCerts: [cert],
   * });
   * using client = new TlsClient(conn);
   * assert.equal(client.conn, conn);
   * ```
   */
  constructor(conn: Deno.TlsConn) {
    if (
      typeof conn !== "object" || conn === null ||
      typeof (conn as Partial<Deno.TlsConn>).handshake !== "function"
    ) {
      throw new TypeError(
        `Cannot create TLS client: conn must be a Deno.TlsConn, got ${
          describe(conn)
        }`,
      );
    }
    super(conn);
  }

  /**
   * Runs the TLS handshake to completion if it has not happened yet, and
   * reports how it went. Calling it again returns the same outcome; after
   * `"timeout"` or `"aborted"` it waits for the same handshake again.
   *
   * @param options A timeout and a signal for this wait.
   * @returns `"ok"` with the negotiated ALPN protocol, or why not.
   * @throws {RangeError} If `timeout` is negative.
   * @throws {Deno.errors.BadResource} If the client was closed before the
   * handshake completed.
   *
   * @example An untrusted certificate is a status
   * ```ts
   * import { TlsClient, TlsServer } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * const cert = await Deno.readTextFile("tests/testdata/tls/untrusted.pem");
   * const key = await Deno.readTextFile("tests/testdata/tls/untrusted.key");
   * await using server = new TlsServer({ cert, key });
   * server.serve(() => {});
   * using client = await TlsClient.connect({
   *   hostname: "localhost",
   *   port: server.localAddr.port,
   * });
   * const result = await client.handshake({ timeout: 5_000 });
   * assert.equal(result.status, "badCertificate");
   * ```
   */
  async handshake(options?: IoOptions): Promise<TlsHandshakeResult> {
    if (this.#result !== undefined) return this.#result;
    if (this.closed) {
      throw new Deno.errors.BadResource(
        "Cannot complete TLS handshake: the connection is closed",
      );
    }
    const timeout = checkTimeout("complete TLS handshake", options?.timeout);
    const signal = options?.signal;
    if (signal?.aborted) return stopResult(signal.reason);
    this.#handshake ??= this.conn.handshake().then(
      (info): TlsHandshakeResult =>
        this.#result = { status: "ok", alpnProtocol: info.alpnProtocol },
      (error): TlsHandshakeResult =>
        this.#result = {
          status: this.closed ? "closed" : handshakeStatus(error),
          error,
        },
    );
    if (timeout === undefined && signal === undefined) {
      return await this.#handshake;
    }
    const guard = new Guard(timeout, signal);
    try {
      // A stop ({ status: "timeout" | "aborted", error }) is a result too.
      return await guard.race(this.#handshake) as TlsHandshakeResult;
    } finally {
      guard.dispose();
    }
  }
}

function stopResult(reason: unknown): TlsHandshakeResult {
  return {
    status: reason instanceof DOMException && reason.name === "TimeoutError"
      ? "timeout"
      : "aborted",
    error: reason,
  };
}

function checkStrings(what: string, name: string, value: unknown): void {
  if (
    value !== undefined &&
    (!Array.isArray(value) || value.some((v) => typeof v !== "string"))
  ) {
    throw new TypeError(
      `Cannot ${what}: ${name} must be an array of strings, got ${
        describe(value)
      }`,
    );
  }
}
