// Copyright 2026 the coro authors. Apache-2.0 license.
// IoScheduler's macrotask hop against the runtime's own hops, side by side.
// Every case runs HOPS hops per iteration (divide the time by HOPS for the
// cost of one hop): sequential hops of one task, then HOPS tasks waiting at
// once. The memory and wake-up cost of a million sleepers is measured by
// bench/scheduler_sleepers.ts.
import { setImmediate } from "node:timers";
import { IoScheduler } from "../scheduler/io_scheduler.ts";

const HOPS = 100;

const scheduler = new IoScheduler();
globalThis.addEventListener("unload", () => {
  scheduler.shutdown();
});

function immediate(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function timeout0(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * A MessageChannel self-post per hop. The channel is made per iteration and
 * closed after it, because an open port keeps the bench process alive.
 */
async function messageChannelHops(concurrent: boolean): Promise<void> {
  const { port1, port2 } = new MessageChannel();
  const waiting: (() => void)[] = [];
  let head = 0;
  port1.onmessage = () => waiting[head++]!();
  const hop = () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      port2.postMessage(null);
    });
  if (concurrent) {
    await Promise.all(Array.from({ length: HOPS }, hop));
  } else {
    for (let i = 0; i < HOPS; i++) await hop();
  }
  port1.close();
}

Deno.bench({
  name: "IoScheduler.yield()",
  group: "sequential hops (x100)",
  baseline: true,
  async fn() {
    for (let i = 0; i < HOPS; i++) await scheduler.yield();
  },
});

Deno.bench({
  name: "setImmediate (node:timers)",
  group: "sequential hops (x100)",
  async fn() {
    for (let i = 0; i < HOPS; i++) await immediate();
  },
});

Deno.bench({
  name: "MessageChannel round trip",
  group: "sequential hops (x100)",
  async fn() {
    await messageChannelHops(false);
  },
});

Deno.bench({
  name: "setTimeout(0)",
  group: "sequential hops (x100)",
  n: 10,
  warmup: 1,
  async fn() {
    for (let i = 0; i < HOPS; i++) await timeout0();
  },
});

Deno.bench({
  name: "IoScheduler.yield()",
  group: "100 tasks hop at once",
  baseline: true,
  async fn() {
    const waits = new Array<Promise<void>>(HOPS);
    for (let i = 0; i < HOPS; i++) waits[i] = scheduler.yield();
    await Promise.all(waits);
  },
});

Deno.bench({
  name: "setImmediate (node:timers)",
  group: "100 tasks hop at once",
  async fn() {
    const waits = new Array<Promise<void>>(HOPS);
    for (let i = 0; i < HOPS; i++) waits[i] = immediate();
    await Promise.all(waits);
  },
});

Deno.bench({
  name: "MessageChannel round trip",
  group: "100 tasks hop at once",
  async fn() {
    await messageChannelHops(true);
  },
});

Deno.bench({
  name: "setTimeout(0)",
  group: "100 tasks hop at once",
  n: 20,
  warmup: 2,
  async fn() {
    const waits = new Array<Promise<void>>(HOPS);
    for (let i = 0; i < HOPS; i++) waits[i] = timeout0();
    await Promise.all(waits);
  },
});
