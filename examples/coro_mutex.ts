// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// libcoro's coro_mutex example: 100 tasks append their number to a shared
// array inside a critical section. The tasks start after a random delay
// (standing in for libcoro's thread pool picking them up) and hold the lock
// across an await, so most of them queue for it. coro's Mutex serves the
// queue first come, first served (libcoro's is LIFO in batches), so the
// output order is the order in which the tasks asked for the lock, which
// varies from run to run.
import { type Task, task, whenAll } from "@coro/coro/combinators";
import { Mutex } from "@coro/coro/sync";

const output: number[] = [];
const mutex = new Mutex();

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function makeCriticalSectionTask(i: number): Task<void> {
  return task(async () => {
    await delay(Math.random() * 3);
    // `lock()` gives a scoped lock that `using` releases at the end of the
    // block, like libcoro's coro::scoped_lock.
    {
      using _lock = await mutex.lock();
      await Promise.resolve(); // Hold the lock across an await.
      output.push(i);
    } // <-- the scoped lock unlocks the mutex here.
  });
}

const tasks: Task<void>[] = [];
for (let i = 1; i <= 100; i++) tasks.push(makeCriticalSectionTask(i));
await whenAll(tasks);

console.log(output.map((value) => `${value}, `).join(""));
