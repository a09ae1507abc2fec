// Copyright 2026 the coro authors. Apache-2.0 license.
// Per-operation cost of TcpClient over a raw Deno.TcpConn: one 64-byte
// request/response round trip on 127.0.0.1 per iteration, the peer echoing
// with raw Deno calls in every case.
//
//   deno bench -A --unstable-net bench/net/tcp_client_bench.ts
import { TcpClient } from "../../net/mod.ts";

const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const port = listener.addr.port;
(async () => {
  for await (const conn of listener) {
    conn.setNoDelay(true);
    (async () => {
      const buf = new Uint8Array(64);
      try {
        for (;;) {
          const n = await conn.read(buf);
          if (n === null) break;
          let done = 0;
          while (done < n) done += await conn.write(buf.subarray(done, n));
        }
      } catch {
        // closed
      } finally {
        conn.close();
      }
    })();
  }
})();

const message = new Uint8Array(64).fill(7);
const reply = new Uint8Array(64);

const raw = await Deno.connect({ hostname: "127.0.0.1", port });
raw.setNoDelay(true);
const client = await TcpClient.connect({ port });
const timed = await TcpClient.connect({ port });
const controller = new AbortController();

Deno.bench({
  name: "raw Deno.TcpConn write + read",
  group: "round trip",
  baseline: true,
  async fn() {
    await raw.write(message);
    let got = 0;
    while (got < 64) got += (await raw.read(reply.subarray(got)))!;
  },
});

Deno.bench({
  name: "TcpClient writeAll + readSome",
  group: "round trip",
  async fn() {
    await client.writeAll(message);
    let got = 0;
    while (got < 64) got += (await client.readSome(reply.subarray(got))).bytes;
  },
});

Deno.bench({
  name: "TcpClient writeAll + readExact",
  group: "round trip",
  async fn() {
    await client.writeAll(message);
    await client.readExact(reply);
  },
});

Deno.bench({
  name: "TcpClient with a timeout on the read",
  group: "round trip",
  async fn() {
    await timed.writeAll(message);
    await timed.readExact(reply, { timeout: 10_000 });
  },
});

Deno.bench({
  name: "TcpClient with a signal on the read",
  group: "round trip",
  async fn() {
    await timed.writeAll(message);
    await timed.readExact(reply, { signal: controller.signal });
  },
});

globalThis.addEventListener("unload", () => {
  raw.close();
  client.close();
  timed.close();
  listener.close();
});
