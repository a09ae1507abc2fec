// Copyright 2026 the coro authors. Apache-2.0 license.
// Task bodies here are often `async` without an `await`: that is the case
// under test (a body whose promise is already settled).
// deno-lint-ignore-file require-await
import assert from "node:assert/strict";
import { Task, task, whenAll } from "../../combinators/mod.ts";

Deno.test("task() does not run its body until awaited", async () => {
  let runs = 0;
  const t = task(() => ++runs);
  await Promise.resolve();
  assert.equal(runs, 0);
  assert.equal(t.started, false);
  assert.equal(await t, 1);
  assert.equal(runs, 1);
  assert.equal(t.started, true);
});

Deno.test("task() awaited twice runs its body once and gives the same value", async () => {
  let runs = 0;
  const t = task(async () => {
    await Promise.resolve();
    return { n: ++runs };
  });
  const [a, b] = await Promise.all([t, t]);
  const c = await t;
  assert.equal(runs, 1);
  assert.equal(a, b);
  assert.equal(a, c);
});

Deno.test("task() awaited twice rethrows the same error", async () => {
  let runs = 0;
  const error = new Error("boom");
  const t = task((): number => {
    runs++;
    throw error;
  });
  await assert.rejects(async () => await t, (e) => e === error);
  await assert.rejects(async () => await t, (e) => e === error);
  assert.equal(runs, 1);
});

Deno.test("Task.start() starts the body once and returns the same promise", async () => {
  let runs = 0;
  const t = task(async () => ++runs);
  const p = t.start();
  assert.equal(runs, 1);
  assert.equal(t.start(), p);
  assert.equal(await t, 1);
  assert.equal(runs, 1);
});

Deno.test("Task.cancel() aborts the signal the body reads", async () => {
  let sawAbort = false;
  const t = task(({ signal }) =>
    new Promise<string>((resolve) => {
      signal.addEventListener("abort", () => {
        sawAbort = true;
        resolve(String(signal.reason));
      });
    })
  );
  const p = t.start();
  t.cancel("stop");
  assert.equal(await p, "stop");
  assert.equal(sawAbort, true);
});

Deno.test("Task.cancel() before start is seen by the body as an aborted signal", async () => {
  const t = task(({ signal }) => signal.aborted ? signal.reason : "ran");
  t.cancel("early");
  t.cancel("second reason is ignored");
  assert.equal(await t, "early");
  assert.equal(t.signal.reason, "early");
});

Deno.test("Task.cancel() without a reason aborts with an AbortError", async () => {
  const t = task(({ signal }) => signal.reason);
  t.cancel();
  const reason = await t;
  assert.ok(reason instanceof DOMException);
  assert.equal(reason.name, "AbortError");
});

Deno.test("Task.cancel() after the signal was read aborts that same signal", () => {
  const t = task(() => 1);
  const signal = t.signal;
  assert.equal(signal.aborted, false);
  t.cancel("late");
  assert.equal(signal.aborted, true);
  assert.equal(t.signal, signal);
  assert.equal(signal.reason, "late");
});

Deno.test("new Task() rejects a body that is not a function", () => {
  assert.throws(
    // @ts-expect-error: testing a wrong type
    () => new Task(42),
    (e) =>
      e instanceof TypeError &&
      e.message ===
        "Cannot create task: body must be a function, got number 42",
  );
});

Deno.test("task() accepts a body returning any PromiseLike", async () => {
  const thenable: PromiseLike<number> = {
    then(onfulfilled) {
      return Promise.resolve(onfulfilled!(5));
    },
  } as PromiseLike<number>;
  assert.equal(await task(() => thenable), 5);
});

Deno.test("Task.then/catch/finally chain like a promise", async () => {
  assert.equal(await task(() => 2).then((x) => x * 3), 6);
  assert.equal(
    await task((): number => {
      throw new Error("x");
    }).catch(() => -1),
    -1,
  );
  let finished = false;
  assert.equal(await task(async () => 1).finally(() => finished = true), 1);
  assert.equal(finished, true);
});

Deno.test("Task<number> is assignable to Task<unknown> and nests", async () => {
  const double = (x: number) => task(async () => x * 2);
  const addFive = (x: number) => task(async () => (await double(x)) + 5);
  const tasks: Task<unknown>[] = [addFive(2), task(() => "s")];
  const results = await whenAll(tasks);
  assert.deepEqual(results.map((r) => r.value), [9, "s"]);
});

Deno.test("Task.start() from inside its own running body is a clear error", async () => {
  const t = task((self): string => {
    self.start();
    return "unreachable";
  });
  await assert.rejects(
    t.start(),
    (e) =>
      e instanceof TypeError &&
      e.message ===
        "Cannot start task: its body asked for the task's own result before returning",
  );
});
