// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// libcoro's coro_sync_wait example: syncWait runs a task whose body completes
// synchronously inline, on the calling thread, and returns its value; then it
// blocks on a task offloaded to a one-thread ThreadPool.
import { syncWait, type Task, task } from "@coro/coro/combinators";
import { ThreadPool } from "@coro/coro/scheduler";

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

// We'll make a one-thread ThreadPool to demonstrate offloading the task's
// execution to another thread. Closures cannot cross threads, so the work is
// an exported function of a module, here a small module inlined as a data:
// URL. Leaving the program shuts the pool down.
await using tp = new ThreadPool({ threadCount: 1 });
const offload = tp.bind<{ twice(x: number): number }>(
  "data:text/javascript,export function twice(x) { return x + x; }",
);

// A lazy task of a call to `twice` on the thread pool.
function makeTaskOffload(x: number): Task<number> {
  return offload.twice.task(x);
}

// This still blocks the calling thread (with Atomics.wait), but the task now
// executes on the thread pool's worker.
result = syncWait(makeTaskOffload(10));
console.log(`Offload Result = ${result}`);
