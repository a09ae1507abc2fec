// Copyright 2026 the coro authors. Apache-2.0 license.
import assert from "node:assert/strict";
import { DnsResolver } from "../../net/dns/resolver.ts";
import { DnsTestServer, type TestRecords } from "./_dns_server.ts";

const ZONE: Record<string, TestRecords> = {
  "host.coro.test": {
    A: ["192.0.2.1", "192.0.2.2"],
    AAAA: ["2001:db8::1", "::1"],
  },
  "v4only.coro.test": { A: ["192.0.2.10"] },
  "v6only.coro.test": { AAAA: ["2001:db8::10"] },
  "txt.coro.test": { TXT: [["hello world", "second"], ["v=spf1 -all"]] },
  "_http._tcp.coro.test": {
    SRV: [{ priority: 10, weight: 5, port: 8080, target: "web.coro.test" }],
  },
  "coro.test": {
    MX: [
      { preference: 10, exchange: "mx1.coro.test" },
      { preference: 20, exchange: "mx2.coro.test" },
    ],
  },
  "empty.coro.test": {},
};

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

Deno.test("DnsResolver.hostByName() returns A then AAAA addresses", async () => {
  await using server = DnsTestServer.start(ZONE);
  const resolver = new DnsResolver({ nameServer: server.nameServer });
  assert.deepEqual(await resolver.hostByName("host.coro.test"), {
    status: "ok",
    addresses: ["192.0.2.1", "192.0.2.2", "2001:db8::1", "::1"],
  });
  assert.equal(server.count("host.coro.test", "A"), 1);
  assert.equal(server.count("host.coro.test", "AAAA"), 1);
});

Deno.test("DnsResolver.hostByName() asks only for the given record types", async () => {
  await using server = DnsTestServer.start(ZONE);
  const resolver = new DnsResolver({ nameServer: server.nameServer });
  assert.deepEqual(
    await resolver.hostByName("host.coro.test", { recordTypes: ["AAAA"] }),
    { status: "ok", addresses: ["2001:db8::1", "::1"] },
  );
  assert.deepEqual(
    await resolver.hostByName("host.coro.test", { recordTypes: ["A"] }),
    { status: "ok", addresses: ["192.0.2.1", "192.0.2.2"] },
  );
  assert.equal(server.count("host.coro.test", "A"), 1);
  assert.equal(server.count("host.coro.test", "AAAA"), 1);
});

Deno.test("DnsResolver.hostByName() is ok when only one family has addresses", async () => {
  await using server = DnsTestServer.start(ZONE);
  const resolver = new DnsResolver({ nameServer: server.nameServer });
  assert.deepEqual(await resolver.hostByName("v4only.coro.test"), {
    status: "ok",
    addresses: ["192.0.2.10"],
  });
  assert.deepEqual(await resolver.hostByName("v6only.coro.test"), {
    status: "ok",
    addresses: ["2001:db8::10"],
  });
});

Deno.test("DnsResolver reports NXDOMAIN and empty answers as notFound", async () => {
  await using server = DnsTestServer.start(ZONE);
  const resolver = new DnsResolver({ nameServer: server.nameServer });
  assert.deepEqual(await resolver.hostByName("missing.coro.test"), {
    status: "notFound",
  });
  assert.deepEqual(await resolver.hostByName("empty.coro.test"), {
    status: "notFound",
  });
  assert.deepEqual(await resolver.resolve("missing.coro.test", "TXT"), {
    status: "notFound",
  });
  assert.equal(server.count("missing.coro.test", "A"), 1);
});

