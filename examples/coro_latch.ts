// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// libcoro's coro_latch example on an IoScheduler: worker tasks yield for a
// while to mimic work, then count down on a latch that one task waits on.
import { type Task, task, whenAll } from "@coro/coro/combinators";
import { IoScheduler } from "@coro/coro/scheduler";
import { Latch } from "@coro/coro/sync";

// libcoro runs the workers on a one-thread pool behind its io_scheduler; a
// JavaScript continuation cannot move threads, so here the scheduler runs
// them inline on this thread and yieldFor() stands in for the hard work.
await using tp = new IoScheduler();

// This task will wait until the given latch setters have completed.
function makeLatchTask(l: Latch): Task<void> {
  return task(async () => {
    console.log("latch task is now waiting on all children tasks...");
    await l;
    console.log("latch task dependency tasks completed, resuming.");
  });
}

// This task does 'work' and counts down on the latch when completed. The
// final child task to complete will end up resuming the latch task when the
// latch's count reaches zero.
function makeWorkerTask(tp: IoScheduler, l: Latch, i: number): Task<void> {
  return task(async () => {
    // Schedule the worker task onto the scheduler.
    await tp.schedule();
    console.log(`worker task ${i} is working...`);
    // Yield to mimic work, never block the thread: other ready tasks would
    // be blocked too.
    await tp.yieldFor(i * 20);
    console.log(`worker task ${i} is done, counting down on the latch`);
    l.countDown();
  });
}

const numTasks = 5;
const l = new Latch(numTasks);
const tasks: Task<void>[] = [];

// Make the latch task first so it correctly waits for all worker tasks to
// count down.
tasks.push(makeLatchTask(l));
for (let i = 1; i <= numTasks; i++) {
  tasks.push(makeWorkerTask(tp, l, i));
}

// Wait for all tasks to complete.
await whenAll(tasks);
