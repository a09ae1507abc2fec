// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// A TCP echo server, after libcoro's examples/coro_tcp_echo_server.cpp.
//
//   deno run -A --unstable-net examples/tcp_echo_server.ts [--port 8888]
//     [--hostname 127.0.0.1] [--max-seconds N] [--deadline MS]
//
// It prints the address it listens on, echoes every byte back to each client
// until Ctrl-C (SIGINT) or --max-seconds, then shuts down gracefully: it
// stops accepting, ends idle connections at once (their reads take the
// server's signal), lets echoes in flight finish, and closes whatever is
// left after the deadline.
import { parseArgs } from "node:util";
import { type TcpClient, TcpServer } from "@coro/coro/net";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    hostname: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "8888" },
    "max-seconds": { type: "string" },
    deadline: { type: "string", default: "2000" },
  },
});

const server = new TcpServer({
  hostname: values.hostname,
  port: Number(values.port),
});
const { hostname, port } = server.localAddr;
console.log(`tcp_echo_server: listening on ${hostname}:${port}`);

async function echo(client: TcpClient): Promise<void> {
  const buf = new Uint8Array(16 * 1024);
  for (;;) {
    const read = await client.readSome(buf, { signal: server.signal });
    if (read.status !== "ok") return; // closed, reset, or shutting down
    const written = await client.writeAll(buf.subarray(0, read.bytes));
    if (written.status !== "ok") return;
  }
}

const stop = Promise.withResolvers<string>();
const onSigint = () => stop.resolve("SIGINT");
Deno.addSignalListener("SIGINT", onSigint);
let timer: ReturnType<typeof setTimeout> | undefined;
if (values["max-seconds"] !== undefined) {
  const seconds = Number(values["max-seconds"]);
  timer = setTimeout(() => stop.resolve("time limit"), seconds * 1000);
}

const serving = server.serve(echo);
const why = await stop.promise;
Deno.removeSignalListener("SIGINT", onSigint);
clearTimeout(timer);
console.log(`tcp_echo_server: ${why}, shutting down`);
const { forced } = await server.shutdown({ deadline: Number(values.deadline) });
await serving;
console.log(`tcp_echo_server: stopped (${forced} connections closed by force)`);
