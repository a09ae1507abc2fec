// Copyright 2026 the coro authors. Apache-2.0 license.
// Runs examples/tcp_echo_server.ts as a subprocess, the way a user does.
import assert from "node:assert/strict";
import { TcpClient } from "../../net/mod.ts";

const root = new URL("../../", import.meta.url);
const decoder = new TextDecoder();

interface Running extends AsyncDisposable {
  process: Deno.ChildProcess;
  port: number;
  /** Lines printed so far after the first one. */
  rest(): Promise<string>;
}

/** Starts the example and waits for its "listening on" line. */
async function startEcho(args: string[] = []): Promise<Running> {
  const process = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-net",
      "examples/tcp_echo_server.ts",
      "--port",
      "0",
      ...args,
    ],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = process.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  const match = text.match(
    /^tcp_echo_server: listening on 127\.0\.0\.1:(\d+)\n/,
  );
  assert.ok(match, `unexpected first output: ${JSON.stringify(text)}`);
  const port = Number(match[1]);
  let restPromise: Promise<string> | undefined;
  const rest = () =>
    restPromise ??= (async () => {
      let out = text.slice(match[0].length);
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return out;
        out += decoder.decode(value, { stream: true });
      }
    })();
  return {
    process,
    port,
    rest,
    async [Symbol.asyncDispose]() {
      try {
        process.kill("SIGKILL");
      } catch {
        // Already exited.
      }
      await rest();
      await process.stderr.cancel();
      await process.status;
    },
  };
}

Deno.test("examples/tcp_echo_server.ts echoes, then shuts down gracefully on SIGINT", async () => {
  await using echo = await startEcho();
  using client = await TcpClient.connect({ port: echo.port });
  const message = new TextEncoder().encode("hello, echo");
  await client.writeAll(message);
  const reply = new Uint8Array(message.length);
  assert.equal(
    (await client.readExact(reply, { timeout: 10_000 })).status,
    "ok",
  );
  assert.deepEqual(reply, message);

  echo.process.kill("SIGINT");
  const status = await echo.process.status;
  assert.equal(status.code, 0);
  assert.equal(
    await echo.rest(),
    "tcp_echo_server: SIGINT, shutting down\n" +
      "tcp_echo_server: stopped (0 connections closed by force)\n",
  );
  // The idle connection was ended by the shutdown, not left hanging.
  const read = await client.readSome(new Uint8Array(1), { timeout: 10_000 });
  assert.ok(read.status === "closed" || read.status === "reset");
});

Deno.test("examples/tcp_echo_server.ts holds 1,000 connections and echoes on each", async () => {
  await using echo = await startEcho();
  const clients: TcpClient[] = [];
  try {
    for (let batch = 0; batch < 10; batch++) {
      clients.push(
        ...await Promise.all(
          Array.from(
            { length: 100 },
            () => TcpClient.connect({ port: echo.port }),
          ),
        ),
      );
    }
    const results = await Promise.all(clients.map(async (client, i) => {
      const message = new TextEncoder().encode(`#${i}#`);
      const reply = new Uint8Array(message.length);
      const [w, r] = await Promise.all([
        client.writeAll(message),
        client.readExact(reply, { timeout: 30_000 }),
      ]);
      return w.status === "ok" && r.status === "ok" &&
        new TextDecoder().decode(reply) === `#${i}#`;
    }));
    assert.equal(results.filter((ok) => ok).length, 1_000);
  } finally {
    for (const client of clients) client.close();
  }
});

Deno.test("examples/tcp_echo_server.ts stops by itself after --max-seconds", async () => {
  await using echo = await startEcho(["--max-seconds", "0.2"]);
  const status = await echo.process.status;
  assert.equal(status.code, 0);
  assert.equal(
    await echo.rest(),
    "tcp_echo_server: time limit, shutting down\n" +
      "tcp_echo_server: stopped (0 connections closed by force)\n",
  );
});
