// Copyright 2026 the coro authors. Apache-2.0 license.
import assert from "node:assert/strict";
import fc from "fast-check";
import { StreamClient } from "../../net/stream_client.ts";
import { StreamServer } from "../../net/stream_server.ts";
import { TcpClient } from "../../net/tcp/client.ts";
import { TcpServer } from "../../net/tcp/server.ts";
import { TlsClient } from "../../net/tls/client.ts";
import { TlsServer } from "../../net/tls/server.ts";

const dir = new URL("../testdata/tls/", import.meta.url);
const CERT = await Deno.readTextFile(new URL("localhost.pem", dir));
const KEY = await Deno.readTextFile(new URL("localhost.key", dir));
const UNTRUSTED_CERT = await Deno.readTextFile(new URL("untrusted.pem", dir));
const UNTRUSTED_KEY = await Deno.readTextFile(new URL("untrusted.key", dir));

const LONG = 10_000;

function echoServer(
  options: Partial<ConstructorParameters<typeof TlsServer>[0]> = {},
): {
  server: TlsServer;
  serving: Promise<void>;
} {
  const server = new TlsServer({ cert: CERT, key: KEY, ...options });
  const serving = server.serve(async (peer) => {
    const buf = new Uint8Array(64 * 1024);
    for (;;) {
      const got = await peer.readSome(buf, { signal: server.signal });
      if (got.status !== "ok") return;
      const sent = await peer.writeAll(buf.subarray(0, got.bytes));
      if (sent.status !== "ok") return;
    }
  });
  return { server, serving };
}

function connect(
  port: number,
  options: Partial<Parameters<typeof TlsClient.connect>[0]> = {},
): Promise<TlsClient> {
  return TlsClient.connect({
    hostname: "localhost",
    port,
    caCerts: [CERT],
    ...options,
  });
}

/** Resolves on the next handshake failure the server reports. */
function nextFailure(): {
  onHandshakeError: (error: unknown, addr: Deno.NetAddr) => void;
  failure: Promise<{ error: unknown; addr: Deno.NetAddr }>;
} {
  let resolve!: (value: { error: unknown; addr: Deno.NetAddr }) => void;
  const failure = new Promise<{ error: unknown; addr: Deno.NetAddr }>((r) =>
    resolve = r
  );
  return {
    onHandshakeError: (error, addr) => resolve({ error, addr }),
    failure,
  };
}

Deno.test("TlsClient round trips random payloads through a TlsServer echo", async () => {
  const { server, serving } = echoServer();
  try {
    using client = await connect(server.localAddr.port);
    assert.equal((await client.handshake({ timeout: LONG })).status, "ok");
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1024 * 1024 }),
        fc.integer(),
        async (size, seed) => {
          const payload = new Uint8Array(size);
          for (let k = 0; k < size; k++) payload[k] = (seed + k * 31) & 0xff;
          const [sent, got] = await Promise.all([
            client.writeAll(payload, { timeout: LONG }),
            (async () => {
              const back = new Uint8Array(size);
              const result = await client.readExact(back, { timeout: LONG });
              return { result, back };
            })(),
          ]);
          assert.deepEqual(sent, { status: "ok", bytes: size });
          assert.deepEqual(got.result, { status: "ok", bytes: size });
          assert.deepEqual(got.back, payload);
        },
      ),
      { numRuns: 20, examples: [[0, 1], [1, 2], [1024 * 1024, 3]] },
    );
  } finally {
    await server.shutdown();
    await serving;
  }
});

Deno.test("TlsClient works with the certificate's IP address as hostname", async () => {
  const { server, serving } = echoServer();
  try {
    using client = await connect(server.localAddr.port, {
      hostname: "127.0.0.1",
    });
    await client.writeAll(new Uint8Array([1, 2, 3]));
    const buf = new Uint8Array(3);
    assert.deepEqual(await client.readExact(buf, { timeout: LONG }), {
      status: "ok",
      bytes: 3,
    });
    assert.deepEqual([...buf], [1, 2, 3]);
  } finally {
    await server.shutdown();
    await serving;
  }
});