Deno.test("DnsResolver.resolve() returns typed TXT, SRV and MX records", async () => {
  await using server = DnsTestServer.start(ZONE);
  const resolver = new DnsResolver({ nameServer: server.nameServer });
  assert.deepEqual(await resolver.resolve("txt.coro.test", "TXT"), {
    status: "ok",
    records: [["hello world", "second"], ["v=spf1 -all"]],
  });
  assert.deepEqual(await resolver.resolve("_http._tcp.coro.test", "SRV"), {
    status: "ok",
    records: [{
      priority: 10,
      weight: 5,
      port: 8080,
      target: "web.coro.test.",
    }],
  });
  const mx = await resolver.resolve("coro.test", "MX");
  assert.equal(mx.status, "ok");
  if (mx.status === "ok") {
    // Typed: `exchange` and `preference` need no cast.
    assert.deepEqual(
      mx.records.map((r) => `${r.preference} ${r.exchange}`),
      ["10 mx1.coro.test.", "20 mx2.coro.test."],
    );
  }
  assert.deepEqual(await resolver.resolve("host.coro.test", "A"), {
    status: "ok",
    records: ["192.0.2.1", "192.0.2.2"],
  });
});

Deno.test("DnsResolver coalesces identical lookups in flight into one query", async () => {
  await using server = DnsTestServer.start(ZONE, { delayMs: 50 });
  const resolver = new DnsResolver({ nameServer: server.nameServer });
  const lookups = Array.from(
    { length: 20 },
    (_, k) =>
      resolver.hostByName(k % 2 === 0 ? "host.coro.test" : "HOST.coro.test.", {
        recordTypes: ["A"],
      }),
  );
  assert.equal(resolver.pendingQueries, 1);
  const results = await Promise.all(lookups);
  for (const result of results) {
    assert.deepEqual(result, {
      status: "ok",
      addresses: ["192.0.2.1", "192.0.2.2"],
    });
  }
  assert.equal(server.count("host.coro.test", "A"), 1);
  assert.equal(resolver.pendingQueries, 0);

  // Once settled, the next lookup (no cache) asks again.
  await resolver.hostByName("host.coro.test", { recordTypes: ["A"] });
  assert.equal(server.count("host.coro.test", "A"), 2);
});

Deno.test("DnsResolver keeps a shared query alive while any waiter remains", async () => {
  await using server = DnsTestServer.start(ZONE, { delayMs: 100 });
  const resolver = new DnsResolver({ nameServer: server.nameServer });
  const controller = new AbortController();
  const leaver = resolver.resolve("txt.coro.test", "TXT", {
    signal: controller.signal,
  });
  const stayer = resolver.resolve("txt.coro.test", "TXT");
  await delay(10);
  const reason = new Error("changed my mind");
  controller.abort(reason);
  assert.deepEqual(await leaver, { status: "aborted", error: reason });
  assert.equal(resolver.pendingQueries, 1);
  const result = await stayer;
  assert.equal(result.status, "ok");
  assert.equal(server.count("txt.coro.test", "TXT"), 1);
});

Deno.test("DnsResolver caches answers for cacheTtlMs", async () => {
  await using server = DnsTestServer.start(ZONE);
  const resolver = new DnsResolver({
    nameServer: server.nameServer,
    cacheTtlMs: 500,
  });
  const first = await resolver.hostByName("host.coro.test");
  const second = await resolver.hostByName("host.coro.test");
  assert.deepEqual(second, first);
  assert.equal(server.count("host.coro.test", "A"), 1);
  assert.equal(server.count("host.coro.test", "AAAA"), 1);

  // Not-found answers are cached too.
  await resolver.hostByName("missing.coro.test", { recordTypes: ["A"] });
  await resolver.hostByName("missing.coro.test", { recordTypes: ["A"] });
  assert.equal(server.count("missing.coro.test", "A"), 1);

  await delay(600);
  assert.deepEqual(await resolver.hostByName("host.coro.test"), first);
  assert.equal(server.count("host.coro.test", "A"), 2);

  resolver.clearCache();
  await resolver.hostByName("host.coro.test");
  assert.equal(server.count("host.coro.test", "A"), 3);
});

Deno.test("DnsResolver without a cache asks the server every time", async () => {
  await using server = DnsTestServer.start(ZONE);
  const resolver = new DnsResolver({ nameServer: server.nameServer });
  for (let k = 0; k < 3; k++) await resolver.resolve("txt.coro.test", "TXT");
  assert.equal(server.count("txt.coro.test", "TXT"), 3);
});

