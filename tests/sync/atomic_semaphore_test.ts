// Copyright 2026 the coro authors. Apache-2.0 license.

import assert from "node:assert/strict";
import fc from "fast-check";
import { AtomicSemaphore } from "../../sync/atomic_semaphore.ts";
import { AtomicMutex } from "../../sync/atomic_mutex.ts";
import { startWorkers } from "./testdata/atomic_workers.ts";

Deno.test("AtomicSemaphore permits never exceed max across 4 workers", async () => {
  const workers = await startWorkers(4);
  try {
    const max = 3;
    const semaphore = new AtomicSemaphore(max);
    // [0]: holders right now, [1]: the most ever seen at once.
    const gauge = new SharedArrayBuffer(8);
    await Promise.all(
      workers.map((w) =>
        w.run({
          op: "semaphore",
          semaphore: semaphore.handle,
          gauge,
          rounds: 3_000,
          tasks: 2,
        })
      ),
    );
    const view = new Int32Array(gauge);
    assert.equal(view[0], 0);
    assert.ok(view[1]! <= max, `peak ${view[1]} over max ${max}`);
    assert.ok(view[1]! >= 1);
    assert.equal(semaphore.value, max);
  } finally {
    for (const w of workers) w[Symbol.dispose]();
  }
});

Deno.test("AtomicSemaphore with one permit excludes workers like a mutex", async () => {
  const workers = await startWorkers(3);
  try {
    const semaphore = new AtomicSemaphore(1);
    const gauge = new SharedArrayBuffer(8);
    await Promise.all(
      workers.map((w) =>
        w.run({
          op: "semaphore",
          semaphore: semaphore.handle,
          gauge,
          rounds: 2_000,
          tasks: 2,
        })
      ),
    );
    assert.equal(new Int32Array(gauge)[1], 1);
    assert.equal(semaphore.value, 1);
  } finally {
    for (const w of workers) w[Symbol.dispose]();
  }
});

Deno.test("AtomicSemaphore constructor validates max and initial", () => {
  assert.throws(() => new AtomicSemaphore("2" as never), TypeError);
  assert.throws(() => new AtomicSemaphore(0), {
    name: "RangeError",
    message:
      "Cannot create semaphore: max must be a positive integer up to 1073741823, got 0",
  });
  assert.throws(() => new AtomicSemaphore(2 ** 30), RangeError);
  assert.throws(() => new AtomicSemaphore(1.5), RangeError);
  assert.throws(() => new AtomicSemaphore(2, { initial: 3 }), RangeError);
  assert.throws(() => new AtomicSemaphore(2, { initial: -1 }), RangeError);
  assert.throws(
    () => new AtomicSemaphore(2, { initial: "1" as never }),
    TypeError,
  );
  const semaphore = new AtomicSemaphore(5, { initial: 2 });
  assert.equal(semaphore.max, 5);
  assert.equal(semaphore.value, 2);
});

Deno.test("AtomicSemaphore.release() over max throws RangeError and changes nothing", () => {
  const semaphore = new AtomicSemaphore(2);
  assert.throws(() => semaphore.release(), {
    name: "RangeError",
    message:
      "Cannot release semaphore: all 2 permits are already free, expected a release only after an acquire",
  });
  assert.equal(semaphore.value, 2);
});

Deno.test("AtomicSemaphore.tryAcquire() takes free permits only", () => {
  const semaphore = new AtomicSemaphore(2);
  assert.equal(semaphore.tryAcquire(), true);
  assert.equal(semaphore.tryAcquire(), true);
  assert.equal(semaphore.tryAcquire(), false);
  assert.equal(semaphore.value, 0);
  semaphore.release();
  assert.equal(semaphore.value, 1);
});

Deno.test("AtomicSemaphore.acquire() waits for a release", async () => {
  const semaphore = new AtomicSemaphore(1, { initial: 0 });
  let done = false;
  const pending = semaphore.acquire().then((r) => {
    done = true;
    return r;
  });
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(done, false);
  semaphore.release();
  assert.equal(await pending, "acquired");
  assert.equal(semaphore.value, 0);
});

Deno.test("AtomicSemaphore.shutdown() resolves waiters and later acquires with shutdown", async () => {
  const semaphore = new AtomicSemaphore(2, { initial: 0 });
  const waiters = [semaphore.acquire(), semaphore.acquire()];
  await new Promise((resolve) => setTimeout(resolve, 5));
  semaphore.shutdown();
  semaphore.shutdown();
  assert.deepEqual(await Promise.all(waiters), ["shutdown", "shutdown"]);
  assert.equal(semaphore.isShutdown, true);
  semaphore.release();
  assert.equal(await semaphore.acquire(), "shutdown");
  assert.equal(semaphore.tryAcquire(), false);
});

Deno.test("AtomicSemaphore.acquire() aborted while waiting rejects at once and does not take a permit", async () => {
  const semaphore = new AtomicSemaphore(1, { initial: 0 });
  const controller = new AbortController();
  const aborted = semaphore.acquire({ signal: controller.signal });
  const live = semaphore.acquire();
  await new Promise((resolve) => setTimeout(resolve, 5));
  controller.abort("gone");
  await assert.rejects(aborted, (e) => e === "gone");
  semaphore.release();
  assert.equal(await live, "acquired");
  assert.equal(semaphore.value, 0);
  semaphore.release();
  assert.equal(semaphore.value, 1);
  await assert.rejects(
    semaphore.acquire({ signal: AbortSignal.abort("early") }),
    (e) => e === "early",
  );
  assert.equal(semaphore.value, 1);
});

Deno.test("AtomicSemaphore.from() shares permits and rejects other handles", () => {
  const semaphore = new AtomicSemaphore(3);
  const copy = AtomicSemaphore.from(structuredClone(semaphore.handle));
  assert.equal(copy.max, 3);
  assert.equal(copy.tryAcquire(), true);
  assert.equal(semaphore.value, 2);
  for (
    const bad of [
      undefined,
      { kind: "AtomicSemaphore" },
      new AtomicMutex().handle,
    ]
  ) {
    assert.throws(() => AtomicSemaphore.from(bad as never), TypeError);
  }
});

Deno.test("AtomicSemaphore never lends more than max permits, whatever the interleaving", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 3 }),
      fc.array(
        fc.record({
          abort: fc.boolean(),
          hold: fc.integer({ min: 0, max: 2 }),
        }),
        { minLength: 1, maxLength: 8 },
      ),
      async (max, plans) => {
        const semaphore = new AtomicSemaphore(max);
        let inside = 0;
        let served = 0;
        const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
        await Promise.all(plans.map(async ({ abort, hold }) => {
          const signal = abort ? AbortSignal.abort() : undefined;
          try {
            assert.equal(
              await semaphore.acquire(signal ? { signal } : {}),
              "acquired",
            );
          } catch {
            return;
          }
          inside++;
          assert.ok(inside <= max);
          served++;
          for (let i = 0; i < hold; i++) await tick();
          inside--;
          semaphore.release();
        }));
        assert.equal(served, plans.filter((p) => !p.abort).length);
        assert.equal(semaphore.value, max);
      },
    ),
    { numRuns: 40 },
  );
});