Deno.test("TLS negotiates ALPN and both sides see the same protocol", async () => {
  const server = new TlsServer({
    cert: CERT,
    key: KEY,
    alpnProtocols: ["h2", "coro/1"],
  });
  try {
    const port = server.localAddr.port;
    {
      using client = await connect(port, {
        alpnProtocols: ["coro/1", "http/1.1"],
      });
      const [accepted, result] = await Promise.all([
        server.accept({ timeout: LONG }),
        client.handshake({ timeout: LONG }),
      ]);
      assert.deepEqual(result, { status: "ok", alpnProtocol: "coro/1" });
      assert.equal(accepted.status, "ok");
      if (accepted.status !== "ok") return;
      using peer = accepted.client;
      assert.deepEqual(await peer.handshake(), {
        status: "ok",
        alpnProtocol: "coro/1",
      });
    }
    {
      // A client that offers nothing gets no protocol.
      using client = await connect(port);
      const [accepted, result] = await Promise.all([
        server.accept({ timeout: LONG }),
        client.handshake({ timeout: LONG }),
      ]);
      assert.deepEqual(result, { status: "ok", alpnProtocol: null });
      if (accepted.status === "ok") accepted.client.close();
    }
  } finally {
    await server.shutdown();
  }
});

Deno.test("TLS handshake fails clearly when the ALPN protocols do not overlap", async () => {
  const { onHandshakeError, failure } = nextFailure();
  const server = new TlsServer({
    cert: CERT,
    key: KEY,
    alpnProtocols: ["h2"],
    onHandshakeError,
  });
  try {
    using client = await connect(server.localAddr.port, {
      alpnProtocols: ["coro/1"],
    });
    const result = await client.handshake({ timeout: LONG });
    assert.equal(result.status, "error");
    assert.match(String(result.error), /NoApplicationProtocol/);
    const { error } = await failure;
    assert.match(String(error), /protocol/i);
    assert.equal(server.handshakeFailures, 1);
  } finally {
    await server.shutdown();
  }
});

Deno.test("TlsClient.handshake() reports an untrusted certificate as badCertificate", async () => {
  const { onHandshakeError, failure } = nextFailure();
  const server = new TlsServer({
    cert: UNTRUSTED_CERT,
    key: UNTRUSTED_KEY,
    onHandshakeError,
  });
  try {
    using client = await connect(server.localAddr.port);
    const result = await client.handshake({ timeout: LONG });
    assert.equal(result.status, "badCertificate");
    assert.ok(result.error instanceof Deno.errors.InvalidData);
    assert.match(
      (result.error as Error).message,
      /invalid peer certificate: UnknownIssuer/,
    );
    // The outcome is kept: asking again gives the same answer at once.
    assert.equal(await client.handshake(), result);
    // Reads and writes on the failed connection report an error status.
    const write = await client.writeAll(new Uint8Array([1]));
    assert.notEqual(write.status, "ok");

    // The server saw the client's alert and dropped the connection.
    const { error, addr } = await failure;
    assert.match(String(error), /UnknownCA/);
    assert.equal(addr.port, client.localAddr.port);
    assert.equal(server.handshakeFailures, 1);
    assert.deepEqual(await server.accept({ timeout: 20 }), {
      status: "timeout",
    });
  } finally {
    await server.shutdown();
  }
});

Deno.test("TlsClient.handshake() reports a certificate for another name as badCertificate", async () => {
  const { server, serving } = echoServer();
  try {
    const tcp = await TcpClient.connect({ port: server.localAddr.port });
    using client = await TlsClient.startTls(tcp, {
      hostname: "example.com",
      caCerts: [CERT],
    });
    const result = await client.handshake({ timeout: LONG });
    assert.equal(result.status, "badCertificate");
    assert.match(String(result.error), /not valid for name "example.com"/);
  } finally {
    await server.shutdown();
    await serving;
  }
});

