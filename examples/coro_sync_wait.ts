// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// libcoro's coro_sync_wait example: syncWait runs a task whose body completes
// synchronously inline, on the calling thread, and returns its value.
import { syncWait, type Task, task } from "@coro/coro/combinators";

// This function makes a task that returns a number. It can be called many
// times with different arguments.
function makeTaskInline(x: number): Task<number> {
  return task(() => x + x);
}

// This blocks the calling thread until the task completes. Since this task
// isn't scheduled on any ThreadPool or IoScheduler, it executes directly on
// the calling thread.
let result = syncWait(makeTaskInline(5));
console.log(`Inline Result = ${result}`);

// libcoro offloads the next task onto a one-thread thread pool and blocks on
// it. Until this port uses coro's ThreadPool here, the task runs on this
// thread and its value is awaited.
function makeTaskOffload(x: number): Task<number> {
  return task(async () => {
    await Promise.resolve(); // Stands in for scheduling onto the pool.
    return x + x;
  });
}

result = await makeTaskOffload(10);
console.log(`Offload Result = ${result}`);
