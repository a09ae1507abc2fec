// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// HTTP load comparison on 127.0.0.1 with wrk (issue 6's speed targets).
//
//   deno run -A bench/net/http_load.ts [--duration 10s] [--rounds 3]
//     [--connections 100] [--only coro,deno_listen,...]
//
// Starts each server as its own process, runs `wrk -t1 -c100 -d10s --latency`
// against each in turn, `rounds` times interleaved in a rotating order (so
// drift in machine load hits every server alike), and prints per server the
// median req/s, p99 latency and server CPU time per request (user + system
// time of the server process from /proc, which is steadier than req/s on a
// shared machine), with coro's req/s ratio against each. Servers:
//   coro             examples/http_200_ok_server.ts (TcpServer, one isolate)
//   coro_reuse_port  the same handler, one reusePort listener per Worker
//   deno_listen      bench/net/deno_listen_server.ts (hand-written baseline)
//   deno_serve       bench/net/deno_serve_server.ts (Deno.serve)
//   node_http        bench/net/node_http_server.mjs (Node's http, if `node`)
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    duration: { type: "string", default: "10s" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "100" },
    only: { type: "string" },
    wrk: { type: "string", default: "wrk" },
  },
});

const root = new URL("../../", import.meta.url);
const deno = Deno.execPath();

interface ServerSpec {
  name: string;
  command: string;
  args: string[];
}

const specs: ServerSpec[] = [
  {
    name: "coro",
    command: deno,
    args: [
      "run",
      "-A",
      "--unstable-net",
      "examples/http_200_ok_server.ts",
      "--port",
      "0",
    ],
  },
  {
    name: "coro_reuse_port",
    command: deno,
    args: [
      "run",
      "-A",
      "--unstable-net",
      "bench/net/coro_reuse_port_server.ts",
      "0",
      "2",
    ],
  },
  {
    name: "deno_listen",
    command: deno,
    args: ["run", "-A", "bench/net/deno_listen_server.ts", "0"],
  },
  {
    name: "deno_serve",
    command: deno,
    args: ["run", "-A", "bench/net/deno_serve_server.ts", "0"],
  },
  {
    name: "node_http",
    command: "node",
    args: ["bench/net/node_http_server.mjs", "0"],
  },
];

async function has(command: string): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(command, {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

interface Running {
  spec: ServerSpec;
  process: Deno.ChildProcess;
  port: number;
}

async function start(spec: ServerSpec): Promise<Running> {
  const process = new Deno.Command(spec.command, {
    args: spec.args,
    cwd: root,
    stdout: "piped",
    stderr: "inherit",
    env: { NO_COLOR: "1" },
  }).spawn();
  const reader = process.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${spec.name} exited before listening`);
    text += new TextDecoder().decode(value);
  }
  // Keep draining stdout so the server never blocks on a full pipe.
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  const match = text.match(/:(\d+)\/?\b/);
  if (!match) {
    throw new Error(`${spec.name}: no port in ${JSON.stringify(text)}`);
  }
  return { spec, process, port: Number(match[1]) };
}

interface Sample {
  rps: number;
  p99Ms: number;
  errors: number;
  /** Server CPU time (user + system, all its threads) per request. */
  cpuUs: number;
}

/** The process's user + system CPU time in microseconds (Linux /proc). */
function cpuTime(pid: number): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15, in clock ticks (100 per second).
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return NaN;
  }
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === "us"
    ? n / 1000
    : unit === "ms"
    ? n
    : unit === "s"
    ? n * 1000
    : NaN;
}

async function wrk(port: number, pid: number): Promise<Sample> {
  const cpu0 = cpuTime(pid);
  const { stdout, success } = await new Deno.Command(values.wrk, {
    args: [
      "-t1",
      `-c${values.connections}`,
      `-d${values.duration}`,
      "--latency",
      `http://127.0.0.1:${port}/`,
    ],
    stderr: "inherit",
  }).output();
  const cpu = cpuTime(pid) - cpu0;
  const out = new TextDecoder().decode(stdout);
  if (!success) throw new Error(`wrk failed:\n${out}`);
  const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1]);
  const p99 = out.match(/99%\s+([\d.]+)(us|ms|s)\b/);
  const socketErrors = out.match(
    /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/,
  );
  const non2xx = Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
  const errors = non2xx +
    (socketErrors
      ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0)
      : 0);
  const requests = Number(out.match(/(\d+) requests in/)?.[1]);
  return {
    rps,
    p99Ms: p99 ? toMs(p99[1]!, p99[2]!) : NaN,
    errors,
    cpuUs: cpu / requests,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const only = values.only?.split(",");
const selected: ServerSpec[] = [];
for (const spec of specs) {
  if (only && !only.includes(spec.name)) continue;
  if (spec.command !== deno && !(await has(spec.command))) {
    console.log(`skipping ${spec.name}: ${spec.command} not found`);
    continue;
  }
  selected.push(spec);
}

const running: Running[] = [];
for (const spec of selected) running.push(await start(spec));
const samples = new Map<string, Sample[]>(selected.map((s) => [s.name, []]));
const rounds = Number(values.rounds);
try {
  // One short warm-up per server so every JIT is hot before round 1.
  for (const r of running) {
    await new Deno.Command(values.wrk, {
      args: [
        "-t1",
        `-c${values.connections}`,
        "-d1s",
        `http://127.0.0.1:${r.port}/`,
      ],
      stdout: "null",
    }).output();
  }
  for (let round = 1; round <= rounds; round++) {
    // Rotate the order so no server always runs right after the same one.
    const shift = (round - 1) % running.length;
    const order = [...running.slice(shift), ...running.slice(0, shift)];
    for (const r of order) {
      const sample = await wrk(r.port, r.process.pid);
      samples.get(r.spec.name)!.push(sample);
      console.log(
        `round ${round} ${r.spec.name.padEnd(16)} ${
          sample.rps.toFixed(0).padStart(8)
        } req/s  p99 ${sample.p99Ms.toFixed(2)} ms  server CPU ${
          sample.cpuUs.toFixed(2)
        } us/req  errors ${sample.errors}`,
      );
    }
  }
} finally {
  for (const r of running) {
    try {
      r.process.kill("SIGKILL");
    } catch {
      // already gone
    }
    await r.process.status;
  }
}

const coro = samples.get("coro");
const coroRps = coro ? median(coro.map((s) => s.rps)) : NaN;
console.log(
  `\nwrk -t1 -c${values.connections} -d${values.duration}, median of ${rounds} interleaved rounds\n`,
);
console.log(
  "| server | req/s | p99 latency | server CPU per request | coro req/s / server | errors |",
);
console.log("|---|---:|---:|---:|---:|---:|");
for (const [name, list] of samples) {
  const rps = median(list.map((s) => s.rps));
  const p99 = median(list.map((s) => s.p99Ms));
  const cpu = median(list.map((s) => s.cpuUs));
  const errors = list.reduce((a, s) => a + s.errors, 0);
  const ratio = (coroRps / rps).toFixed(2);
  console.log(
    `| ${name} | ${rps.toFixed(0)} | ${p99.toFixed(2)} ms | ${
      cpu.toFixed(2)
    } us | ${ratio}x | ${errors} |`,
  );
}
