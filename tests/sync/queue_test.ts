// Copyright 2026 the coro authors. Apache-2.0 license.
import assert from "node:assert/strict";
// deno-lint-ignore no-import-prefix
import fc from "npm:fast-check@^4";
import { Queue } from "../../sync/queue.ts";

/** Runs the scheduler until nothing is scheduled and microtasks settle. */
async function drive(s: fc.Scheduler): Promise<void> {
  do {
    await s.waitAll();
    for (let i = 0; i < 20; i++) await Promise.resolve();
  } while (s.count() > 0);
}

Deno.test("Queue.push() queues items and pop() returns them in FIFO order", async () => {
  const queue = new Queue<number>();
  assert.equal(queue.isEmpty, true);
  for (let i = 0; i < 5; i++) assert.equal(queue.push(i), "produced");
  assert.equal(queue.size, 5);
  assert.equal(queue.isEmpty, false);
  for (let i = 0; i < 5; i++) {
    assert.deepEqual(await queue.pop(), { status: "ok", value: i });
  }
  assert.deepEqual(queue.tryPop(), { status: "empty" });
});

Deno.test("Queue.push() hands an item straight to the longest waiting consumer", async () => {
  const queue = new Queue<string>();
  const first = queue.pop();
  const second = queue.pop();
  assert.equal(queue.waitingConsumers, 2);
  queue.push("a");
  queue.push("b");
  assert.equal(queue.size, 0);
  assert.equal(queue.waitingConsumers, 0);
  assert.deepEqual(await first, { status: "ok", value: "a" });
  assert.deepEqual(await second, { status: "ok", value: "b" });
});

Deno.test("Queue keeps FIFO order with a backlog of 200,000 items", () => {
  const queue = new Queue<number>();
  const n = 200_000;
  for (let i = 0; i < n; i++) queue.push(i);
  assert.equal(queue.size, n);
  for (let i = 0; i < n; i++) {
    const r = queue.tryPop();
    assert.ok(r.status === "ok" && r.value === i);
  }
  assert.equal(queue.isEmpty, true);
});

Deno.test("Queue.pop() with an aborted signal rejects even when an item is queued", async () => {
  const queue = new Queue<number>();
  queue.push(1);
  const reason = new Error("no");
  await assert.rejects(
    queue.pop({ signal: AbortSignal.abort(reason) }),
    (error) => error === reason,
  );
  assert.equal(queue.size, 1);
});

Deno.test("Queue.pop() aborted while waiting never takes an item", async () => {
  const queue = new Queue<number>();
  const controller = new AbortController();
  const aborted = queue.pop({ signal: controller.signal });
  const kept = queue.pop();
  controller.abort(new Error("cancel"));
  await assert.rejects(aborted, { message: "cancel" });
  assert.equal(queue.waitingConsumers, 1);
  queue.push(9);
  assert.deepEqual(await kept, { status: "ok", value: 9 });
  await assert.rejects(
    queue.pop({ signal: AbortSignal.timeout(5) }),
    { name: "TimeoutError" },
  );
  assert.equal(queue.waitingConsumers, 0);
});

Deno.test("Queue.pop() settled by push is not undone by a later abort", async () => {
  const queue = new Queue<number>();
  const controller = new AbortController();
  const pending = queue.pop({ signal: controller.signal });
  queue.push(1);
  controller.abort();
  assert.deepEqual(await pending, { status: "ok", value: 1 });
});

Deno.test("Queue.shutdown() stops consumers now and returns the items left", async () => {
  const queue = new Queue<number>();
  const waiting = [queue.pop(), queue.pop()];
  queue.shutdown();
  assert.deepEqual(await Promise.all(waiting), [
    { status: "stopped" },
    { status: "stopped" },
  ]);

  const full = new Queue<number>();
  full.push(1);
  full.push(2);
  assert.deepEqual(full.shutdown(), [1, 2]);
  assert.equal(full.state, "stopped");
  assert.equal(full.size, 0);
  assert.equal(full.push(3), "stopped");
  assert.deepEqual(await full.pop(), { status: "stopped" });
  assert.deepEqual(full.tryPop(), { status: "stopped" });
  assert.deepEqual(full.shutdown(), []);
  await full.shutdownDrain();
});

