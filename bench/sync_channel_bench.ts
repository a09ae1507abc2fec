// Copyright 2026 the coro authors. Apache-2.0 license.
// Semaphore, RingBuffer and Queue against npm peers, side by side in one run:
//   deno bench -A bench/sync_channel_bench.ts
// Groups:
// - semaphore: Semaphore(4), 10,000 tasks each acquire then release;
// - ring buffer: capacity 16, one producer and one consumer passing 100,000
//   numbers;
// - queue push+pop: 1,000 push/pop pairs on a queue that holds a standing
//   backlog of 100 or 100,000 items (flat per-item cost means equal times);
// - queue hand-off: a waiting consumer, 100,000 items pushed one at a time.
// Every case checks its own result, so no work can be optimised away.
import { Sema } from "async-sema";
import pLimit from "p-limit";
import PQueue from "p-queue";
import { Effect, Queue as EffectQueue } from "effect";
import { FixedBuffer, Repeater } from "@repeaterjs/repeater";
import { pushable } from "it-pushable";
import { Semaphore } from "../sync/semaphore.ts";
import { RingBuffer } from "../sync/ring_buffer.ts";
import { Queue } from "../sync/queue.ts";

const TASKS = 10_000;
const PERMITS = 4;
const ITEMS = 100_000;
// Slow peers run a fixed, small number of iterations to keep the file short.
const FEW = { n: 10, warmup: 2 };

function check(actual: number, expected: number): void {
  if (actual !== expected) {
    throw new Error(`Bench result wrong: got ${actual}, expected ${expected}`);
  }
}

const SUM = (ITEMS * (ITEMS - 1)) / 2;
const RANGE = Array.from({ length: TASKS }, (_, i) => i);

// --- semaphore ---------------------------------------------------------------

Deno.bench({
  name: "floor: 10,000 tasks x await Promise.resolve()",
  group: "semaphore(4) x 10,000 tasks",
  async fn() {
    let done = 0;
    const tasks = new Array<Promise<void>>(TASKS);
    for (let i = 0; i < TASKS; i++) {
      tasks[i] = (async () => {
        await Promise.resolve();
        done++;
      })();
    }
    await Promise.all(tasks);
    check(done, TASKS);
  },
});

Deno.bench({
  name: "coro Semaphore acquire()+release()",
  group: "semaphore(4) x 10,000 tasks",
  baseline: true,
  async fn() {
    const semaphore = new Semaphore(PERMITS);
    let done = 0;
    const tasks = new Array<Promise<void>>(TASKS);
    for (let i = 0; i < TASKS; i++) {
      tasks[i] = (async () => {
        await semaphore.acquire();
        done++;
        semaphore.release();
      })();
    }
    await Promise.all(tasks);
    check(done, TASKS);
  },
});

Deno.bench({
  name: "coro Semaphore using acquirePermit()",
  group: "semaphore(4) x 10,000 tasks",
  async fn() {
    const semaphore = new Semaphore(PERMITS);
    let done = 0;
    const tasks = new Array<Promise<void>>(TASKS);
    for (let i = 0; i < TASKS; i++) {
      tasks[i] = (async () => {
        using _permit = await semaphore.acquirePermit();
        done++;
      })();
    }
    await Promise.all(tasks);
    check(done, TASKS);
  },
});

Deno.bench({
  name: "async-sema acquire()+release()",
  group: "semaphore(4) x 10,000 tasks",
  async fn() {
    const sema = new Sema(PERMITS);
    let done = 0;
    const tasks = new Array<Promise<void>>(TASKS);
    for (let i = 0; i < TASKS; i++) {
      tasks[i] = (async () => {
        await sema.acquire();
        done++;
        sema.release();
      })();
    }
    await Promise.all(tasks);
    check(done, TASKS);
  },
});

Deno.bench({
  name: "p-limit(4)",
  group: "semaphore(4) x 10,000 tasks",
  ...FEW,
  async fn() {
    const limit = pLimit(PERMITS);
    let done = 0;
    const body = (): Promise<void> => {
      done++;
      return Promise.resolve();
    };
    const tasks = new Array<Promise<void>>(TASKS);
    for (let i = 0; i < TASKS; i++) tasks[i] = limit(body);
    await Promise.all(tasks);
    check(done, TASKS);
  },
});

Deno.bench({
  name: "p-queue concurrency 4",
  group: "semaphore(4) x 10,000 tasks",
  ...FEW,
  async fn() {
    const queue = new PQueue({ concurrency: PERMITS });
    let done = 0;
    const body = (): Promise<void> => {
      done++;
      return Promise.resolve();
    };
    for (let i = 0; i < TASKS; i++) queue.add(body);
    await queue.onIdle();
    check(done, TASKS);
  },
});

