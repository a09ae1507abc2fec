// Copyright 2026 the coro authors. Apache-2.0 license.

import assert from "node:assert/strict";
import { AtomicEvent } from "../../sync/atomic_event.ts";
import { AtomicLatch } from "../../sync/atomic_latch.ts";
import { startWorkers } from "./testdata/atomic_workers.ts";

Deno.test("AtomicEvent set from a worker resumes the main thread", async () => {
  const [worker] = await startWorkers(1);
  try {
    const event = new AtomicEvent();
    const waiting = event.wait();
    assert.equal(
      await worker!.run({ op: "event-set", event: event.handle }),
      "set",
    );
    await waiting;
    assert.equal(event.isSet, true);
  } finally {
    worker![Symbol.dispose]();
  }
});

Deno.test("AtomicEvent set on the main thread resumes waiting workers", async () => {
  const workers = await startWorkers(2);
  try {
    const event = new AtomicEvent();
    const jobs = workers.map((w) =>
      w.run<string>({ op: "event-wait", event: event.handle })
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    event.set();
    assert.deepEqual(await Promise.all(jobs), ["woken", "woken"]);
  } finally {
    for (const w of workers) w[Symbol.dispose]();
  }
});

Deno.test("AtomicEvent waiters resume even if reset follows set at once", async () => {
  const event = new AtomicEvent();
  const waiters = [event.wait(), event.wait()];
  await new Promise((resolve) => setTimeout(resolve, 5));
  event.set();
  event.reset();
  await Promise.all(waiters);
  assert.equal(event.isSet, false);
});

Deno.test("AtomicEvent set/reset/isSet and waiting on a set event", async () => {
  const event = new AtomicEvent({ initiallySet: true });
  assert.equal(event.isSet, true);
  await event.wait();
  event.reset();
  assert.equal(event.isSet, false);
  event.set();
  event.set();
  assert.equal(event.isSet, true);
  await event;
});

Deno.test("AtomicEvent.wait() aborted rejects with the reason; others still resume", async () => {
  const event = new AtomicEvent();
  const controller = new AbortController();
  const aborted = event.wait({ signal: controller.signal });
  const live = event.wait();
  await new Promise((resolve) => setTimeout(resolve, 5));
  controller.abort("gone");
  await assert.rejects(aborted, (e) => e === "gone");
  event.set();
  await live;
  await assert.rejects(
    event.wait({ signal: AbortSignal.abort("early") }),
    (e) => e === "early",
  );
});

Deno.test("AtomicEvent.from() shares the state and rejects other handles", () => {
  const event = new AtomicEvent();
  AtomicEvent.from(structuredClone(event.handle)).set();
  assert.equal(event.isSet, true);
  assert.throws(
    () => AtomicEvent.from(new AtomicLatch(1).handle as never),
    TypeError,
  );
  assert.throws(() => AtomicEvent.from("handle" as never), TypeError);
});