Deno.test("DnsResolver times out against a dead server through the signal", async () => {
  await using server = DnsTestServer.start(ZONE, { silent: true });
  const resolver = new DnsResolver({ nameServer: server.nameServer });
  const start = performance.now();
  const result = await resolver.hostByName("host.coro.test", {
    signal: AbortSignal.timeout(100),
  });
  assert.equal(result.status, "timeout");
  assert.equal((result.error as DOMException).name, "TimeoutError");
  assert.ok(performance.now() - start < 5000);
  assert.ok(server.count("host.coro.test", "A") >= 1);
  // The abandoned queries were cancelled, not left running for 15 s.
  assert.equal(resolver.pendingQueries, 0);
});

Deno.test("DnsResolver times out against a dead server through the timeout option", async () => {
  await using server = DnsTestServer.start(ZONE, { silent: true });
  const resolver = new DnsResolver({
    nameServer: server.nameServer,
    timeout: 100,
  });
  assert.deepEqual(await resolver.resolve("txt.coro.test", "TXT"), {
    status: "timeout",
  });
  assert.deepEqual(
    await resolver.hostByName("host.coro.test", { timeout: 50 }),
    { status: "timeout" },
  );
  assert.equal(resolver.pendingQueries, 0);
});

Deno.test("DnsResolver reports an aborted signal as aborted without asking", async () => {
  await using server = DnsTestServer.start(ZONE);
  const resolver = new DnsResolver({ nameServer: server.nameServer });
  const reason = new Error("stop");
  assert.deepEqual(
    await resolver.hostByName("host.coro.test", {
      signal: AbortSignal.abort(reason),
    }),
    { status: "aborted", error: reason },
  );
  assert.equal(server.total, 0);
});

Deno.test("DnsResolver.hostByName() returns IP literals without a query", async () => {
  await using server = DnsTestServer.start(ZONE);
  const resolver = new DnsResolver({ nameServer: server.nameServer });
  assert.deepEqual(await resolver.hostByName("127.0.0.1"), {
    status: "ok",
    addresses: ["127.0.0.1"],
  });
  assert.deepEqual(await resolver.hostByName("2001:db8::5"), {
    status: "ok",
    addresses: ["2001:db8::5"],
  });
  assert.deepEqual(
    await resolver.hostByName("127.0.0.1", { recordTypes: ["AAAA"] }),
    { status: "notFound" },
  );
  assert.equal(server.total, 0);
});

Deno.test("DnsResolver validates its arguments", async () => {
  assert.throws(
    () => new DnsResolver({ nameServer: { ipAddr: "127.0.0.1", port: 0 } }),
    {
      name: "RangeError",
      message:
        "Cannot create DNS resolver: nameServer.port must be an integer from 1 to 65535, got number 0",
    },
  );
  assert.throws(() => new DnsResolver({ timeout: -1 }), RangeError);
  assert.throws(() => new DnsResolver({ cacheTtlMs: -5 }), RangeError);
  assert.throws(() => new DnsResolver({ cacheMaxEntries: 0 }), RangeError);
  const resolver = new DnsResolver();
  await assert.rejects(
    resolver.hostByName(1 as unknown as string),
    TypeError,
  );
  await assert.rejects(
    resolver.hostByName("x", { recordTypes: ["MX" as "A"] }),
    TypeError,
  );
  await assert.rejects(
    resolver.resolve("x", "BOGUS" as "A"),
    {
      name: "TypeError",
      message:
        'Cannot resolve DNS records: recordType must be one of A, AAAA, ANAME, CAA, CNAME, MX, NAPTR, NS, PTR, SOA, SRV, TXT, got the string "BOGUS"',
    },
  );
  await assert.rejects(
    resolver.resolve("x", "A", { timeout: -1 }),
    RangeError,
  );
});

