// Copyright 2026 the coro authors. Apache-2.0 license.
import assert from "node:assert/strict";
import fc from "fast-check";
import { Queue } from "../../sync/queue.ts";
import {
  assertAbortedTakeTakesNothing,
  assertBreakLeavesRest,
  assertDeliveredOnceInOrder,
  assertDrainSignalThenShutdown,
  assertReturnEndsWaitingStep,
  assertValuesSignalTakesNothing,
  consume,
  runToEnd,
} from "./_helpers.ts";

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
  await assertAbortedTakeTakesNothing(
    queue,
    { tryTake: () => queue.tryPop(), take: (options) => queue.pop(options) },
    (value) => queue.push(value),
  );
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
  await assertDrainSignalThenShutdown(queue);
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
  await assertBreakLeavesRest(queue, (value) => queue.push(value));
});

Deno.test("Queue.values() with a signal rejects without taking an item", async () => {
  const queue = new Queue<number>();
  await assertValuesSignalTakesNothing(queue, (value) => queue.push(value));
  assert.equal(queue.waitingConsumers, 0);
});

Deno.test("Queue.values() return() while a step waits makes that step done, taking no item", async () => {
  const queue = new Queue<number>();
  await assertReturnEndsWaitingStep(queue, (value) => queue.push(value));
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

      const side = {
        tryTake: () => queue.tryPop(),
        take: (options?: { signal?: AbortSignal }) => queue.pop(options),
      };
      const consumer = async (c: number, plan: Plan["consumers"][number]) => {
        if (plan.iterate) {
          await tick();
          for await (const [p, i] of queue) {
            log.push([c, p, i]);
            step();
            await tick();
          }
          return;
        }
        await consume(c, plan, side, { tick, step, log });
      };

      const producers = Promise.all(
        plan.producers.map((n, p) => producer(p, n)),
      );
      await runToEnd(
        s,
        producers,
        plan.consumers.map((c, i) => consumer(i, c)),
        {
          drain: () => queue.shutdownDrain(),
          onDrained: () => drainDone = true,
        },
      );

      assert.equal(queue.state, "stopped");
      assert.equal(drainDone, true);
      assert.equal(queue.size, 0);
      assert.equal(queue.waitingConsumers, 0);

      assertDeliveredOnceInOrder(log, dropped, accepted);
    }),
    { numRuns: 1000 },
  );
});
