// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// Node's http module answering 200 with an empty body, for
// bench/net/http_load.ts. Run with node, not deno:
//
//   node bench/net/node_http_server.mjs [port]
import http from "node:http";

const server = http.createServer((_req, res) => {
  res.writeHead(200, { "Content-Length": "0" });
  res.end();
});
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  const { address, port } = server.address();
  console.log(`node_http_server: listening on ${address}:${port}`);
});