Deno.test("Queue.shutdownDrain() refuses new items and lets consumers drain", async () => {
  const queue = new Queue<number>();
  queue.push(1);
  queue.push(2);
  let drainedAt = -1;
  const drained = queue.shutdownDrain().then(() => drainedAt = queue.size);
  assert.equal(queue.state, "draining");
  assert.equal(queue.push(3), "stopped");
  assert.deepEqual(queue.tryPop(), { status: "ok", value: 1 });
  assert.equal(queue.state, "draining");
  assert.deepEqual(await queue.pop(), { status: "ok", value: 2 });
  assert.equal(queue.state, "stopped");
  await drained;
  assert.equal(drainedAt, 0);
  assert.deepEqual(await queue.pop(), { status: "stopped" });
});

Deno.test("Queue.shutdownDrain() on an empty queue stops at once and wakes consumers", async () => {
  const queue = new Queue<number>();
  const waiting = queue.pop();
  await queue.shutdownDrain();
  assert.deepEqual(await waiting, { status: "stopped" });
});

Deno.test("Queue.shutdownDrain() can stop waiting on a signal, and shutdown() ends the drain", async () => {
  const queue = new Queue<number>();
  queue.push(1);
  await assert.rejects(
    queue.shutdownDrain({ signal: AbortSignal.abort(new Error("x")) }),
    { message: "x" },
  );
  assert.equal(queue.state, "running");
  const controller = new AbortController();
  const gaveUp = queue.shutdownDrain({ signal: controller.signal });
  const other = queue.shutdownDrain();
  controller.abort(new Error("too slow"));
  await assert.rejects(gaveUp, { message: "too slow" });
  assert.equal(queue.state, "draining");
  assert.deepEqual(queue.shutdown(), [1]);
  await other;
});

Deno.test("Queue is async-iterable and the loop ends at shutdown", async () => {
  const queue = new Queue<number>();
  const seen: number[] = [];
  const consumer = (async () => {
    for await (const value of queue) seen.push(value);
  })();
  for (let i = 0; i < 5; i++) {
    queue.push(i);
    await Promise.resolve();
  }
  queue.push(5);
  queue.push(6);
  await queue.shutdownDrain();
  await consumer;
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6]);
});

Deno.test("Queue.values() breaking out early leaves the rest for others", async () => {
  const queue = new Queue<number>();
  for (let i = 0; i < 3; i++) queue.push(i);
  const iterator = queue.values();
  for await (const value of iterator) {
    assert.equal(value, 0);
    break;
  }
  assert.deepEqual(await iterator.next(), { done: true, value: undefined });
  assert.equal(queue.size, 2);
});

Deno.test("Queue.values() with a signal rejects without taking an item", async () => {
  const queue = new Queue<number>();
  const controller = new AbortController();
  const step = queue.values({ signal: controller.signal }).next();
  controller.abort(new Error("stop"));
  await assert.rejects(step, { message: "stop" });
  queue.push(1);
  assert.equal(queue.size, 1);
  assert.equal(queue.waitingConsumers, 0);
});

Deno.test("Queue.values() return() while a step waits makes that step done, taking no item", async () => {
  const rb = new Queue<number>();
  const iterator = rb.values();
  const step = iterator.next();
  assert.equal(rb.waitingConsumers, 1);
  assert.deepEqual(await iterator.return!(), { done: true, value: undefined });
  assert.equal(rb.waitingConsumers, 0);
  assert.deepEqual(await step, { done: true, value: undefined });
  rb.push(1);
  assert.equal(rb.size, 1);
  assert.deepEqual(await iterator.next(), { done: true, value: undefined });
});

interface Plan {
  producers: number[];
  consumers: { abortEvery: number; tryEvery: number; iterate: boolean }[];
  stopMode: "drain" | "shutdown" | "drainEarly";
  stopAfter: number;
}

