// Copyright 2026 the coro authors. Apache-2.0 license.

import assert from "node:assert/strict";
import fc from "fast-check";
import { AtomicMutex } from "../../sync/atomic_mutex.ts";
import { AtomicSemaphore } from "../../sync/atomic_semaphore.ts";
import { startWorkers } from "./testdata/atomic_workers.ts";

Deno.test("AtomicMutex excludes 4 workers incrementing one non-atomic counter: no lost update", async () => {
  const workers = await startWorkers(4);
  try {
    const mutex = new AtomicMutex();
    const counter = new SharedArrayBuffer(4);
    const rounds = 5_000;
    const tasks = 2;
    await Promise.all(
      workers.map((w) =>
        w.run({ op: "mutex", mutex: mutex.handle, counter, rounds, tasks })
      ),
    );
    assert.equal(new Int32Array(counter)[0], workers.length * rounds * tasks);
    assert.equal(mutex.isLocked, false);
  } finally {
    for (const w of workers) w[Symbol.dispose]();
  }
});

Deno.test("AtomicMutex excludes the main thread and 2 workers sharing one counter", async () => {
  const workers = await startWorkers(2);
  try {
    const mutex = new AtomicMutex();
    const counter = new SharedArrayBuffer(4);
    const view = new Int32Array(counter);
    const rounds = 3_000;
    const jobs = workers.map((w) =>
      w.run({ op: "mutex", mutex: mutex.handle, counter, rounds, tasks: 1 })
    );
    for (let i = 0; i < rounds; i++) {
      using _lock = await mutex.lock();
      const seen = view[0]!;
      if (i % 32 === 0) await Promise.resolve();
      view[0] = seen + 1;
    }
    await Promise.all(jobs);
    assert.equal(view[0], 3 * rounds);
    assert.equal(mutex.isLocked, false);
  } finally {
    for (const w of workers) w[Symbol.dispose]();
  }
});

Deno.test("AtomicMutex.tryLock() takes a free mutex and refuses a held one", () => {
  const mutex = new AtomicMutex();
  const lock = mutex.tryLock();
  assert.ok(lock !== undefined);
  assert.equal(lock.owned, true);
  assert.equal(lock.mutex, mutex);
  assert.equal(mutex.isLocked, true);
  assert.equal(mutex.tryLock(), undefined);
  lock.unlock();
  assert.equal(lock.owned, false);
  assert.equal(mutex.isLocked, false);
});

Deno.test("AtomicMutex.unlock() of an unlocked mutex throws", () => {
  const mutex = new AtomicMutex();
  assert.throws(() => mutex.unlock(), {
    name: "Error",
    message: "Cannot unlock mutex: it is not locked",
  });
});

Deno.test("AtomicMutexLock.unlock() twice throws, dispose after unlock does nothing", async () => {
  const mutex = new AtomicMutex();
  const lock = await mutex.lock();
  lock.unlock();
  assert.throws(() => lock.unlock(), {
    message: "Cannot unlock mutex lock: it was already released",
  });
  lock[Symbol.dispose]();
  assert.equal(mutex.isLocked, false);
});

Deno.test("AtomicMutexLock of a past hold cannot release the current holder", () => {
  const mutex = new AtomicMutex();
  const first = mutex.tryLock()!;
  mutex.unlock();
  const second = mutex.tryLock()!;
  first[Symbol.dispose]();
  assert.throws(() => first.unlock(), Error);
  assert.equal(second.owned, true);
  assert.equal(mutex.isLocked, true);
  second.unlock();
});

Deno.test("AtomicMutex.lock() hands the mutex to a waiter on unlock", async () => {
  const mutex = new AtomicMutex();
  const held = mutex.tryLock()!;
  const order: string[] = [];
  const waiter = mutex.lock().then((lock) => {
    order.push("waiter");
    return lock;
  });
  await new Promise((resolve) => setTimeout(resolve, 5));
  order.push("unlock");
  held.unlock();
  // Handed over: the mutex never looks free in between.
  assert.equal(mutex.isLocked, true);
  assert.equal(mutex.tryLock(), undefined);
  const lock = await waiter;
  assert.deepEqual(order, ["unlock", "waiter"]);
  assert.equal(lock.owned, true);
  lock.unlock();
  assert.equal(mutex.isLocked, false);
});

Deno.test("AtomicMutex.lock() with an aborted signal rejects with its reason and takes nothing", async () => {
  const mutex = new AtomicMutex();
  const reason = new Error("stop");
  await assert.rejects(
    mutex.lock({ signal: AbortSignal.abort(reason) }),
    (e) => e === reason,
  );
  assert.equal(mutex.isLocked, false);
});