Deno.bench({
  name: "effect Semaphore withPermits(1)",
  group: "semaphore(4) x 10,000 tasks",
  ...FEW,
  async fn() {
    let done = 0;
    const body = Effect.sync(() => {
      done++;
    });
    await Effect.runPromise(Effect.gen(function* () {
      const semaphore = yield* Effect.makeSemaphore(PERMITS);
      const guarded = semaphore.withPermits(1)(body);
      yield* Effect.forEach(
        RANGE,
        () => guarded,
        { concurrency: "unbounded", discard: true },
      );
    }));
    check(done, TASKS);
  },
});

// --- ring buffer ---------------------------------------------------------------

const RB = "ring buffer(16): 1 producer -> 1 consumer, 100,000 items";

Deno.bench({
  name: "floor: 100,000 x await Promise.resolve()",
  group: RB,
  async fn() {
    let sum = 0;
    for (let i = 0; i < ITEMS; i++) {
      await Promise.resolve();
      sum += i;
    }
    check(sum, SUM);
  },
});

Deno.bench({
  name: "coro RingBuffer produce()/consume()",
  group: RB,
  baseline: true,
  async fn() {
    const rb = new RingBuffer<number>(16);
    const producer = (async () => {
      for (let i = 0; i < ITEMS; i++) await rb.produce(i);
      await rb.shutdownDrain();
    })();
    let sum = 0;
    while (true) {
      const result = await rb.consume();
      if (result.status === "stopped") break;
      sum += result.value;
    }
    await producer;
    check(sum, SUM);
  },
});

Deno.bench({
  name: "coro RingBuffer produce()/for await",
  group: RB,
  async fn() {
    const rb = new RingBuffer<number>(16);
    const producer = (async () => {
      for (let i = 0; i < ITEMS; i++) await rb.produce(i);
      await rb.shutdownDrain();
    })();
    let sum = 0;
    for await (const value of rb) sum += value;
    await producer;
    check(sum, SUM);
  },
});

Deno.bench({
  name: "coro RingBuffer tryProduce()/tryConsume(), await only when full/empty",
  group: RB,
  async fn() {
    const rb = new RingBuffer<number>(16);
    const producer = (async () => {
      for (let i = 0; i < ITEMS; i++) {
        if (rb.tryProduce(i) !== "produced") await rb.produce(i);
      }
      await rb.shutdownDrain();
    })();
    let sum = 0;
    while (true) {
      let result = rb.tryConsume();
      if (result.status === "empty") result = await rb.consume();
      if (result.status === "stopped") break;
      if (result.status === "ok") sum += result.value;
    }
    await producer;
    check(sum, SUM);
  },
});

Deno.bench({
  name: "effect Queue.bounded(16) offer/take",
  group: RB,
  ...FEW,
  async fn() {
    const sum = await Effect.runPromise(Effect.gen(function* () {
      const queue = yield* EffectQueue.bounded<number>(16);
      const producer = Effect.gen(function* () {
        for (let i = 0; i < ITEMS; i++) yield* EffectQueue.offer(queue, i);
      });
      const consumer = Effect.gen(function* () {
        let sum = 0;
        for (let i = 0; i < ITEMS; i++) sum += yield* EffectQueue.take(queue);
        return sum;
      });
      const [, sum] = yield* Effect.all([producer, consumer], {
        concurrency: 2,
      });
      return sum;
    }));
    check(sum, SUM);
  },
});

Deno.bench({
  name: "WHATWG ReadableStream highWaterMark 16 (pull)",
  group: RB,
  ...FEW,
  async fn() {
    let next = 0;
    const stream = new ReadableStream<number>({
      pull(controller) {
        controller.enqueue(next++);
        if (next === ITEMS) controller.close();
      },
    }, new CountQueuingStrategy({ highWaterMark: 16 }));
    let sum = 0;
    for await (const value of stream) sum += value;
    check(sum, SUM);
  },
});

Deno.bench({
  name: "WHATWG ReadableStream highWaterMark 16 (producer task, waits on pull)",
  group: RB,
  ...FEW,
  async fn() {
    // A producer task like the RingBuffer's: it enqueues while the stream
    // wants more and otherwise waits until the stream pulls.
    let controller!: ReadableStreamDefaultController<number>;
    let wake: (() => void) | undefined;
    const stream = new ReadableStream<number>({
      start(c) {
        controller = c;
      },
      pull() {
        wake?.();
        wake = undefined;
      },
    }, new CountQueuingStrategy({ highWaterMark: 16 }));
    const producer = (async () => {
      for (let i = 0; i < ITEMS; i++) {
        while (controller.desiredSize! <= 0) {
          await new Promise<void>((resolve) => wake = resolve);
        }
        controller.enqueue(i);
      }
      controller.close();
    })();
    let sum = 0;
    for await (const value of stream) sum += value;
    await producer;
    check(sum, SUM);
  },
});

