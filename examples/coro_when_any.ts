// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// libcoro's coro_when_any example on an IoScheduler: a long running task
// races a timeout task; whenAny keeps the first result and cancels the loser
// (its signal aborts, so its sleep on the scheduler ends at once).
import { type Task, task, whenAny } from "@coro/coro/combinators";
import { IoScheduler } from "@coro/coro/scheduler";

// Create a scheduler to execute all tasks in parallel and also so we can
// suspend a task to act like a timeout event.
await using scheduler = new IoScheduler();

// This task will behave like a long running task and will produce a valid
// result.
function makeLongRunningTask(
  scheduler: IoScheduler,
  executionTime: number,
): Task<number> {
  return task(async ({ signal }) => {
    // Schedule the task to execute in parallel.
    await scheduler.schedule();
    // Fake doing some work...
    await scheduler.yieldFor(executionTime, { signal });
    // Return the result.
    return 1;
  });
}

function makeTimeoutTask(scheduler: IoScheduler): Task<number> {
  return task(async ({ signal }) => {
    // Schedule a timer to be fired so we know the task timed out.
    await scheduler.scheduleAfter(100, { signal });
    return -1;
  });
}

// Example showing the long running task completing first.
{
  const tasks = [
    makeLongRunningTask(scheduler, 50),
    makeTimeoutTask(scheduler),
  ];
  const result = await whenAny(tasks);
  console.log(`result = ${result}`);
}

// Example showing the long running task timing out.
{
  const tasks = [
    makeLongRunningTask(scheduler, 500),
    makeTimeoutTask(scheduler),
  ];
  const result = await whenAny(tasks);
  console.log(`result = ${result}`);
}
