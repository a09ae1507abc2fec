// Copyright 2026 the coro authors. Apache-2.0 license.
// Lock-style primitives against npm peers, side by side in one run:
//   deno bench -A bench/sync_bench.ts
// Groups: uncontended lock+unlock (floor: one `await Promise.resolve()`),
// tryLock, 1,000 tasks x 10 rounds of contended lock/increment/unlock, and
// uncontended shared (reader) locking.
import { Mutex as AsyncMutex, tryAcquire } from "async-mutex";
import AsyncLock from "async-lock";
import RWLock from "rwlock";
import { Effect } from "effect";
import { Mutex } from "../sync/mutex.ts";
import { SharedMutex } from "../sync/shared_mutex.ts";

const TASKS = 1_000;
const ROUNDS = 10;

// --- uncontended lock + unlock --------------------------------------------

const coroMutex = new Mutex();
const asyncMutex = new AsyncMutex();
const asyncLock = new AsyncLock();
const rwlock = new RWLock();
const effectSem = Effect.runSync(Effect.makeSemaphore(1));
const effectNoop = effectSem.withPermits(1)(Effect.void);

function rwWriteLock(lock: RWLock): Promise<() => void> {
  return new Promise((resolve) => lock.writeLock(resolve));
}

function rwReadLock(lock: RWLock): Promise<() => void> {
  return new Promise((resolve) => lock.readLock(resolve));
}

Deno.bench({
  name: "await Promise.resolve() (floor)",
  group: "uncontended lock+unlock",
  baseline: true,
  async fn() {
    await Promise.resolve();
  },
});

Deno.bench({
  name: "coro Mutex lock()+unlock()",
  group: "uncontended lock+unlock",
  async fn() {
    const lock = await coroMutex.lock();
    lock.unlock();
  },
});

Deno.bench({
  name: "coro Mutex using lock()",
  group: "uncontended lock+unlock",
  async fn() {
    using _lock = await coroMutex.lock();
  },
});

Deno.bench({
  name: "async-mutex acquire()+release()",
  group: "uncontended lock+unlock",
  async fn() {
    const release = await asyncMutex.acquire();
    release();
  },
});

Deno.bench({
  name: "async-lock acquire(key, fn)",
  group: "uncontended lock+unlock",
  async fn() {
    await asyncLock.acquire("k", noop);
  },
});

Deno.bench({
  name: "rwlock writeLock() as a promise",
  group: "uncontended lock+unlock",
  async fn() {
    const release = await rwWriteLock(rwlock);
    release();
  },
});

Deno.bench({
  name: "effect Semaphore(1).withPermits(1)",
  group: "uncontended lock+unlock",
  async fn() {
    await Effect.runPromise(effectNoop);
  },
});

// --- tryLock ----------------------------------------------------------------

Deno.bench({
  name: "await Promise.resolve() (floor)",
  group: "tryLock",
  baseline: true,
  async fn() {
    await Promise.resolve();
  },
});

Deno.bench({
  name: "coro Mutex tryLock()+unlock()",
  group: "tryLock",
  fn() {
    coroMutex.tryLock()!.unlock();
  },
});

const asyncMutexTry = tryAcquire(asyncMutex);

Deno.bench({
  name: "async-mutex tryAcquire().acquire()+release()",
  group: "tryLock",
  async fn() {
    const release = await asyncMutexTry.acquire();
    release();
  },
});

// --- contended: 1,000 tasks x 10 rounds --------------------------------------
// Every task is started before any of them runs, so from the second lock on
// each acquisition queues behind the others.

Deno.bench({
  name: "coro Mutex",
  group: "contended 1,000 tasks x 10 rounds",
  baseline: true,
  async fn() {
    const mutex = new Mutex();
    let counter = 0;
    async function worker(): Promise<void> {
      for (let r = 0; r < ROUNDS; r++) {
        const lock = await mutex.lock();
        counter++;
        lock.unlock();
      }
    }
    await Promise.all(Array.from({ length: TASKS }, worker));
    if (counter !== TASKS * ROUNDS) throw new Error("lost an increment");
  },
});

Deno.bench({
  name: "async-mutex",
  group: "contended 1,000 tasks x 10 rounds",
  async fn() {
    const mutex = new AsyncMutex();
    let counter = 0;
    async function worker(): Promise<void> {
      for (let r = 0; r < ROUNDS; r++) {
        const release = await mutex.acquire();
        counter++;
        release();
      }
    }
    await Promise.all(Array.from({ length: TASKS }, worker));
    if (counter !== TASKS * ROUNDS) throw new Error("lost an increment");
  },
});

Deno.bench({
  name: "async-lock",
  group: "contended 1,000 tasks x 10 rounds",
  async fn() {
    const lock = new AsyncLock({ maxPending: Infinity });
    let counter = 0;
    const increment = (): void => {
      counter++;
    };
    async function worker(): Promise<void> {
      for (let r = 0; r < ROUNDS; r++) await lock.acquire("k", increment);
    }
    await Promise.all(Array.from({ length: TASKS }, worker));
    if (counter !== TASKS * ROUNDS) throw new Error("lost an increment");
  },
});

Deno.bench({
  name: "rwlock writeLock()",
  group: "contended 1,000 tasks x 10 rounds",
  async fn() {
    const lock = new RWLock();
    let counter = 0;
    async function worker(): Promise<void> {
      for (let r = 0; r < ROUNDS; r++) {
        const release = await rwWriteLock(lock);
        counter++;
        release();
      }
    }
    await Promise.all(Array.from({ length: TASKS }, worker));
    if (counter !== TASKS * ROUNDS) throw new Error("lost an increment");
  },
});

Deno.bench({
  name: "effect Semaphore(1), Effect.forEach unbounded",
  group: "contended 1,000 tasks x 10 rounds",
  async fn() {
    let counter = 0;
    const program = Effect.gen(function* () {
      const sem = yield* Effect.makeSemaphore(1);
      const step = sem.withPermits(1)(Effect.sync(() => {
        counter++;
      }));
      yield* Effect.forEach(
        Array.from({ length: TASKS }),
        () => Effect.repeatN(step, ROUNDS - 1),
        { concurrency: "unbounded", discard: true },
      );
    });
    await Effect.runPromise(program);
    if (counter !== TASKS * ROUNDS) throw new Error("lost an increment");
  },
});

// --- shared (reader) locks --------------------------------------------------

const coroShared = new SharedMutex();

Deno.bench({
  name: "coro SharedMutex lockShared()+unlock()",
  group: "uncontended shared lock",
  baseline: true,
  async fn() {
    const lock = await coroShared.lockShared();
    lock.unlock();
  },
});

Deno.bench({
  name: "rwlock readLock() as a promise",
  group: "uncontended shared lock",
  async fn() {
    const release = await rwReadLock(rwlock);
    release();
  },
});

function noop(): void {}
