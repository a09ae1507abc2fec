// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// libcoro's coro_queue example: five producers push 0..4 into an unbounded
// queue, two consumers print what they pop, and a shutdown task waits for
// every producer (through a latch) before draining the queue and stopping
// it. libcoro runs the tasks on a thread pool, so its output order varies;
// here they run concurrently on one thread, each producer yielding after
// every push, so the output is the same on every run.
import { type Task, task, whenAll } from "@coro/coro/combinators";
import { Latch, Queue } from "@coro/coro/sync";

const iterations = 5;
const producersCount = 5;
const consumersCount = 2;

const q = new Queue<number>();
const producersDone = new Latch(producersCount);

function makeProducerTask(q: Queue<number>, pd: Latch): Task<void> {
  return task(async () => {
    for (let i = 0; i < iterations; i++) {
      q.push(i);
      // Let the other tasks run, as libcoro's `co_await q.push(i)` may.
      await Promise.resolve();
    }

    pd.countDown(); // Notify the shutdown task this producer is complete.
  });
}

function makeShutdownTask(q: Queue<number>, pd: Latch): Task<void> {
  // This task will wait for all the producers to complete and then for the
  // entire queue to be drained before shutting it down.
  return task(async () => {
    await pd;
    await q.shutdownDrain();
  });
}

function makeConsumerTask(q: Queue<number>): Task<void> {
  return task(async () => {
    while (true) {
      const result = await q.pop();
      if (result.status === "stopped") {
        break; // The queue is shutting down.
      }
      console.log(`consumed ${result.value}`);
    }
  });
}

const tasks: Task<void>[] = [];
for (let i = 0; i < producersCount; i++) {
  tasks.push(makeProducerTask(q, producersDone));
}
for (let i = 0; i < consumersCount; i++) {
  tasks.push(makeConsumerTask(q));
}
tasks.push(makeShutdownTask(q, producersDone));

await whenAll(tasks);
