// Copyright 2026 the coro authors. Apache-2.0 license.
// deno-lint-ignore-file require-await
// The combinators against their plain-promise and Effect peers, side by side:
//   deno bench -A bench/combinators_bench.ts
// Each group's baseline is what the same code costs without coro.
import { Effect } from "effect";
import { type Task, task, whenAll, whenAny } from "../combinators/mod.ts";

const N = 10_000;
const RACERS = 10;

// --- awaiting one task -----------------------------------------------------

Deno.bench({
  name: "await async function call",
  group: "await one task",
  baseline: true,
  async fn() {
    await (async () => 1)();
  },
});

Deno.bench({
  name: "await task(async body)",
  group: "await one task",
  async fn() {
    await task(async () => 1);
  },
});

Deno.bench({
  name: "await task(sync body)",
  group: "await one task",
  async fn() {
    await task(() => 1);
  },
});

// The floor for any lazy awaitable: `await` on a non-promise thenable costs a
// thenable job and a second promise, whatever its `then` does.
Deno.bench({
  name: "await minimal thenable, reference",
  group: "await one task",
  async fn() {
    await { then: (resolve: (value: number) => void) => resolve(1) };
  },
});

Deno.bench({
  name: "await task(async body).start()",
  group: "await one task",
  async fn() {
    await task(async () => 1).start();
  },
});

// --- waiting for 10,000 tasks ------------------------------------------------

function asyncCalls(): Promise<number>[] {
  const calls = new Array<Promise<number>>(N);
  for (let i = 0; i < N; i++) calls[i] = (async () => i)();
  return calls;
}

function tasks(): Task<number>[] {
  const list = new Array<Task<number>>(N);
  for (let i = 0; i < N; i++) list[i] = task(async () => i);
  return list;
}

Deno.bench({
  name: "Promise.all(10k async calls)",
  group: "wait for 10k",
  baseline: true,
  async fn() {
    await Promise.all(asyncCalls());
  },
});

Deno.bench({
  name: "Promise.allSettled(10k async calls)",
  group: "wait for 10k",
  async fn() {
    await Promise.allSettled(asyncCalls());
  },
});

Deno.bench({
  name: "whenAll(10k tasks)",
  group: "wait for 10k",
  async fn() {
    await whenAll(tasks());
  },
});

Deno.bench({
  name: "whenAll(10k async calls)",
  group: "wait for 10k",
  async fn() {
    await whenAll(asyncCalls());
  },
});

Deno.bench({
  name: "whenAll(10k tasks, sync bodies)",
  group: "wait for 10k",
  async fn() {
    const list = new Array<Task<number>>(N);
    for (let i = 0; i < N; i++) list[i] = task(() => i);
    await whenAll(list);
  },
});

Deno.bench({
  name: "Effect.all(10k Effect.promise, unbounded)",
  group: "wait for 10k",
  // About a second per run here: a few runs give a stable median.
  n: 5,
  warmup: 1,
  async fn() {
    const effects = new Array<Effect.Effect<number>>(N);
    for (let i = 0; i < N; i++) effects[i] = Effect.promise(async () => i);
    await Effect.runPromise(Effect.all(effects, { concurrency: "unbounded" }));
  },
});

// --- first of 10, the other 9 pending (100 races per iteration) -------------

const RACES = 100;

Deno.bench({
  name: "Promise.race(1 async call + 9 pending) (x100)",
  group: "first of 10",
  baseline: true,
  async fn() {
    for (let k = 0; k < RACES; k++) {
      const racers = new Array<Promise<number>>(RACERS);
      racers[0] = (async () => 1)();
      for (let i = 1; i < RACERS; i++) {
        racers[i] = new Promise<number>(() => {});
      }
      await Promise.race(racers);
    }
  },
});

Deno.bench({
  name: "whenAny(1 task + 9 pending tasks), losers cancelled (x100)",
  group: "first of 10",
  async fn() {
    for (let k = 0; k < RACES; k++) {
      const racers = new Array<Task<number>>(RACERS);
      racers[0] = task(async () => 1);
      for (let i = 1; i < RACERS; i++) {
        racers[i] = task(() => new Promise<number>(() => {}));
      }
      await whenAny(racers);
    }
  },
});

Deno.bench({
  name: "whenAny(1 async call + 9 pending promises) (x100)",
  group: "first of 10",
  async fn() {
    for (let k = 0; k < RACES; k++) {
      const racers = new Array<Promise<number>>(RACERS);
      racers[0] = (async () => 1)();
      for (let i = 1; i < RACERS; i++) {
        racers[i] = new Promise<number>(() => {});
      }
      await whenAny(racers);
    }
  },
});
