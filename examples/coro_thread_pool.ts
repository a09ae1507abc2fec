// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// libcoro's coro_thread_pool example: a four-thread pool runs ten CPU-heavy
// child tasks; each yields once halfway so the others on its thread get a
// turn. The output order varies from run to run.
import { type Task, task, whenAll } from "@coro/coro/combinators";
import { ThreadPool, type ThreadPoolTaskContext } from "@coro/coro/scheduler";

// Closures cannot cross threads, so work on a pool is an exported function of
// a module. This file is that module too: the program below runs only when
// this file is the main module, not when a worker imports it.
export async function offloadTask(
  this: ThreadPoolTaskContext,
  childIdx: number,
): Promise<number> {
  // Mimic some expensive task that should run on a background thread.
  let calculation = 0;
  for (let i = 0; i < 1_000_000; i++) {
    calculation += Math.random() < 0.5 ? 0 : 1;
    // Be nice and yield so other tasks on this worker get some CPU time.
    // Never block a worker with a synchronous sleep; always yield instead.
    if (i === 500_000) {
      console.log(`Task ${childIdx} is yielding()`);
      await this.yield();
    }
  }
  return calculation;
}

if (import.meta.main) {
  await using tp = new ThreadPool({
    // The default is navigator.hardwareConcurrency; this example uses 4.
    threadCount: 4,
    // Called on this thread when a worker has started (closures cannot run
    // inside the worker).
    onThreadStart: (workerIdx) =>
      console.log(`thread pool worker ${workerIdx} is starting up.`),
    // Called on this thread when a worker has stopped.
    onThreadStop: (workerIdx) =>
      console.log(`thread pool worker ${workerIdx} is shutting down.`),
  });
  const offload = tp.bind<typeof import("./coro_thread_pool.ts")>(
    import.meta.url,
  );

  const primaryTask = task(async () => {
    const numChildren = 10;
    const childTasks: Task<number>[] = [];
    for (let i = 0; i < numChildren; i++) {
      childTasks.push(task(() => offload.offloadTask(i)));
    }

    // Wait for the thread pool workers to process all child tasks.
    const results = await whenAll(childTasks);

    // Sum up the results of the completed child tasks.
    let calculation = 0;
    for (const result of results) calculation += result.returnValue();
    return calculation;
  });

  // libcoro blocks in sync_wait here. The children are awaited by this thread
  // (whenAll), so it needs its event loop: await the task instead.
  const result = await primaryTask;
  console.log(`calculated thread pool result = ${result}`);
  // Leaving the block shuts the pool down: queued work drains, then each
  // worker stops.
}
