// Copyright 2026 the coro authors. Apache-2.0 license.
// A Worker that runs one job on shared-memory primitives and posts back
// `{ ok: true, result }` or `{ ok: false, error }`. Used by the atomic_*
// tests with real Workers.

import { AtomicEvent } from "../../../sync/atomic_event.ts";
import { AtomicLatch } from "../../../sync/atomic_latch.ts";
import { AtomicMutex } from "../../../sync/atomic_mutex.ts";
import { AtomicRingBuffer } from "../../../sync/atomic_ring_buffer.ts";
import { AtomicSemaphore } from "../../../sync/atomic_semaphore.ts";

type Job =
  | { op: "ready" }
  | {
    op: "mutex";
    mutex: Parameters<typeof AtomicMutex.from>[0];
    counter: SharedArrayBuffer;
    rounds: number;
    tasks: number;
  }
  | {
    op: "semaphore";
    semaphore: Parameters<typeof AtomicSemaphore.from>[0];
    gauge: SharedArrayBuffer;
    rounds: number;
    tasks: number;
  }
  | {
    op: "latch";
    latch: Parameters<typeof AtomicLatch.from>[0];
    times: number;
  }
  | {
    op: "latch-wait";
    latch: Parameters<typeof AtomicLatch.from>[0];
  }
  | { op: "event-set"; event: Parameters<typeof AtomicEvent.from>[0] }
  | { op: "event-wait"; event: Parameters<typeof AtomicEvent.from>[0] }
  | {
    op: "produce";
    ring: Parameters<typeof AtomicRingBuffer.from>[0];
    from: number;
    to: number;
  }
  | {
    op: "consume";
    ring: Parameters<typeof AtomicRingBuffer.from>[0];
    seen?: SharedArrayBuffer;
  };

async function run(job: Job): Promise<unknown> {
  switch (job.op) {
    case "ready":
      return "ready";
    case "mutex": {
      // Several tasks per worker, so the mutex is contended both inside this
      // thread and across threads. The counter is updated non-atomically,
      // with a turn of the event loop in between, so any overlap loses an
      // update.
      const mutex = AtomicMutex.from(job.mutex);
      const counter = new Int32Array(job.counter);
      const body = async (): Promise<void> => {
        for (let i = 0; i < job.rounds; i++) {
          using _lock = await mutex.lock();
          const seen = counter[0]!;
          if (i % 64 === 0) await Promise.resolve();
          counter[0] = seen + 1;
        }
      };
      await Promise.all(Array.from({ length: job.tasks }, body));
      return "done";
    }
    case "semaphore": {
      const semaphore = AtomicSemaphore.from(job.semaphore);
      const gauge = new Int32Array(job.gauge);
      const body = async (): Promise<void> => {
        for (let i = 0; i < job.rounds; i++) {
          if (await semaphore.acquire() !== "acquired") throw new Error("shut");
          const inside = Atomics.add(gauge, 0, 1) + 1;
          for (;;) {
            const peak = Atomics.load(gauge, 1);
            if (
              inside <= peak ||
              Atomics.compareExchange(gauge, 1, peak, inside) === peak
            ) break;
          }
          if (i % 16 === 0) await Promise.resolve();
          Atomics.sub(gauge, 0, 1);
          semaphore.release();
        }
      };
      await Promise.all(Array.from({ length: job.tasks }, body));
      return "done";
    }
    case "latch": {
      const latch = AtomicLatch.from(job.latch);
      for (let i = 0; i < job.times; i++) latch.countDown();
      return "done";
    }
    case "latch-wait": {
      await AtomicLatch.from(job.latch).wait();
      return "released";
    }
    case "event-set": {
      AtomicEvent.from(job.event).set();
      return "set";
    }
    case "event-wait": {
      await AtomicEvent.from(job.event).wait();
      return "woken";
    }
    case "produce": {
      const ring = AtomicRingBuffer.from(job.ring);
      let produced = 0;
      for (let v = job.from; v < job.to; v++) {
        if (await ring.produce(v) !== "produced") break;
        produced++;
      }
      return produced;
    }
    case "consume": {
      const ring = AtomicRingBuffer.from<number | bigint>(job.ring);
      const seen = job.seen === undefined
        ? undefined
        : new Int32Array(job.seen);
      let count = 0;
      let sum = 0;
      for (;;) {
        const result = await ring.consume();
        if (result.status !== "ok") break;
        count++;
        sum += Number(result.value);
        if (seen !== undefined) Atomics.add(seen, Number(result.value), 1);
      }
      return { count, sum };
    }
  }
}

// Typed by hand: the file is checked with the main-thread globals.
const scope = self as unknown as {
  onmessage: (event: MessageEvent<Job>) => void;
  postMessage: (message: unknown) => void;
};
scope.onmessage = async (event) => {
  try {
    scope.postMessage({ ok: true, result: await run(event.data) });
  } catch (error) {
    scope.postMessage({ ok: false, error: String(error) });
  }
};
