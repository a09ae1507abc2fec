// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// libcoro's coro_ring_buffer example: one producer sends 100 numbers through
// a ring buffer of 16 slots to four consumers, then shuts it down with a
// drain so the consumers finish what is left before they stop. libcoro runs
// the tasks on a thread pool and resumes waiting consumers last-in,
// first-out; here the tasks run concurrently on one thread and consumers are
// served first-in, first-out, so they take turns 0, 1, 2, 3. (libcoro guards
// std::cout with a mutex; console.log needs none on one thread.)
import { type Task, task, whenAll } from "@coro/coro/combinators";
import { RingBuffer } from "@coro/coro/sync";

const iterations = 100;
const consumers = 4;
const rb = new RingBuffer<number>(16);

function makeProducerTask(rb: RingBuffer<number>): Task<void> {
  return task(async () => {
    for (let i = 1; i <= iterations; i++) {
      await rb.produce(i);
    }

    // Now that everything is produced, signal the consumers it's time to
    // stop once the ring buffer is empty. Note that the stop signal works on
    // producers as well, but this example only uses 1 producer.
    console.log("producer is sending shutdown signal with drain");
    await rb.shutdownDrain();
  });
}

function makeConsumerTask(rb: RingBuffer<number>, id: number): Task<void> {
  return task(async () => {
    while (true) {
      const result = await rb.consume();
      if (result.status === "stopped") {
        console.log(`consumer ${id} shutting down, stop signal received`);
        break;
      }
      console.log(`(id=${id}, v=${result.value}),`);

      // Mimic doing some work on the consumed value.
      await Promise.resolve();
    }
  });
}

const tasks: Task<void>[] = [];
// Create N consumers
for (let i = 0; i < consumers; i++) {
  tasks.push(makeConsumerTask(rb, i));
}
// Create 1 producer.
tasks.push(makeProducerTask(rb));

// Wait for all the values to be produced and consumed through the ring buffer.
await whenAll(tasks);
