// Copyright 2026 the coro authors. Apache-2.0 license.

import assert from "node:assert/strict";
import fc from "fast-check";
import { AtomicRingBuffer } from "../../sync/atomic_ring_buffer.ts";
import { AtomicMutex } from "../../sync/atomic_mutex.ts";
import { startWorkers } from "./testdata/atomic_workers.ts";

interface Tally {
  count: number;
  sum: number;
}

function assertEachOnce(seen: SharedArrayBuffer, n: number): void {
  const view = new Int32Array(seen);
  for (let v = 0; v < n; v++) {
    if (view[v] !== 1) assert.fail(`item ${v} was consumed ${view[v]} times`);
  }
}

Deno.test("AtomicRingBuffer passes every item from the main thread to 3 worker consumers exactly once", async () => {
  const workers = await startWorkers(3);
  try {
    const n = 20_000;
    const rb = new AtomicRingBuffer(64, { type: Int32Array });
    const seen = new SharedArrayBuffer(n * 4);
    const consumers = workers.map((w) =>
      w.run<Tally>({ op: "consume", ring: rb.handle, seen })
    );
    for (let v = 0; v < n; v++) assert.equal(await rb.produce(v), "produced");
    await rb.shutdownDrain();
    const tallies = await Promise.all(consumers);
    assert.equal(tallies.reduce((a, t) => a + t.count, 0), n);
    assert.equal(tallies.reduce((a, t) => a + t.sum, 0), (n * (n - 1)) / 2);
    assertEachOnce(seen, n);
    assert.equal(rb.state, "stopped");
  } finally {
    for (const w of workers) w[Symbol.dispose]();
  }
});

Deno.test("AtomicRingBuffer passes every item from 3 worker producers to the main thread and a worker consumer exactly once", async () => {
  const workers = await startWorkers(4);
  try {
    const perProducer = 5_000;
    const n = 3 * perProducer;
    const rb = new AtomicRingBuffer(8, { type: Float64Array });
    const seen = new SharedArrayBuffer(n * 4);
    const producers = workers.slice(0, 3).map((w, i) =>
      w.run<number>({
        op: "produce",
        ring: rb.handle,
        from: i * perProducer,
        to: (i + 1) * perProducer,
      })
    );
    const workerConsumer = workers[3]!.run<Tally>({
      op: "consume",
      ring: rb.handle,
      seen,
    });
    const mainTally: Tally = { count: 0, sum: 0 };
    const seenView = new Int32Array(seen);
    const mainConsumer = (async () => {
      for await (const value of rb) {
        mainTally.count++;
        mainTally.sum += value;
        Atomics.add(seenView, value, 1);
      }
    })();
    assert.deepEqual(await Promise.all(producers), [
      perProducer,
      perProducer,
      perProducer,
    ]);
    await rb.shutdownDrain();
    await mainConsumer;
    const other = await workerConsumer;
    assert.equal(mainTally.count + other.count, n);
    assert.equal(mainTally.sum + other.sum, (n * (n - 1)) / 2);
    assertEachOnce(seen, n);
  } finally {
    for (const w of workers) w[Symbol.dispose]();
  }
});

Deno.test("AtomicRingBuffer carries bigints to a worker", async () => {
  const [worker] = await startWorkers(1);
  try {
    const rb = new AtomicRingBuffer(4, { type: BigInt64Array });
    const consumer = worker!.run<Tally>({ op: "consume", ring: rb.handle });
    for (let v = 1n; v <= 100n; v++) await rb.produce(v);
    await rb.shutdownDrain();
    assert.deepEqual(await consumer, { count: 100, sum: 5050 });
  } finally {
    worker![Symbol.dispose]();
  }
});

Deno.test("AtomicRingBuffer.tryProduce() and tryConsume() report full, empty and FIFO order", () => {
  const rb = new AtomicRingBuffer(3);
  assert.deepEqual(rb.tryConsume(), { status: "empty" });
  assert.equal(rb.isEmpty, true);
  assert.equal(rb.tryProduce(1), "produced");
  assert.equal(rb.tryProduce(2), "produced");
  assert.equal(rb.tryProduce(3), "produced");
  assert.equal(rb.tryProduce(4), "full");
  assert.equal(rb.size, 3);
  assert.equal(rb.isFull, true);
  assert.deepEqual(rb.tryConsume(), { status: "ok", value: 1 });
  assert.equal(rb.tryProduce(4), "produced");
  const out = [];
  for (let r = rb.tryConsume(); r.status === "ok"; r = rb.tryConsume()) {
    out.push(r.value);
  }
  assert.deepEqual(out, [2, 3, 4]);
  assert.equal(rb.capacity, 3);
  assert.equal(rb.type, Float64Array);
});

