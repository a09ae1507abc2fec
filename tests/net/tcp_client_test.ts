// Copyright 2026 the coro authors. Apache-2.0 license.
import assert from "node:assert/strict";
import net from "node:net";
import fc from "fast-check";
import { type IoResult, TcpClient, TcpServer } from "../../net/mod.ts";

/** Deterministic pseudo-random bytes (xorshift32), fast for MiB payloads. */
function payload(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** An echo server whose handlers end when it shuts down. */
function echoServer(): { server: TcpServer; serving: Promise<void> } {
  const server = new TcpServer();
  const serving = server.serve(async (client) => {
    const buf = new Uint8Array(64 * 1024);
    for (;;) {
      const read = await client.readSome(buf, { signal: server.signal });
      if (read.status !== "ok") break;
      const written = await client.writeAll(buf.subarray(0, read.bytes));
      if (written.status !== "ok") break;
    }
  });
  return { server, serving };
}

/** Connects a client and accepts its server-side peer. */
async function pair(
  server: TcpServer,
): Promise<{ client: TcpClient; peer: TcpClient }> {
  const client = await TcpClient.connect({ port: server.localAddr.port });
  const accepted = await server.accept({ timeout: 5_000 });
  assert.equal(accepted.status, "ok");
  assert.ok(accepted.status === "ok");
  return { client, peer: accepted.client };
}

async function readAll(client: TcpClient, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  const result = await client.readExact(out, { timeout: 20_000 });
  assert.deepEqual(result, { status: "ok", bytes: length });
  return out;
}

Deno.test("TcpClient echoes random payloads from 0 bytes to several MiB", async () => {
  const { server, serving } = echoServer();
  try {
    const sizes = [0, 1, 2, 1023, 65_536, 65_537, 1 << 20, 5 * (1 << 20) + 3];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom(...sizes),
          fc.integer({ min: 0, max: 6 * (1 << 20) }),
        ),
        fc.integer(),
        async (size, seed) => {
          using client = await TcpClient.connect({
            port: server.localAddr.port,
          });
          const data = payload(size, seed);
          const [written, echoed] = await Promise.all([
            client.writeAll(data),
            readAll(client, size),
          ]);
          assert.deepEqual(written, { status: "ok", bytes: size });
          assert.ok(Buffer.from(echoed).equals(Buffer.from(data)));
        },
      ),
      { numRuns: 16 },
    );
  } finally {
    await server.shutdown();
    await serving;
  }
});

Deno.test("TcpClient.readExact() assembles many small writes", async () => {
  await using server = new TcpServer();
  const { client, peer } = await pair(server);
  using _c = client;
  using _p = peer;
  const data = payload(5_000, 7);
  const writing = (async () => {
    let offset = 0;
    let step = 1;
    while (offset < data.length) {
      const end = Math.min(data.length, offset + step);
      assert.equal(
        (await peer.writeAll(data.subarray(offset, end))).status,
        "ok",
      );
      offset = end;
      step = step % 13 + 1;
    }
  })();
  const got = await readAll(client, data.length);
  await writing;
  assert.ok(Buffer.from(got).equals(Buffer.from(data)));
});

Deno.test("TcpClient.readExact() reports the bytes read when the stream ends early", async () => {
  await using server = new TcpServer();
  const { client, peer } = await pair(server);
  using _c = client;
  await peer.writeAll(new Uint8Array([1, 2, 3, 4, 5]));
  peer.close();
  const buf = new Uint8Array(10);
  const result = await client.readExact(buf);
  assert.equal(result.status, "closed");
  assert.equal(result.bytes, 5);
  assert.deepEqual([...buf.subarray(0, 5)], [1, 2, 3, 4, 5]);
  assert.equal((await client.readSome(buf)).status, "closed");
});

Deno.test("TcpClient.closeWrite() half-closes: the peer reads to the end and still replies", async () => {
  await using server = new TcpServer();
  const { client, peer } = await pair(server);
  using _c = client;
  using _p = peer;
  await client.writeAll(new TextEncoder().encode("request"));
  assert.deepEqual(await client.closeWrite(), { status: "ok", bytes: 0 });

  const buf = new Uint8Array(64);
  let length = 0;
  for (;;) {
    const read = await peer.readSome(buf.subarray(length));
    if (read.status === "closed") break;
    assert.equal(read.status, "ok");
    length += read.bytes;
  }
  assert.equal(new TextDecoder().decode(buf.subarray(0, length)), "request");
  assert.equal(
    (await peer.writeAll(new TextEncoder().encode("reply"))).status,
    "ok",
  );
  peer.close();
  const reply = new Uint8Array(5);
  assert.equal((await client.readExact(reply)).status, "ok");
  assert.equal(new TextDecoder().decode(reply), "reply");
  assert.equal((await client.readSome(reply)).status, "closed");
});