Deno.test("TlsServer times out a client that never finishes the handshake, and keeps serving others", async () => {
  const { onHandshakeError, failure } = nextFailure();
  const { server, serving } = echoServer({
    handshakeTimeout: 150,
    onHandshakeError,
  });
  try {
    // A TCP client that never sends a ClientHello.
    using silent = await TcpClient.connect({ port: server.localAddr.port });

    // A well-behaved client is served while the silent one is pending.
    {
      using client = await connect(server.localAddr.port);
      await client.writeAll(new TextEncoder().encode("ok?"));
      const buf = new Uint8Array(3);
      assert.equal(
        (await client.readExact(buf, { timeout: LONG })).status,
        "ok",
      );
      assert.equal(server.handshakeFailures, 0);
    }

    const { error, addr } = await failure;
    assert.ok(error instanceof DOMException);
    assert.equal(error.name, "TimeoutError");
    assert.match(error.message, /did not complete within 150 ms/);
    assert.equal(addr.port, silent.localAddr.port);
    assert.equal(server.handshakeFailures, 1);
    assert.equal(server.openConnections, 0);
    // Deno keeps the socket of a connection dropped mid-handshake until the
    // peer sends or disconnects (see TlsServerOptions.handshakeTimeout), so
    // the silent side cannot observe the close; the sanitizers check that
    // the server released it.
  } finally {
    await server.shutdown();
    await serving;
  }
});

