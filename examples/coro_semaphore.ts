// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// libcoro's coro_semaphore example: 100 tasks, but a semaphore lets only two
// of them hold a permit at any point in time. libcoro runs the tasks on a
// thread pool, so its output order varies; here they run concurrently on one
// thread and the semaphore hands permits over in FIFO order, so every task
// gets its turn in the order it asked.
import { type Task, task, whenAll } from "@coro/coro/combinators";
import { Semaphore } from "@coro/coro/sync";

const semaphore = new Semaphore(2);
const printed: string[] = [];
let holding = 0;
let peak = 0;

function makeRateLimitedTask(
  semaphore: Semaphore,
  taskNum: number,
): Task<void> {
  return task(async () => {
    // This will only allow 2 tasks through at any given point in time, all
    // other tasks will await the resource to be available before proceeding.
    const result = await semaphore.acquire();
    if (result === "acquired") {
      peak = Math.max(peak, ++holding);
      printed.push(`${taskNum}, `);
      // Hold the permit across a suspension, as real work would.
      await Promise.resolve();
      holding--;
      semaphore.release();
    } else {
      printed.push(`${taskNum} failed to acquire semaphore [${result}],`);
    }
  });
}

const numTasks = 100;
const tasks: Task<void>[] = [];
for (let i = 1; i <= numTasks; i++) {
  tasks.push(makeRateLimitedTask(semaphore, i));
}

await whenAll(tasks);
console.log(printed.join("").trimEnd());
console.log(`at most ${peak} tasks held a permit at once`);
