// Copyright 2026 the coro authors. Apache-2.0 license.
// Shared-memory primitives, side by side in one run:
//   deno bench -A bench/atomic_bench.ts
// Groups:
// - "cross-thread ping-pong": one round trip between the main thread and a
//   Worker per iteration. Baseline: a bare Atomics.waitAsync ping-pong (each
//   side parks until the other flips a flag). Peers: the same ping-pong
//   spinning first, and an AtomicMutex lock/unlock ping-pong: the mutex is
//   the baton (unlock hands it to the waiting side), with a turn flag
//   flipped under the lock to prove each round trip happened.
// - "1,000 items main thread -> worker": an AtomicRingBuffer (capacity
//   256) against one postMessage per item; the worker posts each batch's
//   sum back.
// - "uncontended lock+unlock": AtomicMutex against the local Mutex.
// - "semaphore acquire+release", "ring buffer produce+consume": the atomic
//   forms against the local ones, one thread.
// Each ping-pong case starts its own Worker on its first iteration and
// terminates it after its last (the iteration count is fixed with `n` and
// `warmup`), so no Worker outlives the file.
import { AtomicMutex } from "../sync/atomic_mutex.ts";
import { AtomicRingBuffer } from "../sync/atomic_ring_buffer.ts";
import { AtomicSemaphore } from "../sync/atomic_semaphore.ts";
import { Mutex } from "../sync/mutex.ts";
import { RingBuffer } from "../sync/ring_buffer.ts";
import { Semaphore } from "../sync/semaphore.ts";
import { SPIN_COUNT } from "../sync/_atomic_wait.ts";

const WORKER_URL = new URL(
  "./testdata/atomic_pingpong_worker.ts",
  import.meta.url,
).href;
const N = 2_000;
const WARMUP = 200;

async function startWorker(job: unknown): Promise<Worker> {
  const worker = new Worker(WORKER_URL, { type: "module" });
  const started = Promise.withResolvers<void>();
  worker.onmessage = () => started.resolve();
  worker.postMessage(job);
  await started.promise;
  return worker;
}

/** Starts a worker and resolves each posted answer in turn. */
async function startAnsweringWorker(
  job: unknown,
): Promise<{ worker: Worker; next: () => Promise<number> }> {
  const worker = new Worker(WORKER_URL, { type: "module" });
  let pending = Promise.withResolvers<number>();
  worker.onmessage = (event) => {
    const p = pending;
    pending = Promise.withResolvers<number>();
    p.resolve(event.data);
  };
  const next = () => pending.promise;
  worker.postMessage(job);
  await next();
  return { worker, next };
}

/**
 * A ping-pong case: `setup()` starts the worker on the first call, `round`
 * does one round trip, and the worker is terminated after the last call.
 */
function pingPongCase<S>(
  name: string,
  baseline: boolean,
  setup: () => Promise<{ worker: Worker; state: S }>,
  round: (state: S) => Promise<void>,
  group = "cross-thread ping-pong",
  n = N,
  warmup = WARMUP,
): void {
  let ready: { worker: Worker; state: S } | undefined;
  let calls = 0;
  Deno.bench({
    name,
    group,
    baseline,
    n,
    warmup,
    async fn() {
      ready ??= await setup();
      await round(ready.state);
      if (++calls === n + warmup) {
        ready.worker.terminate();
        ready = undefined;
      }
    },
  });
}

async function ping(flag: Int32Array, spin: number): Promise<void> {
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  for (let i = 0; i < spin && Atomics.load(flag, 0) === 1; i++);
  while (Atomics.load(flag, 0) === 1) {
    const wait = Atomics.waitAsync(flag, 0, 1);
    if (wait.async) await wait.value;
  }
}

function flagCase(name: string, baseline: boolean, spin: boolean): void {
  pingPongCase(name, baseline, async () => {
    const buffer = new SharedArrayBuffer(4);
    const worker = await startWorker({ mode: spin ? "spin" : "bare", buffer });
    return { worker, state: new Int32Array(buffer) };
  }, (flag) => ping(flag, spin ? SPIN_COUNT : 0));
}