Deno.test("TcpClient.readSome() reports a peer reset during a read as reset", async () => {
  await using server = new TcpServer();
  const socket = net.connect(server.localAddr.port, "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  const accepted = await server.accept({ timeout: 5_000 });
  assert.ok(accepted.status === "ok");
  using peer = accepted.client;
  socket.write("x");
  const buf = new Uint8Array(8);
  assert.deepEqual(await peer.readSome(buf), { status: "ok", bytes: 1 });
  const reading = peer.readSome(buf);
  const closed = new Promise((resolve) => socket.once("close", resolve));
  socket.resetAndDestroy();
  const result = await reading;
  await closed;
  assert.equal(result.status, "reset");
  assert.ok(result.error instanceof Deno.errors.ConnectionReset);
  const write = await peer.writeAll(new Uint8Array(10));
  assert.ok(write.status === "closed" || write.status === "reset");
});

Deno.test("TcpClient.writeAll() to a peer that closed ends with a status, not an exception", async () => {
  await using server = new TcpServer();
  const { client, peer } = await pair(server);
  using _c = client;
  peer.close();
  let result: IoResult = { status: "ok", bytes: 0 };
  for (let i = 0; i < 100 && result.status === "ok"; i++) {
    result = await client.writeAll(new Uint8Array(64 * 1024));
  }
  assert.ok(
    result.status === "closed" || result.status === "reset",
    `status ${result.status}`,
  );
});

Deno.test("TcpClient.connect() to a port nobody listens on rejects with ConnectionRefused", async () => {
  const server = new TcpServer();
  const port = server.localAddr.port;
  await server.shutdown();
  await assert.rejects(
    TcpClient.connect({ port }),
    Deno.errors.ConnectionRefused,
  );
  await assert.rejects(
    TcpClient.connect({ port, timeout: 5_000 }),
    Deno.errors.ConnectionRefused,
  );
});

Deno.test("TcpClient.connect() rejects with the signal's reason and closes a late connection", async () => {
  await using server = new TcpServer();
  const port = server.localAddr.port;
  const reason = new Error("stop");
  await assert.rejects(
    TcpClient.connect({ port, signal: AbortSignal.abort(reason) }),
    (error) => error === reason,
  );
  const controller = new AbortController();
  const connecting = TcpClient.connect({ port, signal: controller.signal });
  controller.abort(reason);
  await assert.rejects(connecting, (error) => error === reason);
  // The connection made after all is closed by the client side.
  const accepted = await server.accept({ timeout: 5_000 });
  assert.ok(accepted.status === "ok");
  using peer = accepted.client;
  assert.equal(
    (await peer.readSome(new Uint8Array(1), { timeout: 5_000 })).status,
    "closed",
  );
});

Deno.test("TcpClient.connect() checks its options", async () => {
  await assert.rejects(TcpClient.connect({ port: 0 }), RangeError);
  await assert.rejects(TcpClient.connect({ port: 70_000 }), RangeError);
  await assert.rejects(TcpClient.connect({ port: 1.5 }), RangeError);
  await assert.rejects(
    TcpClient.connect({ port: 80, timeout: -1 }),
    RangeError,
  );
  await assert.rejects(
    TcpClient.connect(null as unknown as { port: number }),
    TypeError,
  );
  await assert.rejects(
    TcpClient.connect({ port: 80, hostname: "" }),
    TypeError,
  );
});

Deno.test("TcpClient.readSome() times out and the late bytes go to the next read", async () => {
  await using server = new TcpServer();
  const { client, peer } = await pair(server);
  using _c = client;
  using _p = peer;
  const big = new Uint8Array(100);
  big.fill(9);
  const first = await client.readSome(big, { timeout: 20 });
  assert.deepEqual(first, { status: "timeout", bytes: 0 });
  assert.ok(big.every((b) => b === 9), "the buffer is untouched");

  await peer.writeAll(payload(50, 3));
  // A smaller buffer: the rest stays buffered for the read after.
  const small = new Uint8Array(20);
  assert.deepEqual(await client.readSome(small, { timeout: 5_000 }), {
    status: "ok",
    bytes: 20,
  });
  const rest = new Uint8Array(30);
  assert.deepEqual(await client.readExact(rest), { status: "ok", bytes: 30 });
  assert.deepEqual([...small, ...rest], [...payload(50, 3)]);
  assert.ok(big.every((b) => b === 9), "the timed-out buffer is never written");
});

Deno.test("TcpClient.readExact() timeout bounds the whole call and keeps the bytes read", async () => {
  await using server = new TcpServer();
  const { client, peer } = await pair(server);
  using _c = client;
  using _p = peer;
  await peer.writeAll(new Uint8Array([1, 2, 3]));
  const buf = new Uint8Array(6);
  const result = await client.readExact(buf, { timeout: 50 });
  assert.equal(result.status, "timeout");
  assert.equal(result.bytes, 3);
  await peer.writeAll(new Uint8Array([4, 5, 6]));
  assert.deepEqual(await client.readExact(buf.subarray(3)), {
    status: "ok",
    bytes: 3,
  });
  assert.deepEqual([...buf], [1, 2, 3, 4, 5, 6]);
});

Deno.test("TcpClient reads report aborted with the signal's reason, and timeout for AbortSignal.timeout", async () => {
  await using server = new TcpServer();
  const { client, peer } = await pair(server);
  using _c = client;
  using _p = peer;
  const buf = new Uint8Array(8);
  const reason = new Error("enough");
  assert.deepEqual(
    await client.readSome(buf, { signal: AbortSignal.abort(reason) }),
    { status: "aborted", bytes: 0, error: reason },
  );
  const controller = new AbortController();
  const reading = client.readSome(buf, { signal: controller.signal });
  controller.abort(reason);
  assert.deepEqual(await reading, {
    status: "aborted",
    bytes: 0,
    error: reason,
  });
  const timed = await client.readSome(buf, { signal: AbortSignal.timeout(10) });
  assert.equal(timed.status, "timeout");
  assert.ok(timed.error instanceof DOMException);
  await peer.writeAll(new Uint8Array([42]));
  assert.deepEqual(await client.readSome(buf), { status: "ok", bytes: 1 });
  assert.equal(buf[0], 42);
});

Deno.test("TcpClient.writeAll() times out against a stalled reader without losing or duplicating bytes", async () => {
  await using server = new TcpServer();
  const { client, peer } = await pair(server);
  using _c = client;
  using _p = peer;
  const data = payload(64 << 20, 11);
  const first = await client.writeAll(data, { timeout: 100 });
  assert.equal(first.status, "timeout");
  assert.ok(first.bytes > 0 && first.bytes < data.length, `${first.bytes}`);
  const [rest, received] = await Promise.all([
    client.writeAll(data.subarray(first.bytes)),
    readAll(peer, data.length),
  ]);
  assert.deepEqual(rest, { status: "ok", bytes: data.length - first.bytes });
  assert.ok(Buffer.from(received).equals(Buffer.from(data)));
});

Deno.test("TcpClient.writeSome() makes one write and reports its size", async () => {
  await using server = new TcpServer();
  const { client, peer } = await pair(server);
  using _c = client;
  using _p = peer;
  assert.deepEqual(await client.writeSome(new Uint8Array(0)), {
    status: "ok",
    bytes: 0,
  });
  const result = await client.writeSome(payload(1000, 5), { timeout: 5_000 });
  assert.equal(result.status, "ok");
  assert.ok(result.bytes > 0 && result.bytes <= 1000);
  const got = await readAll(peer, result.bytes);
  assert.deepEqual([...got], [...payload(1000, 5).subarray(0, result.bytes)]);
});

Deno.test("TcpClient.close() ends a pending read with closed and later calls throw BadResource", async () => {
  await using server = new TcpServer();
  const { client, peer } = await pair(server);
  using _p = peer;
  const reading = client.readSome(new Uint8Array(8));
  const timed = client.closed;
  assert.equal(timed, false);
  client.close();
  assert.equal((await reading).status, "closed");
  assert.equal(client.closed, true);
  await assert.rejects(
    client.readSome(new Uint8Array(1)),
    Deno.errors.BadResource,
  );
  await assert.rejects(
    client.writeAll(new Uint8Array(1)),
    Deno.errors.BadResource,
  );
  await assert.rejects(client.closeWrite(), Deno.errors.BadResource);
  client.close();
});

Deno.test("TcpClient rejects misuse: a second concurrent read, bad buffers, bad timeouts", async () => {
  await using server = new TcpServer();
  const { client, peer } = await pair(server);
  using _c = client;
  using _p = peer;
  const reading = client.readSome(new Uint8Array(4));
  await assert.rejects(client.readSome(new Uint8Array(4)), Deno.errors.Busy);
  await assert.rejects(client.readExact(new Uint8Array(4)), Deno.errors.Busy);
  await assert.rejects(
    client.readSome("buf" as unknown as Uint8Array),
    TypeError,
  );
  await assert.rejects(
    client.writeAll([1, 2] as unknown as Uint8Array),
    TypeError,
  );
  await assert.rejects(
    client.writeAll(new Uint8Array(1), { timeout: -5 }),
    RangeError,
  );
  await assert.rejects(
    client.writeSome(new Uint8Array(1), { timeout: Number.NaN }),
    RangeError,
  );
  await peer.writeAll(new Uint8Array([1]));
  assert.deepEqual(await reading, { status: "ok", bytes: 1 });
  // A writer and a reader may run at the same time.
  const [r, w] = await Promise.all([
    client.readSome(new Uint8Array(1), { timeout: 20 }),
    client.writeAll(new Uint8Array([2])),
  ]);
  assert.equal(r.status, "timeout");
  assert.equal(w.status, "ok");
});

Deno.test("TcpClient exposes its addresses and socket options", async () => {
  await using server = new TcpServer();
  const { client, peer } = await pair(server);
  using _c = client;
  using _p = peer;
  assert.equal(client.remoteAddr.port, server.localAddr.port);
  assert.equal(peer.remoteAddr.port, client.localAddr.port);
  assert.equal(client.conn.localAddr.port, client.localAddr.port);
  client.setNoDelay();
  client.setNoDelay(false);
  client.setKeepAlive();
  client.setKeepAlive(false);
  assert.throws(() => new TcpClient({} as Deno.TcpConn), TypeError);
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

Deno.test("TcpClient timed reads that give up at random never lose or reorder bytes", async () => {
  await using server = new TcpServer();
  let gaveUp = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          size: fc.integer({ min: 1, max: 20_000 }),
          pause: fc.integer({ min: 0, max: 3 }),
        }),
        { minLength: 1, maxLength: 12 },
      ),
      fc.array(
        fc.record({
          size: fc.integer({ min: 1, max: 9_000 }),
          timeout: fc.integer({ min: 0, max: 3 }),
        }),
        { minLength: 1, maxLength: 8 },
      ),
      fc.integer(),
      async (writes, reads, seed) => {
        const { client, peer } = await pair(server);
        using _c = client;
        using _p = peer;
        const total = writes.reduce((sum, w) => sum + w.size, 0);
        const data = payload(total, seed);
        const writing = (async () => {
          let offset = 0;
          for (const { size, pause } of writes) {
            const r = await peer.writeAll(data.subarray(offset, offset + size));
            assert.equal(r.status, "ok");
            offset += size;
            await delay(pause);
          }
        })();
        const received = new Uint8Array(total);
        let length = 0;
        for (let i = 0; length < total; i++) {
          const { size, timeout } = reads[i % reads.length]!;
          const buf = new Uint8Array(size);
          const result = await client.readSome(buf, { timeout });
          if (result.status === "timeout") {
            gaveUp++;
            continue;
          }
          assert.equal(result.status, "ok");
          received.set(buf.subarray(0, result.bytes), length);
          length += result.bytes;
        }
        await writing;
        assert.ok(Buffer.from(received).equals(Buffer.from(data)));
      },
    ),
    { numRuns: 25 },
  );
  assert.ok(gaveUp > 0, "some reads timed out");
});

