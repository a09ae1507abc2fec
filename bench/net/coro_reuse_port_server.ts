// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// examples/http_200_ok_server.ts in reusePort mode: one TcpServer per Worker,
// all bound to the same port with SO_REUSEPORT, so the kernel spreads the
// connections over the Workers' event loops. For bench/net/http_load.ts.
//
//   deno run -A --unstable-net bench/net/coro_reuse_port_server.ts [port] [workers]
import { TcpServer } from "../../net/mod.ts";
import { serveHttp200 } from "../../examples/http_200_ok_server.ts";

declare const self: Worker & { name?: string };

if (import.meta.main) {
  const port = Number(Deno.args[0] ?? 0);
  const workers = Number(Deno.args[1] ?? navigator.hardwareConcurrency);
  // Bind first so port 0 becomes a real port the Workers can share.
  const first = new TcpServer({ port, reusePort: true });
  const shared = first.localAddr.port;
  for (let i = 1; i < workers; i++) {
    const worker = new Worker(import.meta.url, {
      type: "module",
      name: `reuse-port-${i}`,
    });
    worker.postMessage(shared);
  }
  console.log(
    `coro_reuse_port_server: listening on 127.0.0.1:${shared} (${workers} listeners)`,
  );
  await serveHttp200(first);
} else {
  self.onmessage = (event: MessageEvent<number>) => {
    const server = new TcpServer({ port: event.data, reusePort: true });
    serveHttp200(server);
  };
}