flagCase("bare Atomics.waitAsync ping-pong", true, false);
flagCase("spin, then Atomics.waitAsync ping-pong", false, true);
pingPongCase("AtomicMutex lock/unlock ping-pong", false, async () => {
  const mutex = new AtomicMutex();
  const buffer = new SharedArrayBuffer(4);
  // The main thread holds the mutex between iterations, so the worker waits
  // in lock() and each unlock hands the mutex over.
  const held = { lock: await mutex.lock() };
  const worker = await startWorker({
    mode: "mutex",
    handle: mutex.handle,
    turn: buffer,
  });
  return { worker, state: { mutex, held, turn: new Int32Array(buffer) } };
}, async ({ mutex, held, turn }) => {
  // Ping (turn 1) under the lock and hand the mutex to the worker; take it
  // back once the worker has answered (turn 0), so every iteration is a
  // real round trip.
  turn[0] = 1;
  held.lock.unlock();
  for (;;) {
    held.lock = await mutex.lock();
    if (turn[0] === 0) return;
    held.lock.unlock();
  }
});

// --- items from the main thread to a worker ---------------------------------

const BATCH = 1_000;
const BATCH_SUM = (BATCH * (BATCH - 1)) / 2;

function checkSum(sum: number): void {
  if (sum !== BATCH_SUM) throw new Error(`Lost items: sum ${sum}`);
}

pingPongCase(
  "postMessage per item",
  true,
  async () => {
    const { worker, next } = await startAnsweringWorker({
      mode: "post",
      batch: BATCH,
    });
    return { worker, state: { worker, next } };
  },
  async ({ worker, next }) => {
    const answer = next();
    for (let i = 0; i < BATCH; i++) worker.postMessage(i);
    checkSum(await answer);
  },
  "1,000 items main thread -> worker",
  50,
  5,
);

pingPongCase(
  "AtomicRingBuffer produce",
  false,
  async () => {
    const ring = new AtomicRingBuffer(256, { type: Float64Array });
    const { worker, next } = await startAnsweringWorker({
      mode: "ring",
      ring: ring.handle,
      batch: BATCH,
    });
    return { worker, state: { ring, next } };
  },
  async ({ ring, next }) => {
    const answer = next();
    for (let i = 0; i < BATCH; i++) {
      if (ring.tryProduce(i) !== "produced") await ring.produce(i);
    }
    checkSum(await answer);
  },
  "1,000 items main thread -> worker",
  50,
  5,
);

// --- one thread --------------------------------------------------------------

const localMutex = new Mutex();
const atomicMutex = new AtomicMutex();

Deno.bench({
  name: "Mutex (local)",
  group: "uncontended lock+unlock",
  baseline: true,
  async fn() {
    using _lock = await localMutex.lock();
  },
});

Deno.bench({
  name: "AtomicMutex",
  group: "uncontended lock+unlock",
  async fn() {
    using _lock = await atomicMutex.lock();
  },
});

Deno.bench({
  name: "Mutex (local) tryLock",
  group: "uncontended tryLock+unlock",
  baseline: true,
  fn() {
    localMutex.tryLock()!.unlock();
  },
});

Deno.bench({
  name: "AtomicMutex tryLock",
  group: "uncontended tryLock+unlock",
  fn() {
    atomicMutex.tryLock()!.unlock();
  },
});

const localSemaphore = new Semaphore(4);
const atomicSemaphore = new AtomicSemaphore(4);

Deno.bench({
  name: "Semaphore (local)",
  group: "semaphore acquire+release",
  baseline: true,
  async fn() {
    await localSemaphore.acquire();
    localSemaphore.release();
  },
});

Deno.bench({
  name: "AtomicSemaphore",
  group: "semaphore acquire+release",
  async fn() {
    await atomicSemaphore.acquire();
    atomicSemaphore.release();
  },
});

const localRing = new RingBuffer<number>(64);
const atomicRing = new AtomicRingBuffer(64, { type: Float64Array });

Deno.bench({
  name: "RingBuffer (local)",
  group: "ring buffer produce+consume",
  baseline: true,
  async fn() {
    await localRing.produce(1);
    await localRing.consume();
  },
});

Deno.bench({
  name: "AtomicRingBuffer",
  group: "ring buffer produce+consume",
  async fn() {
    await atomicRing.produce(1);
    await atomicRing.consume();
  },
});
