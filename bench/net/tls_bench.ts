// Copyright 2026 the coro authors. Apache-2.0 license.
// TLS echo cost against plain TCP on 127.0.0.1: a 64-byte round trip and a
// 64 KiB echo per iteration, through coro's TlsClient and TcpClient and
// through raw Deno connections, the peer echoing with raw Deno calls in
// every case (so the client side is what differs).
//
//   deno bench -A --unstable-net bench/net/tls_bench.ts
import { TcpClient, TlsClient } from "../../net/mod.ts";

const dir = new URL("../../tests/testdata/tls/", import.meta.url);
const cert = await Deno.readTextFile(new URL("localhost.pem", dir));
const key = await Deno.readTextFile(new URL("localhost.key", dir));

async function echo(conn: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      let done = 0;
      while (done < n) done += await conn.write(buf.subarray(done, n));
    }
  } catch {
    // The bench process ends with the connection open.
  } finally {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }
}

function serve(listener: Deno.Listener): void {
  (async () => {
    for await (const conn of listener) {
      (conn as Deno.TcpConn).setNoDelay?.(true);
      echo(conn);
    }
  })();
}

// Answers each whole 64-byte request with one 64-byte write.
async function answer(conn: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(64);
  try {
    for (;;) {
      let got = 0;
      while (got < 64) {
        const n = await conn.read(buf.subarray(got));
        if (n === null) return;
        got += n;
      }
      let done = 0;
      while (done < 64) done += await conn.write(buf.subarray(done));
    }
  } catch {
    // The bench process ends with the connection open.
  } finally {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }
}

const tcpListener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const tlsListener = Deno.listenTls({
  hostname: "127.0.0.1",
  port: 0,
  cert,
  key,
});
const requestListener = Deno.listenTls({
  hostname: "127.0.0.1",
  port: 0,
  cert,
  key,
});
serve(tcpListener);
serve(tlsListener);
(async () => {
  for await (const conn of requestListener) answer(conn);
})();
const tcpPort = tcpListener.addr.port;
const tlsPort = tlsListener.addr.port;

const rawTcp = await Deno.connect({ hostname: "127.0.0.1", port: tcpPort });
rawTcp.setNoDelay(true);
const rawTls = await Deno.connectTls({
  hostname: "localhost",
  port: tlsPort,
  caCerts: [cert],
});
await rawTls.handshake();
const coroTcp = await TcpClient.connect({ port: tcpPort });
// What TlsClient.connect avoids: Deno.connectTls leaves Nagle's algorithm
// on, so a request written in two parts waits for the delayed ACK.
const requestPort = requestListener.addr.port;
const rawTlsNagle = await Deno.connectTls({
  hostname: "localhost",
  port: requestPort,
  caCerts: [cert],
});
await rawTlsNagle.handshake();
const coroTlsRequest = await TlsClient.connect({
  hostname: "localhost",
  port: requestPort,
  caCerts: [cert],
});
await coroTlsRequest.handshake();
const coroTls = await TlsClient.connect({
  hostname: "localhost",
  port: tlsPort,
  caCerts: [cert],
});
await coroTls.handshake();

interface Side {
  write(p: Uint8Array): Promise<unknown>;
  readFull(p: Uint8Array): Promise<void>;
}

function rawSide(conn: Deno.Conn): Side {
  return {
    async write(p) {
      let done = 0;
      while (done < p.length) done += await conn.write(p.subarray(done));
    },
    async readFull(p) {
      let got = 0;
      while (got < p.length) got += (await conn.read(p.subarray(got)))!;
    },
  };
}

function coroSide(client: TcpClient | TlsClient): Side {
  return {
    write: (p) => client.writeAll(p),
    async readFull(p) {
      await client.readExact(p);
    },
  };
}

const sides: [string, Side][] = [
  ["raw Deno.TcpConn", rawSide(rawTcp)],
  ["coro TcpClient", coroSide(coroTcp)],
  ["raw Deno.TlsConn", rawSide(rawTls)],
  ["coro TlsClient", coroSide(coroTls)],
];

for (const size of [64, 16 * 1024, 64 * 1024]) {
  const message = new Uint8Array(size).fill(7);
  const reply = new Uint8Array(size);
  const group = size === 64 ? "64 B round trip" : `${size / 1024} KiB echo`;
  for (const [name, side] of sides) {
    Deno.bench({
      name: `${name} (${group})`,
      group,
      baseline: name === "raw Deno.TcpConn",
      async fn() {
        // Write and read at once: a 64 KiB echo does not fit the socket
        // buffers one way.
        await Promise.all([side.write(message), side.readFull(reply)]);
      },
    });
  }
}

// A 64-byte request written in two parts; the server answers only the
// whole request.
{
  const half = new Uint8Array(32).fill(3);
  const reply = new Uint8Array(64);
  const cases: [string, Side][] = [
    ["coro TlsClient", coroSide(coroTlsRequest)],
    ["raw Deno.connectTls", rawSide(rawTlsNagle)],
  ];
  for (const [name, side] of cases) {
    Deno.bench({
      name: `${name} (two-part request)`,
      group: "two-part request",
      baseline: name === "coro TlsClient",
      async fn() {
        const reading = side.readFull(reply);
        await side.write(half);
        await side.write(half);
        await reading;
      },
    });
  }
}
