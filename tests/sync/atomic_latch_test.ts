// Copyright 2026 the coro authors. Apache-2.0 license.

import assert from "node:assert/strict";
import { AtomicLatch } from "../../sync/atomic_latch.ts";
import { startWorkers } from "./testdata/atomic_workers.ts";

Deno.test("AtomicLatch counted down from 3 workers releases the main thread", async () => {
  const workers = await startWorkers(3);
  try {
    const latch = new AtomicLatch(3 * 100);
    const waiting = latch.wait();
    const jobs = workers.map((w) =>
      w.run({ op: "latch", latch: latch.handle, times: 100 })
    );
    await waiting;
    assert.equal(latch.remaining, 0);
    assert.equal(latch.isReady, true);
    await Promise.all(jobs);
  } finally {
    for (const w of workers) w[Symbol.dispose]();
  }
});

Deno.test("AtomicLatch counted down on the main thread releases waiting workers", async () => {
  const workers = await startWorkers(2);
  try {
    const latch = new AtomicLatch(2);
    const jobs = workers.map((w) =>
      w.run<string>({ op: "latch-wait", latch: latch.handle })
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    latch.countDown();
    latch.countDown();
    assert.deepEqual(await Promise.all(jobs), ["released", "released"]);
  } finally {
    for (const w of workers) w[Symbol.dispose]();
  }
});

Deno.test("AtomicLatch.countDown() checks its argument and never goes below zero", () => {
  const latch = new AtomicLatch(2);
  assert.throws(() => latch.countDown("1" as never), TypeError);
  assert.throws(() => latch.countDown(-1), RangeError);
  assert.throws(() => latch.countDown(0.5), RangeError);
  assert.throws(() => latch.countDown(3), {
    name: "RangeError",
    message: "Cannot count down latch by 3: only 2 remaining",
  });
  assert.equal(latch.remaining, 2);
  latch.countDown(0);
  latch.countDown(2);
  assert.equal(latch.isReady, true);
  assert.throws(() => latch.countDown(), RangeError);
});

Deno.test("AtomicLatch constructor validates the count", () => {
  assert.throws(() => new AtomicLatch("1" as never), TypeError);
  assert.throws(() => new AtomicLatch(-1), RangeError);
  assert.throws(() => new AtomicLatch(2 ** 31), RangeError);
  assert.equal(new AtomicLatch(0).isReady, true);
});

Deno.test("AtomicLatch.wait() resolves for every waiter and at once when ready", async () => {
  const latch = new AtomicLatch(1);
  const waiters = [latch.wait(), latch.wait(), latch.wait()];
  await new Promise((resolve) => setTimeout(resolve, 5));
  latch.countDown();
  await Promise.all(waiters);
  await latch.wait();
  await latch;
});

Deno.test("AtomicLatch.wait() aborted rejects with the reason; others still resume", async () => {
  const latch = new AtomicLatch(1);
  const controller = new AbortController();
  const aborted = latch.wait({ signal: controller.signal });
  const live = latch.wait();
  await new Promise((resolve) => setTimeout(resolve, 5));
  controller.abort("gone");
  await assert.rejects(aborted, (e) => e === "gone");
  latch.countDown();
  await live;
  await assert.rejects(
    latch.wait({ signal: AbortSignal.abort("early") }),
    (e) => e === "early",
  );
});

Deno.test("AtomicLatch.from() shares the count and rejects other handles", () => {
  const latch = new AtomicLatch(2);
  AtomicLatch.from(structuredClone(latch.handle)).countDown();
  assert.equal(latch.remaining, 1);
  assert.throws(
    () =>
      AtomicLatch.from(
        { kind: "AtomicEvent", buffer: latch.handle.buffer } as never,
      ),
    TypeError,
  );
});
