// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// Deno.serve answering 200 with an empty body, for bench/net/http_load.ts.
//
//   deno run -A bench/net/deno_serve_server.ts [port]
Deno.serve({
  hostname: "127.0.0.1",
  port: Number(Deno.args[0] ?? 0),
  onListen: ({ hostname, port }) =>
    console.log(`deno_serve_server: listening on ${hostname}:${port}`),
}, () => new Response(null));
