// Copyright 2026 the coro authors. Apache-2.0 license.
// ThreadPool against a hand-rolled Worker + postMessage pool, piscina,
// tinypool (useAtomics: false) and workerpool, all with 2 workers:
// 10,000 tiny add(a, b) tasks all in flight, and one round trip at a time.
// Run: deno bench -A bench/thread_pool_bench.ts
import { Piscina } from "piscina";
import Tinypool from "tinypool";
import workerpool from "workerpool";
import { ThreadPool } from "../scheduler/mod.ts";

const THREADS = 2;
const TASKS = 10_000;
const ADD = new URL("./testdata/pool_add.ts", import.meta.url);

// coro
const coro = new ThreadPool({ threadCount: THREADS });
const math = coro.bind<typeof import("./testdata/pool_add.ts")>(ADD);

// A hand-rolled pool: web Workers, round robin, one postMessage per task
// (or, for the batched limit, one per 100 tasks).
class HandRolledPool {
  #workers: Worker[] = [];
  #pending = new Map<number, (value: number) => void>();
  #next = 0;
  #id = 0;
  constructor(threads: number) {
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(
        new URL("./testdata/hand_rolled_worker.ts", import.meta.url),
        { type: "module" },
      );
      worker.onmessage = (event: MessageEvent<number[]>) => {
        const data = event.data;
        for (let k = 0; k < data.length; k += 2) {
          const resolve = this.#pending.get(data[k]!)!;
          this.#pending.delete(data[k]!);
          resolve(data[k + 1]!);
        }
      };
      this.#workers.push(worker);
    }
  }
  add(a: number, b: number): Promise<number> {
    const id = this.#id++;
    const worker = this.#workers[this.#next++ % this.#workers.length]!;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      worker.postMessage([id, a, b]);
    });
  }
  // Many adds, sent `perMessage` to a message.
  addMany(pairs: number, perMessage: number): Promise<number>[] {
    const out: Promise<number>[] = [];
    let batch: number[] = [];
    for (let i = 0; i < pairs; i++) {
      const id = this.#id++;
      out.push(new Promise((resolve) => this.#pending.set(id, resolve)));
      batch.push(id, i, 1);
      if (batch.length === perMessage * 3 || i === pairs - 1) {
        this.#workers[this.#next++ % this.#workers.length]!.postMessage(batch);
        batch = [];
      }
    }
    return out;
  }
  terminate(): void {
    for (const worker of this.#workers) worker.terminate();
  }
}
const hand = new HandRolledPool(THREADS);

const piscina = new Piscina({
  filename: ADD.href,
  minThreads: THREADS,
  maxThreads: THREADS,
});
const tinypool = new Tinypool({
  filename: ADD.href,
  minThreads: THREADS,
  maxThreads: THREADS,
  useAtomics: false,
});
const wpool = workerpool.pool(
  new URL("./testdata/workerpool_worker.ts", import.meta.url).pathname,
  { minWorkers: THREADS, maxWorkers: THREADS, workerType: "thread" },
);

// Every pool is up and has run once before timing starts.
await Promise.all([
  math.add(1, 2),
  hand.add(1, 2),
  piscina.run({ a: 1, b: 2 }),
  tinypool.run({ a: 1, b: 2 }),
  wpool.exec("add", [1, 2]),
]);

globalThis.addEventListener("unload", () => {
  coro.shutdown();
  hand.terminate();
  piscina.destroy();
  tinypool.destroy();
  wpool.terminate(true);
});

function check(sums: number[]): void {
  if (sums.length !== TASKS || sums[TASKS - 1] !== TASKS) {
    throw new Error("wrong results");
  }
}

const inFlight = { group: "10,000 adds in flight", n: 10, warmup: 3 };

Deno.bench({
  ...inFlight,
  name: "hand-rolled pool, one postMessage per task",
  baseline: true,
  async fn() {
    const ps = new Array<Promise<number>>(TASKS);
    for (let i = 0; i < TASKS; i++) ps[i] = hand.add(i, 1);
    check(await Promise.all(ps));
  },
});

Deno.bench({
  ...inFlight,
  name: "hand-rolled pool, 100 tasks per postMessage (batched limit)",
  async fn() {
    check(await Promise.all(hand.addMany(TASKS, 100)));
  },
});

Deno.bench({
  ...inFlight,
  name: "coro ThreadPool",
  async fn() {
    const ps = new Array<Promise<number>>(TASKS);
    for (let i = 0; i < TASKS; i++) ps[i] = math.add(i, 1);
    check(await Promise.all(ps));
  },
});

Deno.bench({
  ...inFlight,
  name: "piscina",
  async fn() {
    const ps = new Array<Promise<number>>(TASKS);
    for (let i = 0; i < TASKS; i++) ps[i] = piscina.run({ a: i, b: 1 });
    check(await Promise.all(ps));
  },
});

Deno.bench({
  ...inFlight,
  name: "tinypool (useAtomics: false)",
  async fn() {
    const ps = new Array<Promise<number>>(TASKS);
    for (let i = 0; i < TASKS; i++) ps[i] = tinypool.run({ a: i, b: 1 });
    check(await Promise.all(ps));
  },
});

Deno.bench({
  ...inFlight,
  name: "workerpool",
  async fn() {
    const ps = new Array<Promise<number>>(TASKS);
    for (let i = 0; i < TASKS; i++) ps[i] = wpool.exec("add", [i, 1]);
    check(await Promise.all(ps));
  },
});

const roundTrip = { group: "one round trip at a time", n: 2000, warmup: 200 };

Deno.bench({
  ...roundTrip,
  name: "hand-rolled pool",
  baseline: true,
  async fn() {
    await hand.add(1, 2);
  },
});

Deno.bench({
  ...roundTrip,
  name: "coro ThreadPool",
  async fn() {
    await math.add(1, 2);
  },
});

Deno.bench({
  ...roundTrip,
  name: "piscina",
  async fn() {
    await piscina.run({ a: 1, b: 2 });
  },
});

Deno.bench({
  ...roundTrip,
  name: "tinypool (useAtomics: false)",
  async fn() {
    await tinypool.run({ a: 1, b: 2 });
  },
});

Deno.bench({
  ...roundTrip,
  name: "workerpool",
  async fn() {
    await wpool.exec("add", [1, 2]);
  },
});
