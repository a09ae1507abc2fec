// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// libcoro's coro_when_all example: wait for a list of tasks (an iterable) or
// for tasks of different types given as arguments (a typed tuple).
import { type Task, whenAll } from "@coro/coro/combinators";
import { ThreadPool } from "@coro/coro/scheduler";

// Create a thread pool to execute all the tasks in parallel. Closures cannot
// cross threads, so the work is exported functions of a module, here a small
// module inlined as a data: URL. Leaving the program shuts the pool down.
await using tp = new ThreadPool({ threadCount: 4 });
const work = tp.bind<{ twice(x: number): number; square(x: number): number }>(
  "data:text/javascript,export const twice = (x) => x + x; export const square = (x) => x * x;",
);

// The task we want to invoke multiple times and execute in parallel on the
// thread pool.
function twice(x: number): Task<number> {
  return work.twice.task(x);
}

// Make the tasks to run; they can be passed as an iterable or as arguments.
const tasks: Task<number>[] = [];
for (let i = 0; i < 5; i++) {
  tasks.push(twice(i + 1));
}

// Wait for all of them.
const results = await whenAll(tasks);
for (const result of results) {
  // If a task can throw, returnValue() either returns its value or rethrows
  // its error.
  try {
    console.log(result.returnValue());
  } catch (e) {
    console.error(e);
  }
}

// Arguments instead of an iterable.
function square(x: number): Task<number> {
  return work.square.task(x);
}

// The arguments may have different value types; the results are a typed
// tuple.
const [first, second] = await whenAll(square(1.1), twice(10));
// libcoro prints 1.21 through std::cout's default precision (6 digits).
console.log(
  `first: ${
    Number(first.returnValue().toPrecision(6))
  } second: ${second.returnValue()}`,
);
