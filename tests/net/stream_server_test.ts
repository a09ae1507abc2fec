// Copyright 2026 the coro authors. Apache-2.0 license.
import assert from "node:assert/strict";
import {
  StreamClient,
  StreamServer,
  TcpClient,
  TcpServer,
} from "../../net/mod.ts";

function listen(): Deno.TcpListener {
  return Deno.listen({ hostname: "127.0.0.1", port: 0 });
}

Deno.test("StreamServer serves a Deno.listen listener with StreamClients", async () => {
  const listener = listen();
  const server = new StreamServer(listener, (conn) => new StreamClient(conn));
  assert.equal(server.localAddr.port, listener.addr.port);
  const serving = server.serve(async (peer) => {
    assert.ok(peer instanceof StreamClient);
    const buf = new Uint8Array(64);
    for (;;) {
      const read = await peer.readSome(buf, { signal: server.signal });
      if (read.status !== "ok") return;
      await peer.writeAll(buf.subarray(0, read.bytes));
    }
  });
  using client = await TcpClient.connect({ port: server.localAddr.port });
  await client.writeAll(new TextEncoder().encode("echo"));
  const reply = new Uint8Array(4);
  assert.equal(
    (await client.readExact(reply, { timeout: 5_000 })).status,
    "ok",
  );
  assert.equal(new TextDecoder().decode(reply), "echo");
  assert.equal(server.openConnections, 1);
  assert.deepEqual(await server.shutdown(), { forced: 0 });
  await serving;
  assert.equal(server.openConnections, 0);
  assert.deepEqual(await server.accept(), { status: "closed" });
});

Deno.test("StreamServer.shutdown() force-closes a client left open", async () => {
  const server = new StreamServer(listen(), (conn) => new StreamClient(conn));
  using client = await TcpClient.connect({ port: server.localAddr.port });
  const accepted = await server.accept({ timeout: 5_000 });
  assert.ok(accepted.status === "ok");
  assert.deepEqual(await server.shutdown({ deadline: 10 }), { forced: 1 });
  assert.equal(accepted.client.closed, true);
  assert.equal((await client.readSome(new Uint8Array(1))).status, "closed");
});

Deno.test("StreamServer reports a wrap that throws as an accept error and closes the connection", async () => {
  await using server = new StreamServer(
    listen(),
    (): StreamClient<Deno.TcpConn> => {
      throw new Error("wrap failed");
    },
  );
  using client = await TcpClient.connect({ port: server.localAddr.port });
  const accepted = await server.accept({ timeout: 5_000 });
  assert.equal(accepted.status, "error");
  assert.equal((accepted.error as Error).message, "wrap failed");
  assert.equal((await client.readSome(new Uint8Array(1))).status, "closed");
  assert.equal(server.openConnections, 0);
});

Deno.test("StreamServer checks its arguments", () => {
  assert.throws(
    () =>
      new StreamServer(
        {} as Deno.TcpListener,
        (conn: Deno.TcpConn) => new StreamClient(conn),
      ),
    {
      name: "TypeError",
      message:
        "Cannot create stream server: listener must be a Deno.Listener, got an object (Object)",
    },
  );
  using listener = listen();
  assert.throws(
    () =>
      new StreamServer(
        listener,
        "wrap" as unknown as (conn: Deno.TcpConn) => StreamClient<Deno.TcpConn>,
      ),
    TypeError,
  );
});

Deno.test("StreamServer is the base of TcpServer", async () => {
  await using server = new TcpServer();
  assert.ok(server instanceof StreamServer);
});