Deno.test("AtomicRingBuffer.produce() waits for room and consume() waits for an item", async () => {
  const rb = new AtomicRingBuffer(1, { type: Int32Array });
  await rb.produce(1);
  const blocked = rb.produce(2);
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(rb.size, 1);
  assert.deepEqual(await rb.consume(), { status: "ok", value: 1 });
  assert.equal(await blocked, "produced");
  assert.deepEqual(await rb.consume(), { status: "ok", value: 2 });
  const waiting = rb.consume();
  await new Promise((resolve) => setTimeout(resolve, 5));
  rb.tryProduce(3);
  assert.deepEqual(await waiting, { status: "ok", value: 3 });
});

Deno.test("AtomicRingBuffer.shutdown() returns the items left and stops everyone", async () => {
  const rb = new AtomicRingBuffer(2);
  rb.tryProduce(1);
  rb.tryProduce(2);
  const blocked = rb.produce(3);
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(rb.shutdown(), [1, 2]);
  assert.deepEqual(rb.shutdown(), []);
  assert.equal(await blocked, "stopped");
  assert.equal(rb.tryProduce(4), "stopped");
  assert.deepEqual(rb.tryConsume(), { status: "stopped" });
  assert.deepEqual(await rb.consume(), { status: "stopped" });
  assert.equal(rb.state, "stopped");
  await rb.shutdownDrain();

  const empty = new AtomicRingBuffer(2);
  const waiting = empty.consume();
  await new Promise((resolve) => setTimeout(resolve, 5));
  empty.shutdown();
  assert.deepEqual(await waiting, { status: "stopped" });
});

Deno.test("AtomicRingBuffer.shutdownDrain() refuses items, lets consumers drain, then stops", async () => {
  const rb = new AtomicRingBuffer(2);
  rb.tryProduce(1);
  rb.tryProduce(2);
  const blocked = rb.produce(3);
  await new Promise((resolve) => setTimeout(resolve, 5));
  let drained = false;
  const drain = rb.shutdownDrain().then(() => drained = true);
  assert.equal(await blocked, "stopped");
  assert.equal(rb.state, "draining");
  assert.equal(await rb.produce(4), "stopped");
  assert.deepEqual(await rb.consume(), { status: "ok", value: 1 });
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(drained, false);
  assert.deepEqual(await rb.consume(), { status: "ok", value: 2 });
  await drain;
  assert.equal(rb.state, "stopped");
  assert.deepEqual(await rb.consume(), { status: "stopped" });

  const empty = new AtomicRingBuffer(1);
  const waiting = empty.consume();
  await new Promise((resolve) => setTimeout(resolve, 5));
  await empty.shutdownDrain();
  assert.deepEqual(await waiting, { status: "stopped" });
});

Deno.test("AtomicRingBuffer aborted produce never inserts and aborted consume never takes", async () => {
  const rb = new AtomicRingBuffer(1);
  rb.tryProduce(1);
  const controller = new AbortController();
  const produce = rb.produce(2, { signal: controller.signal });
  await new Promise((resolve) => setTimeout(resolve, 5));
  controller.abort("no room");
  await assert.rejects(produce, (e) => e === "no room");
  assert.deepEqual(rb.tryConsume(), { status: "ok", value: 1 });
  assert.deepEqual(rb.tryConsume(), { status: "empty" });

  const consumer = new AbortController();
  const consume = rb.consume({ signal: consumer.signal });
  const live = rb.consume();
  await new Promise((resolve) => setTimeout(resolve, 5));
  consumer.abort("no item");
  await assert.rejects(consume, (e) => e === "no item");
  rb.tryProduce(5);
  assert.deepEqual(await live, { status: "ok", value: 5 });

  await assert.rejects(
    rb.produce(1, { signal: AbortSignal.abort("early") }),
    (e) => e === "early",
  );
  await assert.rejects(
    rb.consume({ signal: AbortSignal.abort("early") }),
    (e) => e === "early",
  );
  assert.equal(rb.size, 0);
});

