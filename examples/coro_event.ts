// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// libcoro's coro_event example: tasks wait on an event until another task
// sets it; the waiters resume last-in, first-out, as in libcoro.
import { type Task, task, whenAll } from "@coro/coro/combinators";
import { Event } from "@coro/coro/sync";

const e = new Event();

// These tasks will wait until the given event has been set before advancing.
function makeWaitTask(e: Event, i: number): Task<void> {
  return task(async () => {
    console.log(`task ${i} is waiting on the event...`);
    // `e.wait()` joins the queue right away; `await e` would join it one
    // microtask later, after the set task below has already run.
    await e.wait();
    console.log(`task ${i} event triggered, now resuming.`);
  });
}

// This task will trigger the event allowing all waiting tasks to proceed.
function makeSetTask(e: Event): Task<void> {
  return task(() => {
    console.log("set task is triggering the event");
    e.set();
  });
}

// Run the tasks concurrently on this thread and wait for them all.
await whenAll(
  makeWaitTask(e, 1),
  makeWaitTask(e, 2),
  makeWaitTask(e, 3),
  makeSetTask(e),
);