// ---------------------------------------------------------------------------
// Against a real DNS server: dnsmasq (package dnsmasq-base, which .ci/run
// installs). The test fails, rather than skips, when it is missing.

const DNSMASQ = "/usr/sbin/dnsmasq";

/** A port free for both UDP and TCP on 127.0.0.1 (dnsmasq binds both). */
function freePort(): number {
  for (let attempt = 0; attempt < 20; attempt++) {
    const tcp = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (tcp.addr as Deno.NetAddr).port;
    try {
      Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port })
        .close();
      return port;
    } catch {
      // Taken for UDP: try another.
    } finally {
      tcp.close();
    }
  }
  throw new Error("Cannot find a free port for dnsmasq");
}

Deno.test("DnsResolver resolves A, AAAA, TXT, SRV, MX and NXDOMAIN against dnsmasq", async () => {
  try {
    await Deno.stat(DNSMASQ);
  } catch {
    assert.fail(
      `dnsmasq is required for this test but ${DNSMASQ} does not exist: install it with "apt-get install dnsmasq-base" (.ci/run does)`,
    );
  }
  const dir = await Deno.makeTempDir({ prefix: "coro_dnsmasq_" });
  const port = freePort();
  const args = [
    "--no-daemon",
    "--conf-file=/dev/null",
    "--no-resolv",
    "--no-hosts",
    "--listen-address=127.0.0.1",
    "--bind-interfaces",
    `--port=${port}`,
    `--pid-file=${dir}/dnsmasq.pid`,
    "--address=/wild.coro.test/127.0.0.2",
    "--host-record=host.coro.test,127.0.0.3,::3",
    "--txt-record=txt.coro.test,hello world,second",
    "--srv-host=_svc._tcp.coro.test,target.coro.test,8080,1,5",
    "--mx-host=mail.coro.test,mx.coro.test,10",
    // Everything else under coro.test is answered locally: NXDOMAIN.
    "--local=/coro.test/",
  ];
  // As root, dnsmasq would switch to user "nobody"; stay who we are.
  if (Deno.uid() === 0) args.push("--user=root");
  const child = new Deno.Command(DNSMASQ, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const resolver = new DnsResolver({
      nameServer: { ipAddr: "127.0.0.1", port },
      timeout: 500,
    });
    // Wait (bounded) until dnsmasq answers.
    let ready = await resolver.hostByName("host.coro.test", {
      recordTypes: ["A"],
    });
    for (let k = 0; k < 20 && ready.status !== "ok"; k++) {
      await delay(100);
      ready = await resolver.hostByName("host.coro.test", {
        recordTypes: ["A"],
      });
    }
    assert.equal(ready.status, "ok", "dnsmasq did not start answering");

    assert.deepEqual(await resolver.hostByName("host.coro.test"), {
      status: "ok",
      addresses: ["127.0.0.3", "::3"],
    });
    assert.deepEqual(
      await resolver.hostByName("a.wild.coro.test", { recordTypes: ["A"] }),
      { status: "ok", addresses: ["127.0.0.2"] },
    );
    assert.deepEqual(await resolver.resolve("txt.coro.test", "TXT"), {
      status: "ok",
      records: [["hello world", "second"]],
    });
    assert.deepEqual(await resolver.resolve("_svc._tcp.coro.test", "SRV"), {
      status: "ok",
      records: [{
        priority: 1,
        weight: 5,
        port: 8080,
        target: "target.coro.test.",
      }],
    });
    assert.deepEqual(await resolver.resolve("mail.coro.test", "MX"), {
      status: "ok",
      records: [{ preference: 10, exchange: "mx.coro.test." }],
    });
    assert.deepEqual(await resolver.hostByName("nowhere.coro.test"), {
      status: "notFound",
    });
  } finally {
    child.kill("SIGTERM");
    const out = await child.output();
    await Deno.remove(dir, { recursive: true });
    // SIGTERM is dnsmasq's normal way to stop; anything else is a failure.
    assert.ok(
      out.success || out.signal === "SIGTERM",
      `dnsmasq failed: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
});
