// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// An HTTP/1.1 server that answers every request with 200 OK and keeps the
// connection alive, after libcoro's examples/coro_http_200_ok_server.cpp.
//
//   deno run -A --unstable-net examples/http_200_ok_server.ts [--port 8888]
//     [--hostname 127.0.0.1] [--reuse-port] [--max-seconds N]
//
// Unlike libcoro's, it is correct for pipelined requests (several in one
// read get one response each, in one write) and for requests split across
// reads: it scans for the blank line (CRLFCRLF) that ends each request head,
// over one reused buffer per connection. A request head larger than the
// buffer (8 KiB) gets 431 and the connection is closed; other connections
// are not affected. It serves request heads only: a request body would be
// scanned as if it were the next request.
//
// Import `serveHttp200` to run it on a TcpServer of your own (the tests and
// benchmarks do).
import { parseArgs } from "node:util";
import { type TcpClient, TcpServer } from "@coro/coro/net";

const encoder = new TextEncoder();
const OK = encoder.encode(
  "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n",
);
const TOO_LARGE = encoder.encode(
  "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
);
const CR = 13;
const LF = 10;

/** `OK` repeated `count` times, cached for small counts. */
const batches: Uint8Array[] = [new Uint8Array(0), OK];
function responses(count: number): Uint8Array {
  let batch = batches[count];
  if (batch === undefined) {
    batch = new Uint8Array(OK.length * count);
    for (let i = 0; i < count; i++) batch.set(OK, i * OK.length);
    if (count <= 64) batches[count] = batch;
  }
  return batch;
}

/** Where the CRLFCRLF ending a request head starts in buf[from, end), or -1. */
function headEnd(buf: Uint8Array, from: number, end: number): number {
  let i = buf.indexOf(CR, from);
  while (i >= 0 && i + 3 < end) {
    if (buf[i + 1] === LF && buf[i + 2] === CR && buf[i + 3] === LF) return i;
    i = buf.indexOf(CR, i + 1);
  }
  return -1;
}

/** Options for {@linkcode serveHttp200}. */
export interface Http200Options {
  /** The largest request head accepted; larger gets 431. @default {8192} */
  maxHeaderBytes?: number;
}

/**
 * Serves one connection until the peer closes it or `signal` aborts (the
 * server's shutdown): a connection idle between requests is closed at once,
 * one in the middle of a request after its response.
 */
export async function handleHttp200(
  client: TcpClient,
  maxHeaderBytes = 8192,
  signal?: AbortSignal,
): Promise<void> {
  // One abort listener per connection rather than a signal on every read,
  // which would cost a listener and a copy per request.
  let idle = false;
  const onAbort = () => {
    if (idle) client.close();
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const buf = new Uint8Array(maxHeaderBytes);
    let start = 0; // first byte of the request being assembled
    let end = 0; // end of the bytes read
    let scan = 0; // where the CRLFCRLF search resumes
    for (;;) {
      if (end === buf.length) {
        if (start === 0) {
          await client.writeAll(TOO_LARGE);
          return;
        }
        buf.copyWithin(0, start, end);
        end -= start;
        scan -= start;
        start = 0;
      }
      idle = end === 0;
      if (idle && signal?.aborted) return;
      const read = await client.readSome(buf.subarray(end));
      idle = false;
      if (read.status !== "ok") return;
      end += read.bytes;
      let count = 0;
      for (
        let i = headEnd(buf, scan, end);
        i >= 0;
        i = headEnd(buf, scan, end)
      ) {
        count++;
        start = scan = i + 4;
      }
      if (start === end) start = end = scan = 0;
      else scan = Math.max(start, end - 3);
      if (count > 0) {
        const written = await client.writeAll(responses(count));
        if (written.status !== "ok") return;
      }
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Serves HTTP 200 on `server` until it is shut down; resolves when its accept
 * loop has stopped.
 */
export function serveHttp200(
  server: TcpServer,
  options: Http200Options = {},
): Promise<void> {
  const { maxHeaderBytes = 8192 } = options;
  return server.serve((client) =>
    handleHttp200(client, maxHeaderBytes, server.signal)
  );
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      hostname: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "8888" },
      "reuse-port": { type: "boolean", default: false },
      "max-seconds": { type: "string" },
    },
  });
  const server = new TcpServer({
    hostname: values.hostname,
    port: Number(values.port),
    reusePort: values["reuse-port"],
  });
  const { hostname, port } = server.localAddr;
  console.log(`http_200_ok_server: listening on http://${hostname}:${port}/`);
  const stop = Promise.withResolvers<string>();
  const onSigint = () => stop.resolve("SIGINT");
  Deno.addSignalListener("SIGINT", onSigint);
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (values["max-seconds"] !== undefined) {
    const ms = Number(values["max-seconds"]) * 1000;
    timer = setTimeout(() => stop.resolve("time limit"), ms);
  }
  const serving = serveHttp200(server);
  const why = await stop.promise;
  Deno.removeSignalListener("SIGINT", onSigint);
  clearTimeout(timer);
  console.log(`http_200_ok_server: ${why}, shutting down`);
  // Idle keep-alive connections close at once; requests in flight get their
  // response first; anything still open after a second is closed.
  const { forced } = await server.shutdown({ deadline: 1_000 });
  await serving;
  console.log(`http_200_ok_server: stopped (${forced} connections closed)`);
}