Deno.bench({
  name: "WHATWG TransformStream highWaterMark 16 (write/read)",
  group: RB,
  ...FEW,
  async fn() {
    const { readable, writable } = new TransformStream<number, number>(
      undefined,
      new CountQueuingStrategy({ highWaterMark: 16 }),
      new CountQueuingStrategy({ highWaterMark: 0 }),
    );
    const producer = (async () => {
      const writer = writable.getWriter();
      for (let i = 0; i < ITEMS; i++) await writer.write(i);
      await writer.close();
    })();
    let sum = 0;
    for await (const value of readable) sum += value;
    await producer;
    check(sum, SUM);
  },
});

Deno.bench({
  name: "@repeaterjs/repeater FixedBuffer(16)",
  group: RB,
  ...FEW,
  async fn() {
    const repeater = new Repeater<number>(async (push, stop) => {
      for (let i = 0; i < ITEMS; i++) await push(i);
      stop();
    }, new FixedBuffer(16));
    let sum = 0;
    for await (const value of repeater) sum += value;
    check(sum, SUM);
  },
});

// --- queue: push+pop with a standing backlog of 100 or 100,000 ---------------
// Each queue is filled once with `backlog` items; every iteration then pushes
// and pops 1,000 items, so every operation runs with that many queued. Flat
// per-item cost means the same time for both backlogs.

const PAIRS = 1_000;

for (const backlog of [100, ITEMS]) {
  const group = `queue push+pop x 1,000 with ${
    backlog.toLocaleString("en-US")
  } queued`;
  // Every item is 1, so each iteration must sum to exactly PAIRS.
  const filler = 1;

  const coroQueue = new Queue<number>();
  for (let i = 0; i < backlog; i++) coroQueue.push(filler);
  Deno.bench({
    name: "coro Queue push()/await pop()",
    group,
    baseline: true,
    async fn() {
      let sum = 0;
      for (let i = 0; i < PAIRS; i++) {
        coroQueue.push(filler);
        const result = await coroQueue.pop();
        if (result.status === "ok") sum += result.value;
      }
      check(sum, PAIRS);
    },
  });

  const coroTryQueue = new Queue<number>();
  for (let i = 0; i < backlog; i++) coroTryQueue.push(filler);
  Deno.bench({
    name: "coro Queue push()/tryPop()",
    group,
    fn() {
      let sum = 0;
      for (let i = 0; i < PAIRS; i++) {
        coroTryQueue.push(filler);
        const result = coroTryQueue.tryPop();
        if (result.status === "ok") sum += result.value;
      }
      check(sum, PAIRS);
    },
  });

  const source = pushable<number>({ objectMode: true });
  for (let i = 0; i < backlog; i++) source.push(filler);
  Deno.bench({
    name: "it-pushable push()/await next()",
    group,
    async fn() {
      let sum = 0;
      for (let i = 0; i < PAIRS; i++) {
        source.push(filler);
        const result = await source.next();
        if (!result.done) sum += result.value;
      }
      check(sum, PAIRS);
    },
  });

  const effectQueue = Effect.runSync(EffectQueue.unbounded<number>());
  for (let i = 0; i < backlog; i++) {
    Effect.runSync(EffectQueue.offer(effectQueue, filler));
  }
  const effectPairs = Effect.gen(function* () {
    let sum = 0;
    for (let i = 0; i < PAIRS; i++) {
      yield* EffectQueue.offer(effectQueue, filler);
      sum += yield* EffectQueue.take(effectQueue);
    }
    return sum;
  });
  Deno.bench({
    name: "effect Queue.unbounded offer/take",
    group,
    async fn() {
      check(await Effect.runPromise(effectPairs), PAIRS);
    },
  });

  const array: number[] = new Array(backlog).fill(filler);
  Deno.bench({
    name: "Array push()/shift() (naive)",
    group,
    fn() {
      let sum = 0;
      for (let i = 0; i < PAIRS; i++) {
        array.push(filler);
        sum += array.shift()!;
      }
      check(sum, PAIRS);
    },
  });
}

// --- queue: a consumer waits, each push hands the item over -------------------

const HANDOFF = "queue hand-off: waiting consumer, 100,000 items";

Deno.bench({
  name: "coro Queue push() to a waiting pop()",
  group: HANDOFF,
  baseline: true,
  async fn() {
    const queue = new Queue<number>();
    const consumer = (async () => {
      let sum = 0;
      for await (const value of queue) sum += value;
      return sum;
    })();
    for (let i = 0; i < ITEMS; i++) {
      queue.push(i);
      await Promise.resolve();
    }
    await queue.shutdownDrain();
    check(await consumer, SUM);
  },
});

Deno.bench({
  name: "it-pushable push() to a waiting next()",
  group: HANDOFF,
  ...FEW,
  async fn() {
    const source = pushable<number>({ objectMode: true });
    const consumer = (async () => {
      let sum = 0;
      for await (const value of source) sum += value;
      return sum;
    })();
    for (let i = 0; i < ITEMS; i++) {
      source.push(i);
      await Promise.resolve();
    }
    source.end();
    check(await consumer, SUM);
  },
});
