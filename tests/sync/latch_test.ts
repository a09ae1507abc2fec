// Copyright 2026 the coro authors. Apache-2.0 license.
import assert from "node:assert/strict";
import fc from "fast-check";
import { Latch } from "../../sync/latch.ts";

Deno.test("Latch resumes waiters in arrival order once the count reaches zero", async () => {
  const latch = new Latch(3);
  const order: string[] = [];
  const waits = ["a", "b"].map(async (name) => {
    await latch.wait();
    order.push(name);
  });
  latch.countDown();
  latch.countDown();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(order, []);
  assert.equal(latch.remaining, 1);
  assert.equal(latch.isReady, false);
  latch.countDown();
  await Promise.all(waits);
  assert.deepEqual(order, ["a", "b"]);
  assert.equal(latch.isReady, true);
});

Deno.test("Latch.countDown(n) lowers the count by n", async () => {
  const latch = new Latch(5);
  latch.countDown(3);
  assert.equal(latch.remaining, 2);
  latch.countDown(0);
  assert.equal(latch.remaining, 2);
  latch.countDown(2);
  assert.equal(latch.remaining, 0);
  await latch;
});

Deno.test("Latch(0) is ready at once and is awaitable", async () => {
  const latch = new Latch(0);
  assert.equal(latch.isReady, true);
  await latch;
  await latch.wait();
  assert.equal(await latch.then(() => "ok"), "ok");
});

Deno.test("Latch rejects a bad count", () => {
  assert.throws(() => new Latch(-1), {
    name: "RangeError",
    message:
      "Cannot create latch: count must be a non-negative integer, got -1",
  });
  assert.throws(() => new Latch(1.5), RangeError);
  assert.throws(() => new Latch(NaN), RangeError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => new Latch("3" as any), {
    name: "TypeError",
    message: 'Cannot create latch: count must be a number, got the string "3"',
  });
});

Deno.test("Latch.countDown() below zero or by a bad n throws and changes nothing", () => {
  const latch = new Latch(2);
  assert.throws(() => latch.countDown(3), {
    name: "RangeError",
    message: "Cannot count down latch by 3: only 2 remaining",
  });
  assert.throws(() => latch.countDown(-1), {
    name: "RangeError",
    message:
      "Cannot count down latch: n must be a non-negative integer, got -1",
  });
  assert.throws(() => latch.countDown(0.5), RangeError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => latch.countDown("1" as any), TypeError);
  assert.equal(latch.remaining, 2);
  latch.countDown(2);
  assert.throws(() => latch.countDown(), RangeError);
  assert.equal(latch.remaining, 0);
});

Deno.test("Latch.wait() with an aborted signal rejects with its reason", async () => {
  const latch = new Latch(1);
  await assert.rejects(
    latch.wait({ signal: AbortSignal.abort("r") }),
    (e) => e === "r",
  );
  latch.countDown();
  await assert.rejects(
    latch.wait({ signal: AbortSignal.abort("r") }),
    (e) => e === "r",
  );
});

Deno.test("Latch.wait() aborted while waiting leaves the queue and consumes nothing", async () => {
  const latch = new Latch(1);
  const controller = new AbortController();
  const aborted = latch.wait({ signal: controller.signal });
  const other = latch.wait();
  controller.abort("x");
  await assert.rejects(aborted, (e) => e === "x");
  assert.equal(latch.remaining, 1);
  latch.countDown();
  await other;
});

Deno.test("Latch.wait() with AbortSignal.timeout() rejects with a TimeoutError", async () => {
  const latch = new Latch(1);
  await assert.rejects(latch.wait({ signal: AbortSignal.timeout(5) }), {
    name: "TimeoutError",
  });
});

Deno.test("Latch property: waiters resume only after the last count-down, aborts leave no trace", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 5 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
      async (s, steps, aborts) => {
        const total = steps.reduce((a, b) => a + b, 0);
        const latch = new Latch(total);
        let counted = 0;
        const resumed: number[] = [];
        const rejected: number[] = [];
        const waiters = aborts.map(async (abort, i) => {
          await s.schedule(Promise.resolve(), `wait ${i}`);
          const controller = new AbortController();
          if (abort) {
            s.schedule(Promise.resolve(), `abort ${i}`).then(() =>
              controller.abort(i)
            );
          }
          try {
            await latch.wait({ signal: controller.signal });
            assert.equal(counted, total, "resumed before the count hit zero");
            resumed.push(i);
          } catch (e) {
            assert.equal(e, i);
            rejected.push(i);
          }
        });
        const counters = steps.map(async (n, i) => {
          await s.schedule(Promise.resolve(), `count ${i}`);
          latch.countDown(n);
          counted += n;
          assert.equal(latch.remaining, total - counted);
        });
        await s.waitFor(Promise.all([...waiters, ...counters]));
        assert.equal(latch.isReady, true);
        assert.equal(resumed.length + rejected.length, aborts.length);
        for (const i of rejected) assert.ok(aborts[i]);
      },
    ),
    { numRuns: 1000 },
  );
});
