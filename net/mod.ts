// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * Networking on Deno's own socket APIs, after libcoro's `coro::net`: TCP
 * (`TcpClient`, `TcpServer`), TLS (`TlsClient`, `TlsServer`), UDP and DNS.
 * TCP and TLS share one stream API: their clients are `StreamClient`s and
 * their servers `StreamServer`s.
 *
 * Reads and writes report an io status (`IoResult`: `"ok"`, `"closed"`,
 * `"reset"`, `"timeout"`, `"aborted"`, `"error"`) with the bytes done, so the
 * end of a stream and a peer reset are values, not exceptions. Every call
 * that can wait takes a `timeout` and a `signal`. Servers shut down
 * gracefully: they stop accepting, let handlers finish until a deadline, then
 * close what is left.
 *
 * @example A TCP echo round trip
 * ```ts
 * import { TcpClient, TcpServer } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * await using server = new TcpServer();
 * const serving = server.serve(async (peer) => {
 *   const buf = new Uint8Array(1024);
 *   for (;;) {
 *     const read = await peer.readSome(buf, { signal: server.signal });
 *     if (read.status !== "ok") return;
 *     await peer.writeAll(buf.subarray(0, read.bytes));
 *   }
 * });
 *
 * using client = await TcpClient.connect({ port: server.localAddr.port });
 * await client.writeAll(new TextEncoder().encode("hello"));
 * const reply = new Uint8Array(5);
 * assert.equal((await client.readExact(reply)).status, "ok");
 * assert.equal(new TextDecoder().decode(reply), "hello");
 *
 * await server.shutdown();
 * await serving;
 * ```
 *
 * @module
 */

export * from "./io_status.ts";
export * from "./stream_client.ts";
export * from "./stream_server.ts";
export * from "./tcp/client.ts";
export * from "./tcp/server.ts";
export * from "./udp/peer.ts";
export * from "./dns/resolver.ts";
export * from "./tls/client.ts";
export * from "./tls/server.ts";
