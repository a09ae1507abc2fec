// Copyright 2026 the coro authors. Apache-2.0 license.
import assert from "node:assert/strict";
import { ShutdownError } from "../../scheduler/errors.ts";
import { type IoResult, TcpClient, TcpServer } from "../../net/mod.ts";

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error("Condition not met in time");
    await delay(1);
  }
}

Deno.test("TcpServer listens on 127.0.0.1 and an ephemeral port by default", async () => {
  await using server = new TcpServer();
  assert.equal(server.localAddr.hostname, "127.0.0.1");
  assert.equal(server.localAddr.transport, "tcp");
  assert.ok(server.localAddr.port > 0);
});

Deno.test("TcpServer checks its options", () => {
  assert.throws(() => new TcpServer({ port: -1 }), RangeError);
  assert.throws(() => new TcpServer({ port: 65_536 }), RangeError);
  assert.throws(() => new TcpServer({ hostname: "" }), TypeError);
});

Deno.test("TcpServer.accept() times out, and a client arriving later goes to the next accept", async () => {
  await using server = new TcpServer();
  assert.deepEqual(await server.accept({ timeout: 20 }), { status: "timeout" });
  using client = await TcpClient.connect({ port: server.localAddr.port });
  const accepted = await server.accept({ timeout: 5_000 });
  assert.ok(accepted.status === "ok");
  using peer = accepted.client;
  assert.equal(peer.remoteAddr.port, client.localAddr.port);
});

Deno.test("TcpServer.accept() reports aborted with the signal's reason", async () => {
  await using server = new TcpServer();
  const reason = new Error("no more");
  assert.deepEqual(await server.accept({ signal: AbortSignal.abort(reason) }), {
    status: "aborted",
    error: reason,
  });
  const controller = new AbortController();
  const accepting = server.accept({ signal: controller.signal });
  controller.abort(reason);
  assert.deepEqual(await accepting, { status: "aborted", error: reason });
  await assert.rejects(server.accept({ timeout: -1 }), RangeError);
});

Deno.test("TcpServer.accept() refuses a second concurrent accept with Busy", async () => {
  await using server = new TcpServer();
  const first = server.accept({ timeout: 50 });
  await assert.rejects(server.accept(), Deno.errors.Busy);
  assert.equal((await first).status, "timeout");
});

Deno.test("TcpServer.shutdown() ends a pending accept and later accepts with closed", async () => {
  const server = new TcpServer();
  const accepting = server.accept();
  const result = await server.shutdown();
  assert.deepEqual(result, { forced: 0 });
  assert.deepEqual(await accepting, { status: "closed" });
  assert.deepEqual(await server.accept(), { status: "closed" });
  assert.equal(server.shutdown(), server.shutdown());
  assert.equal(server.signal.reason instanceof ShutdownError, true);
});

Deno.test("TcpServer.shutdown() closes a client accepted late after an accept timeout", async () => {
  const server = new TcpServer();
  assert.equal((await server.accept({ timeout: 10 })).status, "timeout");
  using client = await TcpClient.connect({ port: server.localAddr.port });
  await delay(20);
  await server.shutdown();
  const read = await client.readSome(new Uint8Array(1), { timeout: 5_000 });
  assert.ok(read.status === "closed" || read.status === "reset");
});

Deno.test("TcpServer async iteration yields clients and ends at shutdown", async () => {
  const server = new TcpServer();
  const port = server.localAddr.port;
  const seen: number[] = [];
  const looping = (async () => {
    for await (const client of server) {
      seen.push(client.remoteAddr.port);
      client.close();
    }
  })();
  const clients = await Promise.all(
    [1, 2, 3].map(() => TcpClient.connect({ port })),
  );
  await until(() => seen.length === 3);
  await server.shutdown();
  await looping;
  assert.deepEqual(
    seen.sort(),
    clients.map((c) => c.localAddr.port).sort(),
  );
  for (const client of clients) client.close();
});