Deno.test("TlsServer drops a client that sends garbage instead of a ClientHello", async () => {
  const { onHandshakeError, failure } = nextFailure();
  const server = new TlsServer({ cert: CERT, key: KEY, onHandshakeError });
  try {
    using raw = await TcpClient.connect({ port: server.localAddr.port });
    await raw.writeAll(new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"));
    const { error } = await failure;
    assert.ok(error instanceof Error);
    assert.equal(server.handshakeFailures, 1);
    assert.deepEqual(await server.accept({ timeout: 20 }), {
      status: "timeout",
    });
  } finally {
    await server.shutdown();
  }
});

Deno.test("TlsClient.handshake() times out against a server that never answers", async () => {
  await using server = new TcpServer();
  using client = await connect(server.localAddr.port);
  const accepted = await server.accept({ timeout: LONG });
  assert.equal(accepted.status, "ok");
  if (accepted.status !== "ok") return;
  const result = await client.handshake({ timeout: 50 });
  assert.deepEqual(result, { status: "timeout" });
  const aborted = await client.handshake({
    signal: AbortSignal.abort(new Error("stop")),
  });
  assert.equal(aborted.status, "aborted");
  // The peer goes away: the same handshake now ends as closed.
  accepted.client.close();
  const after = await client.handshake({ timeout: LONG });
  assert.ok(
    after.status === "closed" || after.status === "reset",
    `expected closed or reset, got ${after.status}`,
  );
});

Deno.test("TlsClient.startTls() upgrades a TcpClient and the TcpClient is closed", async () => {
  const { server, serving } = echoServer({ alpnProtocols: ["coro/1"] });
  try {
    const tcp = await TcpClient.connect({ port: server.localAddr.port });
    using tls = await TlsClient.startTls(tcp, {
      hostname: "localhost",
      caCerts: [CERT],
      alpnProtocols: ["coro/1"],
    });
    assert.equal(tcp.closed, true);
    await assert.rejects(
      tcp.readSome(new Uint8Array(1)),
      Deno.errors.BadResource,
    );
    assert.deepEqual(await tls.handshake({ timeout: LONG }), {
      status: "ok",
      alpnProtocol: "coro/1",
    });
    await tls.writeAll(new TextEncoder().encode("upgraded"));
    const buf = new Uint8Array(8);
    assert.equal((await tls.readExact(buf, { timeout: LONG })).status, "ok");
    assert.equal(new TextDecoder().decode(buf), "upgraded");
    await assert.rejects(TlsClient.startTls(tcp), Deno.errors.BadResource);
  } finally {
    await server.shutdown();
    await serving;
  }
});

Deno.test("TlsClient.closeWrite() half-closes and the other direction keeps working", async () => {
  const server = new TlsServer({ cert: CERT, key: KEY });
  const serving = server.serve(async (peer) => {
    const chunks: number[] = [];
    const buf = new Uint8Array(16);
    for (;;) {
      const got = await peer.readSome(buf, { timeout: LONG });
      if (got.status !== "ok") break;
      chunks.push(...buf.subarray(0, got.bytes));
    }
    await peer.writeAll(new Uint8Array([chunks.length]));
  });
  try {
    using client = await connect(server.localAddr.port);
    await client.writeAll(new Uint8Array(5));
    assert.equal((await client.closeWrite()).status, "ok");
    const buf = new Uint8Array(1);
    assert.equal((await client.readExact(buf, { timeout: LONG })).status, "ok");
    assert.equal(buf[0], 5);
    const end = await client.readSome(buf, { timeout: LONG });
    assert.equal(end.status, "closed");
  } finally {
    await server.shutdown();
    await serving;
  }
});

Deno.test("TlsServer.shutdown() closes connections still in their handshake", async () => {
  const { onHandshakeError, failure } = nextFailure();
  const server = new TlsServer({ cert: CERT, key: KEY, onHandshakeError });
  using silent = await TcpClient.connect({ port: server.localAddr.port });
  // Let the server take the connection into its handshake.
  const accepted = await server.accept({ timeout: 50 });
  assert.equal(accepted.status, "timeout");
  const start = performance.now();
  assert.deepEqual(await server.shutdown({ deadline: 10 }), { forced: 0 });
  assert.ok(performance.now() - start < 5_000);
  // Closing by shutdown is not a handshake failure.
  assert.equal(server.handshakeFailures, 0);
  const reported = await Promise.race([
    failure.then(() => "reported"),
    new Promise((resolve) => setTimeout(() => resolve("quiet"), 20)),
  ]);
  assert.equal(reported, "quiet");
  // The silent client sends something: the connection ends (the handshake
  // task Deno keeps for it fails on the bytes).
  await silent.writeAll(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
  const buf = new Uint8Array(64);
  let end = await silent.readSome(buf, { timeout: LONG });
  while (end.status === "ok") {
    end = await silent.readSome(buf, { timeout: LONG });
  }
  assert.ok(
    end.status === "closed" || end.status === "reset",
    `expected closed or reset, got ${end.status}`,
  );
});

Deno.test("TlsServer.shutdown() forces open TLS clients closed at the deadline", async () => {
  const server = new TlsServer({ cert: CERT, key: KEY });
  using client = await connect(server.localAddr.port);
  const [accepted] = await Promise.all([
    server.accept({ timeout: LONG }),
    client.handshake({ timeout: LONG }),
  ]);
  assert.equal(accepted.status, "ok");
  assert.equal(server.openConnections, 1);
  assert.deepEqual(await server.shutdown({ deadline: 10 }), { forced: 1 });
  const end = await client.readSome(new Uint8Array(1), { timeout: LONG });
  assert.ok(
    end.status === "closed" || end.status === "reset",
    `expected closed or reset, got ${end.status}`,
  );
});

Deno.test("TlsServer serves many concurrent TLS clients", async () => {
  const { server, serving } = echoServer();
  try {
    const port = server.localAddr.port;
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, k) => {
        using client = await connect(port);
        const payload = new TextEncoder().encode(`client ${k}`);
        await client.writeAll(payload);
        const back = new Uint8Array(payload.length);
        const got = await client.readExact(back, { timeout: LONG });
        return got.status === "ok" && new TextDecoder().decode(back);
      }),
    );
    assert.deepEqual(
      results,
      Array.from({ length: 50 }, (_, k) => `client ${k}`),
    );
  } finally {
    await server.shutdown();
    await serving;
  }
});

Deno.test("TlsClient.connect() rejects on refusal and on an aborted signal", async () => {
  // A port nothing listens on (closed with no accept pending, so the
  // kernel refuses at once).
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  await assert.rejects(connect(port), Deno.errors.ConnectionRefused);
  const reason = new Error("no");
  await assert.rejects(
    connect(port, { signal: AbortSignal.abort(reason) }),
    (error) => error === reason,
  );
});

