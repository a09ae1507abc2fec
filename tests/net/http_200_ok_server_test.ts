// Copyright 2026 the coro authors. Apache-2.0 license.
import assert from "node:assert/strict";
import { TcpClient, TcpServer } from "../../net/mod.ts";
import { serveHttp200 } from "../../examples/http_200_ok_server.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: test\r\n\r\n";
const OK =
  "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n";

/** Starts the example server on an ephemeral port; dispose to stop it. */
function start(): AsyncDisposable & { port: number } {
  const server = new TcpServer();
  const serving = serveHttp200(server);
  return {
    port: server.localAddr.port,
    async [Symbol.asyncDispose]() {
      await server.shutdown({ deadline: 1_000 });
      await serving;
    },
  };
}

/** Reads exactly `length` bytes as text. */
async function readText(client: TcpClient, length: number): Promise<string> {
  const buf = new Uint8Array(length);
  const result = await client.readExact(buf, { timeout: 10_000 });
  assert.equal(result.status, "ok", `read ${result.bytes} of ${length}`);
  return decoder.decode(buf);
}

Deno.test("http_200_ok_server answers keep-alive requests on one connection", async () => {
  await using http = start();
  using client = await TcpClient.connect({ port: http.port });
  for (let i = 0; i < 5; i++) {
    await client.writeAll(encoder.encode(REQUEST));
    assert.equal(await readText(client, OK.length), OK);
  }
});

Deno.test("http_200_ok_server answers each of 100 pipelined requests", async () => {
  await using http = start();
  using client = await TcpClient.connect({ port: http.port });
  await client.writeAll(encoder.encode(REQUEST.repeat(100)));
  assert.equal(await readText(client, OK.length * 100), OK.repeat(100));
  // Nothing more than one response per request.
  const extra = await client.readSome(new Uint8Array(1), { timeout: 50 });
  assert.equal(extra.status, "timeout");
});

Deno.test("http_200_ok_server assembles requests split across reads, one byte at a time", async () => {
  await using http = start();
  using client = await TcpClient.connect({ port: http.port });
  const bytes = encoder.encode(REQUEST + REQUEST);
  for (let i = 0; i < bytes.length; i++) {
    assert.equal(
      (await client.writeAll(bytes.subarray(i, i + 1))).status,
      "ok",
    );
    // Let each byte arrive on its own read.
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (i === REQUEST.length - 2) {
      // "\r\n\r" so far: no response yet.
      const early = await client.readSome(new Uint8Array(1), { timeout: 20 });
      assert.equal(early.status, "timeout");
    }
  }
  assert.equal(await readText(client, OK.length * 2), OK + OK);
});

Deno.test("http_200_ok_server keeps a partial request across a buffer compaction", async () => {
  await using http = start();
  using client = await TcpClient.connect({ port: http.port });
  // Heads that straddle the 8 KiB buffer's end force the partial one to move.
  const long = `GET / HTTP/1.1\r\nX-Pad: ${"p".repeat(3000)}\r\n\r\n`;
  const count = 20;
  const bytes = encoder.encode(long.repeat(count));
  for (let offset = 0; offset < bytes.length; offset += 1000) {
    await client.writeAll(bytes.subarray(offset, offset + 1000));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  assert.equal(await readText(client, OK.length * count), OK.repeat(count));
});

Deno.test("http_200_ok_server answers an oversized request head with 431, closes, and keeps serving others", async () => {
  await using http = start();
  using other = await TcpClient.connect({ port: http.port });
  using big = await TcpClient.connect({ port: http.port });
  const head = `GET / HTTP/1.1\r\nX-Big: ${"b".repeat(9000)}`;
  const sent = await big.writeAll(encoder.encode(head));
  assert.equal(sent.status, "ok");
  const reply = new Uint8Array(1024);
  let length = 0;
  for (;;) {
    const read = await big.readSome(reply.subarray(length), {
      timeout: 10_000,
    });
    if (read.status !== "ok") {
      assert.ok(read.status === "closed" || read.status === "reset");
      break;
    }
    length += read.bytes;
  }
  assert.match(
    decoder.decode(reply.subarray(0, length)),
    /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n.*Connection: close\r\n/s,
  );
  await other.writeAll(encoder.encode(REQUEST));
  assert.equal(await readText(other, OK.length), OK);
  using again = await TcpClient.connect({ port: http.port });
  await again.writeAll(encoder.encode(REQUEST));
  assert.equal(await readText(again, OK.length), OK);
});

Deno.test("http_200_ok_server serves fetch() from a real HTTP client", async () => {
  await using http = start();
  using httpClient = Deno.createHttpClient({});
  for (let i = 0; i < 3; i++) {
    const response = await fetch(`http://127.0.0.1:${http.port}/path?q=${i}`, {
      client: httpClient,
    });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "");
  }
});

Deno.test("http_200_ok_server closes idle keep-alive connections at shutdown without waiting for the deadline", async () => {
  const server = new TcpServer();
  const serving = serveHttp200(server);
  using idle = await TcpClient.connect({ port: server.localAddr.port });
  await idle.writeAll(encoder.encode(REQUEST));
  assert.equal(await readText(idle, OK.length), OK);
  using partial = await TcpClient.connect({ port: server.localAddr.port });
  await partial.writeAll(encoder.encode(REQUEST.slice(0, 20)));
  await new Promise((resolve) => setTimeout(resolve, 20));

  const shutting = server.shutdown({ deadline: 10_000 });
  // The idle connection ends at once; the one mid-request gets its answer.
  assert.equal((await idle.readSome(new Uint8Array(1))).status, "closed");
  await partial.writeAll(encoder.encode(REQUEST.slice(20)));
  assert.equal(await readText(partial, OK.length), OK);
  assert.equal((await partial.readSome(new Uint8Array(1))).status, "closed");
  assert.deepEqual(await shutting, { forced: 0 });
  await serving;
});
