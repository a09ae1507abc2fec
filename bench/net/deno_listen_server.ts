// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// The baseline for bench/net/http_load.ts: a minimal hand-written HTTP 200
// server on Deno.listen, with the same algorithm as
// examples/http_200_ok_server.ts (one reused 8 KiB buffer per connection, a
// CRLFCRLF scan, one write per batch of pipelined requests) and nothing else.
//
//   deno run -A bench/net/deno_listen_server.ts [port]
const OK = new TextEncoder().encode(
  "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n",
);

function headEnd(buf: Uint8Array, from: number, end: number): number {
  let i = buf.indexOf(13, from);
  while (i >= 0 && i + 3 < end) {
    if (buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) return i;
    i = buf.indexOf(13, i + 1);
  }
  return -1;
}

async function handle(conn: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(8192);
  let start = 0, end = 0, scan = 0;
  try {
    for (;;) {
      if (end === buf.length) {
        if (start === 0) return;
        buf.copyWithin(0, start, end);
        end -= start;
        scan -= start;
        start = 0;
      }
      const n = await conn.read(buf.subarray(end));
      if (n === null) return;
      end += n;
      let count = 0;
      for (
        let i = headEnd(buf, scan, end);
        i >= 0;
        i = headEnd(buf, scan, end)
      ) {
        count++;
        start = scan = i + 4;
      }
      if (start === end) start = end = scan = 0;
      else scan = Math.max(start, end - 3);
      if (count > 0) {
        let out = OK;
        if (count > 1) {
          out = new Uint8Array(OK.length * count);
          for (let k = 0; k < count; k++) out.set(OK, k * OK.length);
        }
        let done = 0;
        while (done < out.length) done += await conn.write(out.subarray(done));
      }
    }
  } catch {
    // reset or broken pipe: drop the connection
  } finally {
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
}

const listener = Deno.listen({
  hostname: "127.0.0.1",
  port: Number(Deno.args[0] ?? 0),
});
console.log(
  `deno_listen_server: listening on ${listener.addr.hostname}:${listener.addr.port}`,
);
for await (const conn of listener) {
  conn.setNoDelay(true);
  handle(conn);
}
