// Copyright 2026 the coro authors. Apache-2.0 license.
import assert from "node:assert/strict";
import fc from "fast-check";
import { UdpPeer } from "../../net/udp/peer.ts";

const LONG = 5000;

Deno.test("UdpPeer round trips datagrams between two bound peers", async () => {
  using server = UdpPeer.bind({ hostname: "127.0.0.1", port: 0 });
  using client = UdpPeer.bind({ hostname: "127.0.0.1" });
  const buf = new Uint8Array(2048);
  for (const text of ["ping", "", "x".repeat(1400)]) {
    const payload = new TextEncoder().encode(text);
    assert.deepEqual(await client.writeTo(server.localAddr, payload), {
      status: "ok",
      bytes: payload.length,
    });
    const got = await server.readFrom(buf, { timeout: LONG });
    assert.equal(got.status, "ok");
    if (got.status !== "ok") return;
    const data = buf.subarray(0, got.bytes);
    assert.equal(new TextDecoder().decode(data), text);
    assert.equal(got.truncated, false);
    assert.equal(got.remoteAddr.hostname, "127.0.0.1");
    assert.equal(got.remoteAddr.port, client.localAddr.port);

    // Echo back to the sender's address.
    await server.writeTo(got.remoteAddr, data);
    const back = new Uint8Array(2048);
    const echo = await client.readFrom(back, { timeout: LONG });
    assert.equal(echo.status, "ok");
    assert.deepEqual(back.subarray(0, echo.bytes), payload);
    assert.equal(echo.remoteAddr?.port, server.localAddr.port);
  }
});

Deno.test("UdpPeer round trips random payloads up to 60 KiB unchanged", async () => {
  using a = UdpPeer.bind();
  using b = UdpPeer.bind();
  const buf = new Uint8Array(65536);
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ minLength: 0, maxLength: 60 * 1024 }),
      async (payload) => {
        const sent = await a.writeTo(b.localAddr, payload);
        assert.deepEqual(sent, { status: "ok", bytes: payload.length });
        const got = await b.readFrom(buf, { timeout: LONG });
        assert.equal(got.status, "ok");
        assert.deepEqual(buf.subarray(0, got.bytes), payload);
      },
    ),
    { numRuns: 50 },
  );
});

Deno.test("UdpPeer.unbound() gets an ephemeral port and receives replies", async () => {
  using server = UdpPeer.bind();
  using client = UdpPeer.unbound();
  assert.equal(client.localAddr.hostname, "0.0.0.0");
  assert.ok(client.localAddr.port > 0);
  await client.writeTo(server.localAddr, new Uint8Array([1]));
  const req = await server.readFrom(new Uint8Array(8), { timeout: LONG });
  assert.equal(req.status, "ok");
  if (req.status !== "ok") return;
  assert.equal(req.remoteAddr.port, client.localAddr.port);
  await server.writeTo(req.remoteAddr, new Uint8Array([2]));
  const buf = new Uint8Array(8);
  const reply = await client.readFrom(buf, { timeout: LONG });
  assert.equal(reply.status, "ok");
  assert.deepEqual([...buf.subarray(0, reply.bytes)], [2]);
});

Deno.test("UdpPeer.readFrom() returns timeout when nothing arrives", async () => {
  using peer = UdpPeer.bind();
  const start = performance.now();
  const got = await peer.readFrom(new Uint8Array(16), { timeout: 50 });
  assert.deepEqual(got, { status: "timeout", bytes: 0 });
  assert.ok(performance.now() - start >= 45);
});

Deno.test("UdpPeer.readFrom() keeps a datagram that arrives after a timed-out read", async () => {
  using server = UdpPeer.bind();
  using client = UdpPeer.bind();
  const buf = new Uint8Array(16);
  // The receive started by this read stays in flight after it times out.
  assert.deepEqual(await server.readFrom(buf, { timeout: 1 }), {
    status: "timeout",
    bytes: 0,
  });
  await client.writeTo(server.localAddr, new Uint8Array([7, 8]));
  // Let the in-flight receive complete while nobody is reading.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const got = await server.readFrom(buf, { timeout: LONG });
  assert.equal(got.status, "ok");
  assert.deepEqual([...buf.subarray(0, got.bytes)], [7, 8]);
});

Deno.test("UdpPeer.readFrom() ends with aborted or timeout on its signal and loses no datagram", async () => {
  using server = UdpPeer.bind();
  using client = UdpPeer.bind();
  const buf = new Uint8Array(16);
  const reason = new Error("early");
  assert.deepEqual(
    await server.readFrom(buf, { signal: AbortSignal.abort(reason) }),
    { status: "aborted", bytes: 0, error: reason },
  );
  const controller = new AbortController();
  const pending = server.readFrom(buf, { signal: controller.signal });
  const stop = new Error("stop");
  controller.abort(stop);
  assert.deepEqual(await pending, { status: "aborted", bytes: 0, error: stop });
  const timedOut = await server.readFrom(buf, {
    signal: AbortSignal.timeout(5),
  });
  assert.equal(timedOut.status, "timeout");
  assert.equal((timedOut.error as DOMException).name, "TimeoutError");

  await client.writeTo(server.localAddr, new Uint8Array([9]));
  const got = await server.readFrom(buf, { timeout: LONG });
  assert.equal(got.status, "ok");
  assert.deepEqual([...buf.subarray(0, got.bytes)], [9]);
});