Deno.test("TLS validates its arguments", async () => {
  assert.throws(
    () => new TlsServer({ cert: "", key: KEY }),
    {
      name: "TypeError",
      message:
        'Cannot listen: cert must be a non-empty PEM string, got the string ""',
    },
  );
  assert.throws(
    () => new TlsServer(undefined as unknown as { cert: string; key: string }),
    TypeError,
  );
  assert.throws(
    () => new TlsServer({ cert: CERT, key: KEY, handshakeTimeout: -1 }),
    RangeError,
  );
  assert.throws(
    () => new TlsServer({ cert: CERT, key: KEY, port: 70_000 }),
    RangeError,
  );
  assert.throws(
    () =>
      new TlsServer({
        cert: CERT,
        key: KEY,
        alpnProtocols: [1 as unknown as string],
      }),
    TypeError,
  );
  assert.throws(
    () => new TlsServer({ cert: "not a certificate", key: "nor a key" }),
    Error,
  );
  await assert.rejects(
    TlsClient.connect({ port: 0 }),
    RangeError,
  );
  await assert.rejects(
    TlsClient.connect({ port: 1, cert: CERT }),
    TypeError,
  );
  await assert.rejects(
    TlsClient.startTls({} as TcpClient),
    TypeError,
  );
  assert.throws(() => new TlsClient({} as Deno.TlsConn), TypeError);
});

Deno.test("TlsClient and TlsServer have the StreamClient and StreamServer API over TLS", async () => {
  const server = new TlsServer({ cert: CERT, key: KEY });
  assert.ok(server instanceof StreamServer);
  assert.equal(server.localAddr.hostname, "127.0.0.1");
  assert.equal(server.localAddr.transport, "tcp");
  assert.equal(server.signal.aborted, false);
  assert.deepEqual(await server.accept({ timeout: 10 }), { status: "timeout" });

  using client = await connect(server.localAddr.port);
  assert.ok(client instanceof StreamClient);
  const [accepted] = await Promise.all([
    server.accept({ timeout: LONG }),
    client.handshake({ timeout: LONG }),
  ]);
  assert.ok(accepted.status === "ok");
  using peer = accepted.client;
  assert.equal(server.openConnections, 1);
  assert.equal(client.localAddr.hostname, "127.0.0.1");
  assert.equal(client.remoteAddr.port, server.localAddr.port);
  assert.equal(peer.remoteAddr.port, client.localAddr.port);

  // readSome, and readExact assembling two writes.
  await peer.writeAll(new Uint8Array([1]));
  const buf = new Uint8Array(16);
  assert.deepEqual(await client.readSome(buf, { timeout: LONG }), {
    status: "ok",
    bytes: 1,
  });
  await peer.writeAll(new Uint8Array([2]));
  await peer.writeAll(new Uint8Array([3, 4]));
  const three = new Uint8Array(3);
  assert.deepEqual(await client.readExact(three, { timeout: LONG }), {
    status: "ok",
    bytes: 3,
  });
  assert.deepEqual([...three], [2, 3, 4]);

  // writeSome and writeAll.
  assert.deepEqual(await client.writeSome(new Uint8Array([7])), {
    status: "ok",
    bytes: 1,
  });
  assert.deepEqual(await client.writeAll(new Uint8Array(1000)), {
    status: "ok",
    bytes: 1000,
  });
  const got = new Uint8Array(1001);
  assert.deepEqual(await peer.readExact(got, { timeout: LONG }), {
    status: "ok",
    bytes: 1001,
  });
  assert.equal(got[0], 7);

  peer.close();
  assert.equal(peer.closed, true);
  assert.equal(server.openConnections, 0);
  assert.deepEqual(await server.shutdown({ deadline: 10 }), { forced: 0 });
  assert.equal(server.signal.aborted, true);
  assert.deepEqual(await server.accept(), { status: "closed" });
});

Deno.test("TlsServer iterates over handshaken clients, and await using shuts it down", async () => {
  let signal: AbortSignal;
  let kept: TlsClient;
  {
    await using server = new TlsServer({ cert: CERT, key: KEY });
    signal = server.signal;
    using client = await connect(server.localAddr.port);
    kept = client;
    const handshake = client.handshake({ timeout: LONG });
    for await (const peer of server) {
      assert.ok(peer instanceof TlsClient);
      assert.equal((await peer.handshake()).status, "ok");
      peer.close();
      break;
    }
    assert.equal((await handshake).status, "ok");
  }
  assert.equal(kept.closed, true);
  assert.equal(signal.aborted, true);
});
