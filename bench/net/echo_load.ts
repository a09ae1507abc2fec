// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// Holds many connections to examples/tcp_echo_server.ts at once and checks
// every echo (issue 6: "the echo server holds 1,000 connections with no
// errors").
//
//   deno run -A --unstable-net bench/net/echo_load.ts [--connections 1000]
//     [--seconds 10] [--size 64]
//
// Starts the example as a subprocess, opens all the connections, then every
// connection runs request/response round trips (random bytes of `size`,
// compared byte for byte) until the time is up. Prints connections held,
// round trips per second, the p99 round-trip latency and the error count.
import { parseArgs } from "node:util";
import { TcpClient } from "../../net/mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    connections: { type: "string", default: "1000" },
    seconds: { type: "string", default: "10" },
    size: { type: "string", default: "64" },
  },
});
const connections = Number(values.connections);
const seconds = Number(values.seconds);
const size = Number(values.size);

const server = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-A",
    "--unstable-net",
    "examples/tcp_echo_server.ts",
    "--port",
    "0",
  ],
  cwd: new URL("../../", import.meta.url),
  stdout: "piped",
  env: { NO_COLOR: "1" },
}).spawn();
const reader = server.stdout.getReader();
let text = "";
while (!text.includes("\n")) {
  const { value, done } = await reader.read();
  if (done) throw new Error("the echo server exited before listening");
  text += new TextDecoder().decode(value);
}
const port = Number(text.match(/:(\d+)\n/)![1]);

const clients: TcpClient[] = [];
let errors = 0;
for (let opened = 0; opened < connections; opened += 100) {
  const batch = await Promise.allSettled(
    Array.from(
      { length: Math.min(100, connections - opened) },
      () => TcpClient.connect({ port, timeout: 10_000 }),
    ),
  );
  for (const result of batch) {
    if (result.status === "fulfilled") clients.push(result.value);
    else errors++;
  }
}
console.log(`connections held: ${clients.length} of ${connections}`);

const latencies: number[] = [];
const end = performance.now() + seconds * 1000;
await Promise.all(clients.map(async (client, i) => {
  const out = new Uint8Array(size);
  const back = new Uint8Array(size);
  let seed = i + 1;
  while (performance.now() < end) {
    for (let k = 0; k < size; k++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      out[k] = seed >>> 24;
    }
    const t0 = performance.now();
    const [w, r] = await Promise.all([
      client.writeAll(out),
      client.readExact(back, { timeout: 10_000 }),
    ]);
    latencies.push(performance.now() - t0);
    if (
      w.status !== "ok" || r.status !== "ok" ||
      back.some((b, k) => b !== out[k])
    ) {
      errors++;
      return;
    }
  }
}));
for (const client of clients) client.close();
server.kill("SIGINT");
while (!(await reader.read()).done) { /* drain the shutdown lines */ }
await server.status;

latencies.sort((a, b) => a - b);
const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? NaN;
console.log(
  `round trips: ${latencies.length} (${
    (latencies.length / seconds).toFixed(0)
  }/s)`,
);
console.log(`p99 round trip: ${p99.toFixed(2)} ms`);
console.log(`errors: ${errors}`);
if (errors > 0 || clients.length < connections) Deno.exitCode = 1;