const planArb: fc.Arbitrary<Plan> = fc.record({
  producers: fc.array(fc.integer({ min: 0, max: 6 }), {
    minLength: 1,
    maxLength: 3,
  }),
  consumers: fc.array(
    fc.record({
      abortEvery: fc.integer({ min: 0, max: 4 }),
      tryEvery: fc.integer({ min: 0, max: 3 }),
      iterate: fc.boolean(),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  stopMode: fc.constantFrom("drain", "shutdown", "drainEarly"),
  stopAfter: fc.integer({ min: 0, max: 20 }),
});

Deno.test("Queue delivers every accepted item exactly once, in order per producer, under any interleaving", async () => {
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), planArb, async (s, plan) => {
      const queue = new Queue<[number, number]>();
      const tick = (): Promise<void> => s.schedule(Promise.resolve());
      const accepted = new Set<string>();
      const log: [number, number, number][] = [];
      const dropped: [number, number][] = [];
      let finished = 0;
      let drainDone = false;
      let steps = 0;
      let stopped = false;

      const step = (): void => {
        if (++steps === plan.stopAfter && plan.stopMode !== "drain") {
          stopped = true;
          if (plan.stopMode === "shutdown") dropped.push(...queue.shutdown());
          else queue.shutdownDrain().then(() => drainDone = true);
        }
      };

      const producer = async (p: number, count: number) => {
        for (let i = 0; i < count; i++) {
          await tick();
          if (queue.push([p, i]) === "produced") accepted.add(`${p}:${i}`);
          else assert.ok(stopped);
          step();
        }
      };

      const consumer = async (
        c: number,
        { abortEvery, tryEvery, iterate }: Plan["consumers"][number],
      ) => {
        if (iterate) {
          await tick();
          for await (const [p, i] of queue) {
            log.push([c, p, i]);
            step();
            await tick();
          }
          return;
        }
        for (let n = 1;; n++) {
          await tick();
          if (tryEvery > 0 && n % tryEvery === 0) {
            const r = queue.tryPop();
            step();
            if (r.status === "stopped") return;
            if (r.status === "ok") log.push([c, r.value[0], r.value[1]]);
            continue;
          }
          const abort = abortEvery > 0 && n % abortEvery === 0;
          const controller = new AbortController();
          if (abort) tick().then(() => controller.abort(new Error("abort")));
          try {
            const r = await queue.pop(
              abort ? { signal: controller.signal } : undefined,
            );
            step();
            if (r.status === "stopped") return;
            log.push([c, r.value[0], r.value[1]]);
          } catch (error) {
            assert.equal((error as Error).message, "abort");
            step();
          }
        }
      };

      const producers = Promise.all(
        plan.producers.map((n, p) => producer(p, n)),
      );
      const everyone = Promise.all([
        producers.then(() => queue.shutdownDrain()).then(() =>
          drainDone = true
        ),
        ...plan.consumers.map((c, i) => consumer(i, c)),
      ]).then(() => finished++);
      everyone.catch(() => {});
      await drive(s);
      assert.equal(finished, 1, "a producer or consumer never finished");
      await everyone;

      assert.equal(queue.state, "stopped");
      assert.equal(drainDone, true);
      assert.equal(queue.size, 0);
      assert.equal(queue.waitingConsumers, 0);

      const out = [
        ...log.map(([, p, i]) => `${p}:${i}`),
        ...dropped.map(([p, i]) => `${p}:${i}`),
      ];
      assert.equal(new Set(out).size, out.length, "an item came out twice");
      assert.deepEqual(new Set(out), accepted);

      const last = new Map<number, number>();
      for (const [, p, i] of log) {
        assert.ok((last.get(p) ?? -1) < i, `producer ${p} out of order`);
        last.set(p, i);
      }
      for (const [p, i] of dropped) {
        assert.ok((last.get(p) ?? -1) < i, `dropped ${p} out of order`);
        last.set(p, i);
      }
    }),
    { numRuns: 1000 },
  );
});