Deno.test("AtomicMutex.lock() aborted while waiting rejects at once and leaves no trace", async () => {
  const mutex = new AtomicMutex();
  const held = mutex.tryLock()!;
  const controller = new AbortController();
  const aborted = mutex.lock({ signal: controller.signal });
  const next = mutex.lock();
  await new Promise((resolve) => setTimeout(resolve, 5));
  controller.abort("gone");
  await assert.rejects(aborted, (e) => e === "gone");
  held.unlock();
  // The live waiter gets the mutex, not the aborted one.
  const lock = await next;
  assert.equal(lock.owned, true);
  lock.unlock();
  assert.equal(mutex.isLocked, false);
  assert.ok(mutex.tryLock() !== undefined);
  mutex.unlock();
});

Deno.test("AtomicMutex.lock() aborted right after being handed the mutex passes it on", async () => {
  const mutex = new AtomicMutex();
  const held = mutex.tryLock()!;
  const controller = new AbortController();
  const aborted = mutex.lock({ signal: controller.signal });
  await new Promise((resolve) => setTimeout(resolve, 5));
  // Hand over and abort in the same turn: the waiter has been granted the
  // mutex but has not resumed yet.
  held.unlock();
  controller.abort("late");
  await assert.rejects(aborted, (e) => e === "late");
  assert.equal(mutex.isLocked, false);
  const lock = await mutex.lock({ signal: AbortSignal.timeout(1000) });
  lock.unlock();
});

Deno.test("AtomicMutex keeps the process alive while a lock() waits", async () => {
  const script = `
    import { AtomicMutex } from ${
    JSON.stringify(new URL("../../sync/atomic_mutex.ts", import.meta.url).href)
  };
    const mutex = new AtomicMutex();
    mutex.tryLock();
    const controller = new AbortController();
    Deno.unrefTimer(setTimeout(() => controller.abort(), 100));
    mutex.lock({ signal: controller.signal })
      .catch((e) => console.log("rejected " + e.name));
  `;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.equal(
    new TextDecoder().decode(output.stdout).trim(),
    "rejected AbortError",
  );
});

Deno.test("AtomicMutex.from() rebuilds the mutex from a cloned handle", () => {
  const mutex = new AtomicMutex();
  const copy = AtomicMutex.from(structuredClone(mutex.handle));
  const lock = copy.tryLock()!;
  assert.equal(mutex.isLocked, true);
  assert.equal(mutex.tryLock(), undefined);
  mutex.unlock();
  assert.equal(lock.owned, false);
  assert.equal(copy.isLocked, false);
});

Deno.test("AtomicMutex.from() rejects what is not an AtomicMutex handle", () => {
  const bad: unknown[] = [
    null,
    42,
    {},
    { kind: "AtomicMutex" },
    { kind: "AtomicMutex", buffer: new ArrayBuffer(64) },
    { kind: "AtomicMutex", buffer: new SharedArrayBuffer(64) },
    { kind: "AtomicMutex", buffer: new AtomicSemaphore(1).handle.buffer },
    new AtomicSemaphore(1).handle,
  ];
  for (const handle of bad) {
    assert.throws(
      () => AtomicMutex.from(handle as never),
      (e) =>
        e instanceof TypeError &&
        e.message.startsWith("Cannot create AtomicMutex from handle: "),
      `accepted ${Deno.inspect(handle)}`,
    );
  }
});

Deno.test("AtomicMutex never has two holders, and every waiter that is not aborted gets it", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          abortAfter: fc.option(fc.integer({ min: 0, max: 3 })),
          hold: fc.integer({ min: 0, max: 3 }),
        }),
        { minLength: 1, maxLength: 8 },
      ),
      async (plans) => {
        const mutex = new AtomicMutex();
        let holders = 0;
        let acquired = 0;
        let aborted = 0;
        const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
        await Promise.all(plans.map(async ({ abortAfter, hold }) => {
          const controller = new AbortController();
          if (abortAfter !== null) {
            (async () => {
              for (let i = 0; i < abortAfter; i++) await tick();
              controller.abort();
            })();
          }
          let lock;
          try {
            lock = await mutex.lock({ signal: controller.signal });
          } catch {
            aborted++;
            return;
          }
          holders++;
          assert.equal(holders, 1);
          acquired++;
          for (let i = 0; i < hold; i++) await tick();
          holders--;
          lock.unlock();
        }));
        // Let pending abort timers run out before the next run.
        for (let i = 0; i < 4; i++) await tick();
        assert.equal(acquired + aborted, plans.length);
        assert.ok(
          acquired >= plans.filter((p) => p.abortAfter === null).length,
        );
        assert.equal(mutex.isLocked, false);
      },
    ),
    { numRuns: 40 },
  );
});
