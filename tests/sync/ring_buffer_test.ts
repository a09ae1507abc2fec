// Copyright 2026 the coro authors. Apache-2.0 license.
import assert from "node:assert/strict";
import fc from "fast-check";
import { RingBuffer } from "../../sync/ring_buffer.ts";
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

Deno.test("new RingBuffer() rejects a capacity that is not a positive integer", () => {
  assert.throws(() => new RingBuffer(0), {
    name: "RangeError",
    message:
      "Cannot create ring buffer: capacity must be a positive integer, got 0",
  });
  assert.throws(() => new RingBuffer(-3), RangeError);
  assert.throws(() => new RingBuffer(2.5), RangeError);
  assert.throws(() => new RingBuffer(Infinity), RangeError);
  assert.throws(() => new RingBuffer("4" as unknown as number), {
    name: "TypeError",
    message:
      'Cannot create ring buffer: capacity must be a number, got the string "4"',
  });
});

Deno.test("RingBuffer reports size, isEmpty, isFull and capacity", () => {
  const rb = new RingBuffer<number>(2);
  assert.equal(rb.capacity, 2);
  assert.equal(rb.isEmpty, true);
  assert.equal(rb.tryProduce(1), "produced");
  assert.equal(rb.size, 1);
  assert.equal(rb.isEmpty, false);
  assert.equal(rb.isFull, false);
  assert.equal(rb.tryProduce(2), "produced");
  assert.equal(rb.isFull, true);
  assert.equal(rb.tryProduce(3), "full");
  assert.equal(rb.size, 2);
  assert.deepEqual(rb.tryConsume(), { status: "ok", value: 1 });
  assert.deepEqual(rb.tryConsume(), { status: "ok", value: 2 });
  assert.deepEqual(rb.tryConsume(), { status: "empty" });
});