Deno.test("TcpServer serves 1,000 concurrent echo clients", async () => {
  await using server = new TcpServer();
  const serving = server.serve(async (client) => {
    const buf = new Uint8Array(256);
    for (;;) {
      const read = await client.readSome(buf);
      if (read.status !== "ok") return;
      await client.writeAll(buf.subarray(0, read.bytes));
    }
  });
  const port = server.localAddr.port;
  const count = 1_000;
  const clients = await Promise.all(
    Array.from({ length: count }, () => TcpClient.connect({ port })),
  );
  try {
    await until(() => server.openConnections === count);
    const results = await Promise.all(clients.map(async (client, i) => {
      const message = new TextEncoder().encode(`client ${i}`);
      const reply = new Uint8Array(message.length);
      const [w, r] = await Promise.all([
        client.writeAll(message),
        client.readExact(reply, { timeout: 30_000 }),
      ]);
      assert.equal(w.status, "ok");
      assert.equal(r.status, "ok");
      return new TextDecoder().decode(reply);
    }));
    assert.deepEqual(
      results,
      Array.from({ length: count }, (_, i) => `client ${i}`),
    );
  } finally {
    for (const client of clients) client.close();
  }
  await until(() => server.openConnections === 0);
  assert.deepEqual(await server.shutdown(), { forced: 0 });
  await serving;
});

Deno.test("TcpServer.shutdown() lets handlers finish before the deadline", async () => {
  const server = new TcpServer();
  const finished: number[] = [];
  const serving = server.serve(async (client) => {
    // Ends its keep-alive loop when shutdown starts, after finishing the
    // request in hand.
    const buf = new Uint8Array(4);
    const read = await client.readExact(buf);
    assert.equal(read.status, "ok");
    await delay(30);
    await client.writeAll(buf);
    finished.push(buf[0]!);
  });
  const port = server.localAddr.port;
  const clients = await Promise.all(
    [1, 2, 3].map(() => TcpClient.connect({ port })),
  );
  for (const [i, client] of clients.entries()) {
    await client.writeAll(new Uint8Array([i, 0, 0, 0]));
  }
  await until(() => server.openConnections === 3);
  const result = await server.shutdown({ deadline: 5_000 });
  assert.deepEqual(result, { forced: 0 });
  await serving;
  assert.deepEqual(finished.sort(), [0, 1, 2]);
  for (const client of clients) {
    const echo = new Uint8Array(4);
    assert.equal((await client.readExact(echo)).status, "ok");
    assert.equal((await client.readSome(echo)).status, "closed");
    client.close();
  }
});

Deno.test("TcpServer.shutdown() closes connections still open at the deadline", async () => {
  const server = new TcpServer();
  const statuses: IoResult[] = [];
  const serving = server.serve(async (client) => {
    // Ignores the server's signal: only the forced close ends this read.
    statuses.push(await client.readSome(new Uint8Array(8)));
    // After the forced close, calls report closed rather than throwing.
    statuses.push(await client.writeAll(new Uint8Array(1)));
  });
  const port = server.localAddr.port;
  const clients = await Promise.all(
    [1, 2].map(() => TcpClient.connect({ port })),
  );
  await until(() => server.openConnections === 2);
  const started = Date.now();
  assert.deepEqual(await server.shutdown({ deadline: 50 }), { forced: 2 });
  assert.ok(Date.now() - started >= 40);
  await serving;
  assert.deepEqual(statuses.map((s) => s.status), [
    "closed",
    "closed",
    "closed",
    "closed",
  ]);
  for (const client of clients) {
    const read = await client.readSome(new Uint8Array(1));
    assert.ok(read.status === "closed" || read.status === "reset");
    client.close();
  }
});

