// Copyright 2026 the coro authors. Apache-2.0 license.
import assert from "node:assert/strict";
import { StreamClient, TcpClient, TcpServer } from "../../net/mod.ts";

Deno.test("StreamClient wraps a Deno.connect connection and round trips bytes", async () => {
  await using server = new TcpServer();
  const serving = server.serve(async (peer) => {
    const buf = new Uint8Array(64);
    const read = await peer.readSome(buf, { timeout: 5_000 });
    await peer.writeAll(buf.subarray(0, read.bytes));
  });
  const conn = await Deno.connect({ port: server.localAddr.port });
  let kept: StreamClient<Deno.TcpConn>;
  {
    using client = new StreamClient(conn);
    kept = client;
    assert.equal(client.conn, conn);
    assert.equal(client.remoteAddr.port, server.localAddr.port);
    assert.equal(client.localAddr.hostname, "127.0.0.1");
    assert.deepEqual(await client.writeAll(new Uint8Array([1, 2, 3])), {
      status: "ok",
      bytes: 3,
    });
    const reply = new Uint8Array(3);
    assert.deepEqual(await client.readExact(reply, { timeout: 5_000 }), {
      status: "ok",
      bytes: 3,
    });
    assert.deepEqual([...reply], [1, 2, 3]);
    assert.deepEqual(await client.readSome(new Uint8Array(1)), {
      status: "closed",
      bytes: 0,
    });
    assert.equal(client.closed, false);
  }
  assert.equal(kept.closed, true);
  await assert.rejects(
    kept.writeSome(new Uint8Array(1)),
    Deno.errors.BadResource,
  );
  await server.shutdown();
  await serving;
});

Deno.test("StreamClient is the base of TcpClient", async () => {
  await using server = new TcpServer();
  using client = await TcpClient.connect({ port: server.localAddr.port });
  assert.ok(client instanceof StreamClient);
  const accepted = await server.accept({ timeout: 5_000 });
  assert.ok(accepted.status === "ok");
  using peer = accepted.client;
  assert.ok(peer instanceof StreamClient);
  assert.equal((await client.closeWrite()).status, "ok");
  assert.deepEqual(await peer.readSome(new Uint8Array(1)), {
    status: "closed",
    bytes: 0,
  });
});

Deno.test("StreamClient rejects what is not a connection", () => {
  assert.throws(
    () => new StreamClient({} as Deno.TcpConn),
    {
      name: "TypeError",
      message:
        "Cannot create stream client: conn must be a Deno.Conn, got an object (Object)",
    },
  );
  assert.throws(
    () => new StreamClient(null as unknown as Deno.TcpConn),
    TypeError,
  );
});