Deno.test("AtomicRingBuffer constructor and from() reject bad input", () => {
  assert.throws(() => new AtomicRingBuffer("2" as never), TypeError);
  assert.throws(() => new AtomicRingBuffer(0), RangeError);
  assert.throws(() => new AtomicRingBuffer(1.5), RangeError);
  assert.throws(() => new AtomicRingBuffer(2 ** 24 + 1), RangeError);
  assert.throws(
    () => new AtomicRingBuffer(2, { type: Array as never }),
    TypeError,
  );
  const rb = new AtomicRingBuffer(2, { type: Uint8Array });
  const copy = AtomicRingBuffer.from(structuredClone(rb.handle));
  assert.equal(copy.type, Uint8Array);
  assert.equal(copy.capacity, 2);
  for (
    const bad of [
      null,
      { kind: "AtomicRingBuffer", buffer: new SharedArrayBuffer(4) },
      new AtomicMutex().handle,
    ]
  ) {
    assert.throws(() => AtomicRingBuffer.from(bad as never), TypeError);
  }
});

Deno.test("AtomicRingBuffer behaves like a bounded FIFO queue for any single-thread sequence", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.array(fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(-1)), {
        maxLength: 60,
      }),
      (capacity, ops) => {
        const rb = new AtomicRingBuffer(capacity, { type: Int32Array });
        const model: number[] = [];
        for (const op of ops) {
          if (op >= 0) {
            const expected = model.length < capacity ? "produced" : "full";
            assert.equal(rb.tryProduce(op), expected);
            if (expected === "produced") model.push(op);
          } else {
            const expected = model.length === 0
              ? { status: "empty" }
              : { status: "ok", value: model.shift() };
            assert.deepEqual(rb.tryConsume(), expected);
          }
          assert.equal(rb.size, model.length);
        }
        assert.deepEqual(rb.shutdown(), model);
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("AtomicRingBuffer keeps FIFO order when positions wrap around", () => {
  const capacity = 3;
  const rb = new AtomicRingBuffer(capacity, { type: Int32Array });
  // Move both positions to just before they wrap, through the documented
  // layout: [3] HEAD, [4] TAIL, [12 + slot] the slot's sequence, which is
  // 2 * position for a free slot.
  const wrap = Math.floor(2 ** 29 / capacity) * capacity;
  const view = new Int32Array(rb.handle.buffer);
  const start = wrap - 2;
  view[3] = start;
  view[4] = start;
  for (let k = 0; k < capacity; k++) {
    const position = (start + k) % wrap;
    view[12 + (position % capacity)] = 2 * position;
  }
  const model: number[] = [];
  let next = 0;
  for (let round = 0; round < 20; round++) {
    while (rb.tryProduce(next) === "produced") model.push(next++);
    assert.equal(model.length, capacity);
    assert.equal(rb.size, capacity);
    const take = 1 + (round % capacity);
    for (let i = 0; i < take; i++) {
      assert.deepEqual(rb.tryConsume(), { status: "ok", value: model.shift() });
    }
  }
  assert.deepEqual(rb.shutdown(), model);
});

Deno.test("AtomicRingBuffer refuses a bigint for a number buffer and the reverse, and stays usable", async () => {
  const numbers = new AtomicRingBuffer(2, { type: Int32Array });
  assert.throws(() => numbers.tryProduce(1n as never), {
    name: "TypeError",
    message:
      "Cannot produce item: expected a number (the ring buffer holds Int32Array elements), got bigint 1",
  });
  await assert.rejects(numbers.produce(1n as never), TypeError);
  assert.equal(numbers.tryProduce(7), "produced");
  assert.deepEqual(numbers.tryConsume(), { status: "ok", value: 7 });

  const bigints = new AtomicRingBuffer(2, { type: BigUint64Array });
  assert.throws(() => bigints.tryProduce(1 as never), TypeError);
  assert.equal(bigints.tryProduce(2n ** 64n - 1n), "produced");
  assert.deepEqual(bigints.tryConsume(), {
    status: "ok",
    value: 2n ** 64n - 1n,
  });
});