Deno.test("TcpServer.shutdown() waits for clients accepted by iteration to be closed by their owner", async () => {
  const server = new TcpServer();
  using client = await TcpClient.connect({ port: server.localAddr.port });
  const accepted = await server.accept();
  assert.ok(accepted.status === "ok");
  const shutting = server.shutdown({ deadline: 5_000 });
  await delay(20);
  assert.equal(server.openConnections, 1);
  accepted.client.close();
  assert.deepEqual(await shutting, { forced: 0 });
  assert.equal((await client.readSome(new Uint8Array(1))).status, "closed");
  // A second call returns the first promise, without checking its options.
  assert.equal(server.shutdown({ deadline: -1 }), shutting);
});

Deno.test("TcpServer.shutdown() checks its deadline", async () => {
  const server = new TcpServer();
  assert.throws(() => server.shutdown({ deadline: -1 }), RangeError);
  assert.throws(() => server.shutdown({ deadline: Number.NaN }), RangeError);
  await server.shutdown({ deadline: 0 });
});

Deno.test("TcpServer.serve() reports handler errors to onError and keeps serving", async () => {
  const server = new TcpServer();
  const errors: unknown[] = [];
  let calls = 0;
  const serving = server.serve((client) => {
    calls++;
    if (calls === 1) throw new Error("handler failed");
    return client.writeAll(new Uint8Array([calls])).then(() => {});
  }, { onError: (error) => errors.push(error) });
  const port = server.localAddr.port;
  using first = await TcpClient.connect({ port });
  assert.equal((await first.readSome(new Uint8Array(1))).status, "closed");
  using second = await TcpClient.connect({ port });
  const buf = new Uint8Array(1);
  assert.deepEqual(await second.readSome(buf), { status: "ok", bytes: 1 });
  assert.equal(buf[0], 2);
  await server.shutdown();
  await serving;
  assert.equal(errors.length, 1);
  assert.equal((errors[0] as Error).message, "handler failed");
  await assert.rejects(
    server.serve("nope" as unknown as () => void),
    TypeError,
  );
});

Deno.test("TcpServer serves a slow client that sends one byte at a time", async () => {
  await using server = new TcpServer();
  const serving = server.serve(async (client) => {
    const buf = new Uint8Array(40);
    const read = await client.readExact(buf, { timeout: 10_000 });
    if (read.status === "ok") await client.writeAll(buf.reverse());
  });
  using client = await TcpClient.connect({ port: server.localAddr.port });
  const message = new TextEncoder().encode(
    "a slow client, one byte per write....!!",
  );
  assert.equal(message.length, 39);
  const full = new Uint8Array([...message, 0x3f]);
  for (const byte of full) {
    assert.equal((await client.writeAll(new Uint8Array([byte]))).status, "ok");
    await delay(1);
  }
  const reply = new Uint8Array(40);
  assert.equal(
    (await client.readExact(reply, { timeout: 10_000 })).status,
    "ok",
  );
  assert.deepEqual([...reply], [...full].reverse());
  await server.shutdown();
  await serving;
});

Deno.test("TcpServer with reusePort shares a port between listeners", async () => {
  await using first = new TcpServer({ reusePort: true });
  const port = first.localAddr.port;
  await using second = new TcpServer({ port, reusePort: true });
  assert.equal(second.localAddr.port, port);
  assert.throws(() => new TcpServer({ port }), Deno.errors.AddrInUse);
});

Deno.test("TcpServer with reusePort without --unstable-net throws NotSupported instead of ending the process", async () => {
  const script = `
    import { TcpServer } from ${
    JSON.stringify(new URL("../../net/mod.ts", import.meta.url).href)
  };
    try {
      new TcpServer({ reusePort: true });
      console.log("listening");
    } catch (error) {
      console.log(error.name + ": " + error.message);
    }
  `;
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-check", script],
    env: { NO_COLOR: "1" },
    signal: AbortSignal.timeout(30_000),
  }).output();
  assert.equal(code, 0);
  assert.match(
    new TextDecoder().decode(stdout),
    /^NotSupported: Cannot listen with reusePort: run Deno with --unstable-net/,
  );
});