Deno.test("UdpPeer.readFrom() serves concurrent readers in call order", async () => {
  using server = UdpPeer.bind();
  using client = UdpPeer.bind();
  const bufs = [0, 1, 2].map(() => new Uint8Array(4));
  const reads = bufs.map((buf) => server.readFrom(buf, { timeout: LONG }));
  for (const n of [10, 11, 12]) {
    await client.writeTo(server.localAddr, new Uint8Array([n]));
  }
  const got = await Promise.all(reads);
  assert.deepEqual(got.map((r) => r.status), ["ok", "ok", "ok"]);
  assert.deepEqual(bufs.map((buf) => buf[0]), [10, 11, 12]);
});

Deno.test("UdpPeer.readFrom() reports a datagram longer than the buffer as truncated", async () => {
  using server = UdpPeer.bind();
  using client = UdpPeer.bind();
  await client.writeTo(server.localAddr, new Uint8Array([1, 2, 3, 4, 5]));
  const buf = new Uint8Array(3);
  const got = await server.readFrom(buf, { timeout: LONG });
  assert.equal(got.status, "ok");
  if (got.status !== "ok") return;
  assert.equal(got.bytes, 3);
  assert.deepEqual([...buf], [1, 2, 3]);
  assert.equal(got.truncated, true);
});

Deno.test("UdpPeer.close() ends waiting reads with closed, later calls throw BadResource", async () => {
  const peer = UdpPeer.bind();
  const pending = peer.readFrom(new Uint8Array(4));
  peer.close();
  peer.close();
  assert.deepEqual(await pending, { status: "closed", bytes: 0 });
  assert.equal(peer.closed, true);
  await assert.rejects(peer.readFrom(new Uint8Array(4)), {
    name: "BadResource",
    message: "Cannot read from UDP peer: the peer is closed",
  });
  await assert.rejects(
    peer.writeTo({ hostname: "127.0.0.1", port: 9 }, new Uint8Array(1)),
    Deno.errors.BadResource,
  );
});

Deno.test("UdpPeer.writeTo() returns an error status for an oversized datagram", async () => {
  using peer = UdpPeer.bind();
  const got = await peer.writeTo(peer.localAddr, new Uint8Array(70_000));
  assert.equal(got.status, "error");
  assert.match((got.error as Error).message, /too long/i);
});

Deno.test("UdpPeer validates its arguments", async () => {
  assert.throws(() => UdpPeer.bind({ port: 70_000 }), {
    name: "RangeError",
    message:
      "Cannot bind UDP peer: port must be an integer from 0 to 65535, got number 70000",
  });
  assert.throws(
    () => UdpPeer.bind({ hostname: 1 as unknown as string }),
    TypeError,
  );
  assert.throws(
    () => UdpPeer.unbound({ family: "ipx" as "ipv4" }),
    TypeError,
  );
  using peer = UdpPeer.bind();
  await assert.rejects(
    peer.readFrom("x" as unknown as Uint8Array),
    TypeError,
  );
  await assert.rejects(
    peer.readFrom(new Uint8Array(1), { timeout: -1 }),
    RangeError,
  );
  await assert.rejects(
    peer.writeTo(peer.localAddr, [1] as unknown as Uint8Array),
    TypeError,
  );
  await assert.rejects(
    peer.writeTo({ hostname: "127.0.0.1", port: -1 }, new Uint8Array(1)),
    RangeError,
  );
});

Deno.test("UdpPeer.bind() reports a port in use", () => {
  using a = UdpPeer.bind();
  assert.throws(
    () => UdpPeer.bind({ port: a.localAddr.port }),
    Deno.errors.AddrInUse,
  );
});

Deno.test("UdpPeer.bind() without --unstable-net throws an error naming the flag", async () => {
  const url = new URL("../../net/udp/peer.ts", import.meta.url).href;
  const code = `
    import { UdpPeer } from ${JSON.stringify(url)};
    try { UdpPeer.bind(); } catch (e) { console.log(e.message); }
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-config", code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.equal(
    new TextDecoder().decode(out.stdout).trim(),
    "Cannot make UDP peer: Deno.listenDatagram is not available, run Deno with the --unstable-net flag",
  );
});

Deno.test("UdpPeer.writeTo() with an aborted signal sends nothing and says why", async () => {
  using server = UdpPeer.bind();
  using client = UdpPeer.bind();
  const reason = new Error("not now");
  assert.deepEqual(
    await client.writeTo(server.localAddr, new Uint8Array([1]), {
      signal: AbortSignal.abort(reason),
    }),
    { status: "aborted", bytes: 0, error: reason },
  );
  assert.deepEqual(
    await server.readFrom(new Uint8Array(4), { timeout: 30 }),
    { status: "timeout", bytes: 0 },
  );
  // With a generous timeout the send goes through.
  assert.deepEqual(
    await client.writeTo(server.localAddr, new Uint8Array([2]), {
      timeout: LONG,
    }),
    { status: "ok", bytes: 1 },
  );
  const buf = new Uint8Array(4);
  const got = await server.readFrom(buf, { timeout: LONG });
  assert.deepEqual([...buf.subarray(0, got.bytes)], [2]);
});
