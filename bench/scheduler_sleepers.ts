// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// A million tasks sleeping at once: IoScheduler.yieldFor() against plain
// setTimeout promises. Prints a table: heap bytes per sleeping task (each
// task is an async function waiting on its sleep), time to put them all to
// sleep, and time from the shared deadline until the last one woke.
//
//   deno run -A --v8-flags=--expose-gc bench/scheduler_sleepers.ts [count]
//
// Each case runs in its own subprocess so one cannot skew the other's memory.
import { IoScheduler } from "../scheduler/io_scheduler.ts";

interface Row {
  name: string;
  count: number;
  bytesPerTask: number;
  createMs: number;
  wakeMs: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

function heap(): number {
  gc?.();
  return Deno.memoryUsage().heapUsed;
}

async function runCase(name: string, count: number): Promise<Row> {
  const scheduler = new IoScheduler();
  let woke = 0;
  let lastWake = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((resolve) => resolveAll = resolve);
  const onWake = () => {
    if (++woke === count) {
      lastWake = performance.now();
      resolveAll();
    }
  };
  const before = heap();
  const createStart = performance.now();
  // Everyone sleeps until one shared deadline, far enough out that creating
  // them all finishes first. Creating a runtime timer costs about 15 us here
  // (a million take 15 s), a heap entry far less, hence the margins.
  const perTaskMs = name === "IoScheduler.yieldFor" ? 0.008 : 0.022;
  const deadline = createStart + 1_500 + count * perTaskMs;
  if (name === "IoScheduler.yieldFor") {
    for (let i = 0; i < count; i++) {
      (async () => {
        await scheduler.yieldFor(Math.max(0, deadline - performance.now()));
        onWake();
      })();
    }
  } else {
    for (let i = 0; i < count; i++) {
      (async () => {
        await new Promise((resolve) =>
          setTimeout(resolve, Math.max(0, deadline - performance.now()))
        );
        onWake();
      })();
    }
  }
  const createMs = performance.now() - createStart;
  const bytes = heap() - before;
  // If setup (with its full GC) overran the deadline, count from its end.
  const wakeFrom = Math.max(deadline, performance.now());
  if (performance.now() >= deadline) {
    console.error(
      `${name}: setup overran the shared deadline; wake time counted from the end of setup`,
    );
  }
  await all;
  await scheduler.shutdown();
  return {
    name,
    count,
    bytesPerTask: bytes / count,
    createMs,
    wakeMs: lastWake - wakeFrom,
  };
}

const CASES = ["IoScheduler.yieldFor", "setTimeout promise"];

if (Deno.args[0] === "--case") {
  const row = await runCase(Deno.args[1]!, Number(Deno.args[2]));
  console.log(JSON.stringify(row));
} else {
  const count = Number(Deno.args[0] ?? 1_000_000);
  const rows: Row[] = [];
  for (const name of CASES) {
    const { stdout, code } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--v8-flags=--expose-gc",
        new URL(import.meta.url).pathname,
        "--case",
        name,
        String(count),
      ],
      stderr: "inherit",
    }).output();
    if (code !== 0) throw new Error(`${name} failed with exit code ${code}`);
    rows.push(JSON.parse(new TextDecoder().decode(stdout)));
  }
  console.log(`${count.toLocaleString("en-US")} tasks sleeping at once\n`);
  console.log(
    "| case | heap bytes / sleeping task | time to create all | deadline (or end of setup) to last wake |",
  );
  console.log("| --- | ---: | ---: | ---: |");
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${r.bytesPerTask.toFixed(0)} | ${
        r.createMs.toFixed(0)
      } ms | ${r.wakeMs.toFixed(0)} ms |`,
    );
  }
  const [io, st] = rows as [Row, Row];
  console.log(
    `\nIoScheduler: ${
      (st.bytesPerTask / io.bytesPerTask).toFixed(2)
    }x less memory per sleeper, wakes all ${
      (st.wakeMs / io.wakeMs).toFixed(2)
    }x faster`,
  );
}
