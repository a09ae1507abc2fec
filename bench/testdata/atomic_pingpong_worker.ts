// Copyright 2026 the coro authors. Apache-2.0 license.
// The worker side of bench/atomic_bench.ts: answers ping-pongs forever
// (the bench terminates it). Modes:
// - "bare": wait with Atomics.waitAsync only;
// - "spin": spin on Atomics.load first (as many checks as the Atomic*
//   primitives make), then Atomics.waitAsync;
// - "ring": consume batches of `batch` items from an AtomicRingBuffer and
//   post each batch's sum back;
// - "post": the same with one postMessage per item;
// - "mutex": lock and unlock an AtomicMutex in a loop, answering each ping
//   made under the lock with a pong under the lock.

import {
  AtomicMutex,
  type AtomicMutexHandle,
} from "../../sync/atomic_mutex.ts";
import {
  AtomicRingBuffer,
  type AtomicRingBufferHandle,
} from "../../sync/atomic_ring_buffer.ts";
import { SPIN_COUNT } from "../../sync/_atomic_wait.ts";

type Job =
  | { mode: "bare" | "spin"; buffer: SharedArrayBuffer }
  | { mode: "mutex"; handle: AtomicMutexHandle; turn: SharedArrayBuffer }
  | { mode: "ring"; ring: AtomicRingBufferHandle; batch: number }
  | { mode: "post"; batch: number };

const scope = self as unknown as {
  onmessage: (event: MessageEvent<Job>) => void;
  postMessage: (message: unknown) => void;
};

async function pong(flag: Int32Array, spin: number): Promise<never> {
  // The main thread stores 1 (ping); we answer with 2 (pong).
  for (;;) {
    for (let i = 0; i < spin && Atomics.load(flag, 0) !== 1; i++);
    for (;;) {
      const seen = Atomics.load(flag, 0);
      if (seen === 1) break;
      const wait = Atomics.waitAsync(flag, 0, seen);
      if (wait.async) await wait.value;
    }
    Atomics.store(flag, 0, 2);
    Atomics.notify(flag, 0);
  }
}

async function lockLoop(mutex: AtomicMutex, turn: Int32Array): Promise<never> {
  // Under the lock, answer a ping (turn 1) with a pong (turn 0).
  for (;;) {
    const lock = await mutex.lock();
    if (turn[0] === 1) turn[0] = 0;
    lock.unlock();
  }
}

async function ringLoop(ring: AtomicRingBuffer, batch: number): Promise<void> {
  for (;;) {
    let sum = 0;
    for (let i = 0; i < batch; i++) {
      const result = await ring.consume();
      if (result.status !== "ok") return;
      sum += result.value;
    }
    scope.postMessage(sum);
  }
}

scope.onmessage = (event) => {
  const job = event.data;
  scope.postMessage("started");
  if (job.mode === "ring") {
    ringLoop(AtomicRingBuffer.from(job.ring), job.batch);
    return;
  }
  if (job.mode === "post") {
    let sum = 0;
    let count = 0;
    scope.onmessage = (item) => {
      sum += item.data as unknown as number;
      if (++count === job.batch) {
        scope.postMessage(sum);
        sum = 0;
        count = 0;
      }
    };
    return;
  }
  if (job.mode === "mutex") {
    lockLoop(AtomicMutex.from(job.handle), new Int32Array(job.turn));
  } else pong(new Int32Array(job.buffer), job.mode === "spin" ? SPIN_COUNT : 0);
};
