// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// libcoro's coro_shared_mutex example: three readers share the mutex, a
// writer waits for them, and three later readers wait behind the writer (a
// waiting writer blocks new readers, so it is not starved). libcoro runs the
// tasks on a one-thread pool; here a macrotask hop plays the part of
// `tp->schedule()` and `tp->yield()`, which gives the same order. libcoro
// prints to stderr; this prints to stdout.
import { type Task, task, whenAll } from "@coro/coro/combinators";
import { SharedMutex } from "@coro/coro/sync";

// Go to the back of the event loop's queue, like yielding on a one-thread
// pool.
function yieldTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

const mutex = new SharedMutex();

function makeSharedTask(i: number): Task<void> {
  return task(async () => {
    await yieldTask();
    {
      console.log(`shared task ${i} lock_shared()`);
      using _lock = await mutex.lockShared();
      console.log(`shared task ${i} lock_shared() acquired`);
      // Yield so the other shared tasks also acquire the mutex in shared
      // mode while this task holds it.
      await yieldTask();
      console.log(`shared task ${i} unlock_shared()`);
    }
  });
}

function makeExclusiveTask(): Task<void> {
  return task(async () => {
    await yieldTask();
    console.log("exclusive task lock()");
    using _lock = await mutex.lock();
    console.log("exclusive task lock() acquired");
    // Do the exclusive work...
    console.log("exclusive task unlock()");
  });
}

// Three shared tasks, an exclusive task, then three more shared tasks that
// are blocked until the exclusive task completes.
const numTasks = 3;
const tasks: Task<void>[] = [];
for (let i = 1; i <= numTasks; i++) tasks.push(makeSharedTask(i));
tasks.push(makeExclusiveTask());
for (let i = numTasks + 1; i <= numTasks * 2; i++) {
  tasks.push(makeSharedTask(i));
}

await whenAll(tasks);