Deno.test("RingBuffer keeps FIFO order across wrap-around", async () => {
  const rb = new RingBuffer<number>(3);
  const out: number[] = [];
  for (let i = 0; i < 10; i++) {
    assert.equal(await rb.produce(i), "produced");
    if (rb.isFull) {
      const r = await rb.consume();
      assert.equal(r.status, "ok");
      if (r.status === "ok") out.push(r.value);
    }
  }
  while (!rb.isEmpty) {
    const r = rb.tryConsume();
    if (r.status === "ok") out.push(r.value);
  }
  assert.deepEqual(out, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

Deno.test("RingBuffer.produce() hands an item straight to a waiting consumer", async () => {
  const rb = new RingBuffer<string>(1);
  const first = rb.consume();
  const second = rb.consume();
  assert.equal(rb.waitingConsumers, 2);
  assert.equal(rb.tryProduce("a"), "produced");
  assert.equal(await rb.produce("b"), "produced");
  assert.equal(rb.size, 0);
  assert.deepEqual(await first, { status: "ok", value: "a" });
  assert.deepEqual(await second, { status: "ok", value: "b" });
});

Deno.test("RingBuffer.produce() waits while full and resumes producers in FIFO order", async () => {
  const rb = new RingBuffer<number>(1);
  await rb.produce(0);
  const waiting = [1, 2, 3].map((i) => rb.produce(i));
  assert.equal(rb.waitingProducers, 3);
  const out: number[] = [];
  for (let i = 0; i < 4; i++) {
    const r = await rb.consume();
    assert.equal(r.status, "ok");
    if (r.status === "ok") out.push(r.value);
    // The freed slot was refilled from the first waiting producer.
    assert.equal(rb.size, i < 3 ? 1 : 0);
  }
  assert.deepEqual(await Promise.all(waiting), [
    "produced",
    "produced",
    "produced",
  ]);
  assert.deepEqual(out, [0, 1, 2, 3]);
});

Deno.test("RingBuffer waits with an aborted signal reject at once and change nothing", async () => {
  const rb = new RingBuffer<number>(2);
  rb.tryProduce(1);
  const signal = AbortSignal.abort(new Error("no"));
  await assert.rejects(rb.produce(2, { signal }), { message: "no" });
  await assert.rejects(rb.consume({ signal }), { message: "no" });
  await assert.rejects(rb.shutdownDrain({ signal }), { message: "no" });
  assert.equal(rb.size, 1);
  assert.equal(rb.state, "running");
});

Deno.test("RingBuffer.produce() aborted while waiting never inserts its item", async () => {
  const rb = new RingBuffer<number>(1);
  rb.tryProduce(1);
  const controller = new AbortController();
  const aborted = rb.produce(2, { signal: controller.signal });
  const kept = rb.produce(3);
  controller.abort(new Error("cancel"));
  await assert.rejects(aborted, { message: "cancel" });
  assert.equal(rb.waitingProducers, 1);
  assert.deepEqual(await rb.consume(), { status: "ok", value: 1 });
  assert.equal(await kept, "produced");
  assert.deepEqual(await rb.consume(), { status: "ok", value: 3 });
  assert.equal(rb.isEmpty, true);
});

Deno.test("RingBuffer.consume() aborted while waiting never takes an item", async () => {
  const rb = new RingBuffer<number>(1);
  await assertAbortedTakeTakesNothing(
    rb,
    { tryTake: () => rb.tryConsume(), take: (options) => rb.consume(options) },
    (value) => rb.tryProduce(value),
  );
});

Deno.test("RingBuffer.shutdown() stops everyone now and returns the items left", async () => {
  const rb = new RingBuffer<number>(2);
  await rb.produce(1);
  await rb.produce(2);
  const blocked = rb.produce(3);
  assert.deepEqual(rb.shutdown(), [1, 2]);
  assert.equal(await blocked, "stopped");
  assert.equal(rb.state, "stopped");
  assert.equal(rb.size, 0);
  assert.equal(await rb.produce(4), "stopped");
  assert.equal(rb.tryProduce(4), "stopped");
  assert.deepEqual(await rb.consume(), { status: "stopped" });
  assert.deepEqual(rb.tryConsume(), { status: "stopped" });
  assert.deepEqual(rb.shutdown(), []);
  await rb.shutdownDrain();

  const empty = new RingBuffer<number>(1);
  const consumers = [empty.consume(), empty.consume()];
  empty.shutdown();
  assert.deepEqual(await Promise.all(consumers), [
    { status: "stopped" },
    { status: "stopped" },
  ]);
});

Deno.test("RingBuffer.shutdownDrain() stops waiting producers and lets consumers drain", async () => {
  const rb = new RingBuffer<number>(2);
  await rb.produce(1);
  await rb.produce(2);
  const blocked = rb.produce(3);
  let drainedAt = -1;
  const drained = rb.shutdownDrain().then(() => drainedAt = rb.size);
  assert.equal(await blocked, "stopped");
  assert.equal(rb.state, "draining");
  assert.equal(await rb.produce(4), "stopped");
  assert.deepEqual(await rb.consume(), { status: "ok", value: 1 });
  assert.equal(rb.state, "draining");
  assert.deepEqual(rb.tryConsume(), { status: "ok", value: 2 });
  assert.equal(rb.state, "stopped");
  await drained;
  assert.equal(drainedAt, 0);
  assert.deepEqual(await rb.consume(), { status: "stopped" });
});

Deno.test("RingBuffer.shutdownDrain() on an empty buffer stops at once and wakes consumers", async () => {
  const rb = new RingBuffer<number>(2);
  const waiting = rb.consume();
  await rb.shutdownDrain();
  assert.deepEqual(await waiting, { status: "stopped" });
  assert.equal(rb.state, "stopped");
});

Deno.test("RingBuffer.shutdownDrain() can stop waiting on a signal, and shutdown() ends the drain", async () => {
  const rb = new RingBuffer<number>(2);
  rb.tryProduce(1);
  await assertDrainSignalThenShutdown(rb);
});

Deno.test("RingBuffer is async-iterable and the loop ends at shutdown", async () => {
  const rb = new RingBuffer<number>(2);
  const seen: number[] = [];
  const consumer = (async () => {
    for await (const value of rb) seen.push(value);
  })();
  for (let i = 0; i < 5; i++) await rb.produce(i);
  await rb.shutdownDrain();
  await consumer;
  assert.deepEqual(seen, [0, 1, 2, 3, 4]);

  const rb2 = new RingBuffer<number>(2);
  const consumer2 = (async () => {
    let n = 0;
    for await (const _ of rb2) n++;
    return n;
  })();
  await Promise.resolve();
  rb2.shutdown();
  assert.equal(await consumer2, 0);
});

Deno.test("RingBuffer.values() breaking out early leaves the rest for others", async () => {
  const rb = new RingBuffer<number>(4);
  await assertBreakLeavesRest(rb, (value) => rb.tryProduce(value));
  assert.deepEqual(rb.tryConsume(), { status: "ok", value: 1 });
});

Deno.test("RingBuffer.values() with a signal rejects without taking an item", async () => {
  const rb = new RingBuffer<number>(4);
  await assertValuesSignalTakesNothing(rb, (value) => rb.tryProduce(value));
});

Deno.test("RingBuffer.values() return() while a step waits makes that step done, taking no item", async () => {
  const rb = new RingBuffer<number>(4);
  await assertReturnEndsWaitingStep(rb, (value) => rb.tryProduce(value));
});

interface Plan {
  capacity: number;
  producers: { count: number; abortEvery: number; pipeline: boolean }[];
  consumers: { abortEvery: number; tryEvery: number }[];
  stopMode: "drain" | "shutdown" | "drainEarly";
  stopAfter: number;
}

const planArb: fc.Arbitrary<Plan> = fc.record({
  capacity: fc.integer({ min: 1, max: 4 }),
  producers: fc.array(
    fc.record({
      count: fc.integer({ min: 0, max: 6 }),
      abortEvery: fc.integer({ min: 0, max: 4 }),
      pipeline: fc.boolean(),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  consumers: fc.array(
    fc.record({
      abortEvery: fc.integer({ min: 0, max: 4 }),
      tryEvery: fc.integer({ min: 0, max: 3 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  stopMode: fc.constantFrom("drain", "shutdown", "drainEarly"),
  stopAfter: fc.integer({ min: 0, max: 20 }),
});

Deno.test("RingBuffer delivers every accepted item exactly once, in order per producer, under any interleaving", async () => {
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), planArb, async (s, plan) => {
      const rb = new RingBuffer<[number, number]>(plan.capacity);
      const tick = (): Promise<void> => s.schedule(Promise.resolve());
      const accepted = new Set<string>();
      const refused = new Set<string>();
      const log: [number, number, number][] = [];
      const dropped: [number, number][] = [];
      let drainDone = false;
      let stopAt = -1;
      let steps = 0;

      const step = (): void => {
        assert.ok(rb.size <= plan.capacity);
        if (++steps === plan.stopAfter && plan.stopMode !== "drain") {
          stopAt = steps;
          if (plan.stopMode === "shutdown") dropped.push(...rb.shutdown());
          else rb.shutdownDrain().then(() => drainDone = true);
        }
      };

      const producer = async (
        p: number,
        { count, abortEvery, pipeline }: Plan["producers"][number],
      ) => {
        // A pipelining producer does not await one produce before starting
        // the next, so several of its items wait at once.
        const pending: Promise<void>[] = [];
        for (let i = 0; i < count; i++) {
          await tick();
          const key = `${p}:${i}`;
          const abort = abortEvery > 0 && i % abortEvery === 0;
          const controller = new AbortController();
          if (abort) tick().then(() => controller.abort(new Error("abort")));
          const done = rb.produce(
            [p, i],
            abort ? { signal: controller.signal } : undefined,
          ).then((r) => {
            if (r === "produced") accepted.add(key);
            else refused.add(key);
            step();
          }, (error) => {
            assert.equal((error as Error).message, "abort");
            refused.add(key);
            step();
          });
          if (pipeline) pending.push(done);
          else await done;
        }
        await Promise.all(pending);
      };

      const side = {
        tryTake: () => rb.tryConsume(),
        take: (options?: { signal?: AbortSignal }) => rb.consume(options),
      };

      const producers = Promise.all(
        plan.producers.map((p, i) => producer(i, p)),
      );
      await runToEnd(
        s,
        producers,
        plan.consumers.map((c, i) => consume(i, c, side, { tick, step, log })),
        {
          drain: () => rb.shutdownDrain(),
          onDrained: () => drainDone = true,
        },
      );

      // Nothing is left pending.
      assert.equal(rb.state, "stopped");
      assert.equal(drainDone, true);
      assert.equal(rb.size, 0);
      assert.equal(rb.waitingProducers, 0);
      assert.equal(rb.waitingConsumers, 0);

      // Every accepted item came out exactly once (consumed or handed back
      // by shutdown), in order per producer, and nothing refused or aborted
      // came out at all.
      assertDeliveredOnceInOrder(log, dropped, accepted);
      for (const key of refused) assert.ok(!accepted.has(key));
      if (plan.stopMode === "drain" || stopAt < 0) {
        assert.equal(dropped.length, 0);
      }
    }),
    { numRuns: 1000 },
  );
});