Deno.test("TcpClient timed writes that give up at random never lose or duplicate bytes", async () => {
  await using server = new TcpServer();
  let gaveUp = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 6 }),
      fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 6 }),
      fc.integer(),
      async (timeouts, pauses, seed) => {
        const { client, peer } = await pair(server);
        using _c = client;
        using _p = peer;
        const data = payload(6 << 20, seed);
        const writing = (async () => {
          let offset = 0;
          for (let i = 0; offset < data.length; i++) {
            const timeout = timeouts[i % timeouts.length]!;
            const result = await client.writeAll(data.subarray(offset), {
              timeout,
            });
            assert.ok(result.status === "ok" || result.status === "timeout");
            if (result.status === "timeout") gaveUp++;
            offset += result.bytes;
          }
          assert.equal(offset, data.length);
        })();
        const received = new Uint8Array(data.length);
        let length = 0;
        for (let i = 0; length < data.length; i++) {
          const result = await peer.readSome(
            received.subarray(length, length + 256 * 1024),
          );
          assert.equal(result.status, "ok");
          length += result.bytes;
          await delay(pauses[i % pauses.length]!);
        }
        await writing;
        assert.ok(Buffer.from(received).equals(Buffer.from(data)));
      },
    ),
    { numRuns: 15 },
  );
  assert.ok(gaveUp > 0, "some writes timed out");
});
