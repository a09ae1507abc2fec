// Copyright 2026 the coro authors. Apache-2.0 license.
// Task bodies here are often `async` without an `await`: that is the case
// under test (a body whose promise is already settled).
// deno-lint-ignore-file require-await
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  syncWait,
  SyncWaitError,
  task,
  type TaskResult,
  whenAll,
} from "../../combinators/mod.ts";
import { collectUnhandled, later } from "./_unhandled.ts";

Deno.test("whenAll() of tasks is lazy: no task starts until it is awaited", async () => {
  let runs = 0;
  const all = whenAll(task(() => ++runs), task(async () => ++runs));
  await Promise.resolve();
  assert.equal(runs, 0);
  assert.equal(all.started, false);
  const [a, b] = await all;
  assert.equal(runs, 2);
  assert.deepEqual([a.value, b.value], [1, 2]);
});

Deno.test("whenAll() with a plain promise among its inputs starts at once", async () => {
  let runs = 0;
  const unhandled = await collectUnhandled(async () => {
    const all = whenAll(
      task(() => ++runs),
      Promise.reject(new Error("already running")),
    );
    assert.equal(all.started, true);
    assert.equal(runs, 1);
    // Not awaited for a whole turn: the rejection is still handled.
    await later(5, null);
    const [a, b] = await all;
    assert.equal(a.value, 1);
    assert.match(String(b.error), /already running/);
  });
  assert.deepEqual(unhandled, []);
});

Deno.test("whenAll() starts the tasks in order and keeps input order in results", async () => {
  const started: number[] = [];
  const make = (i: number, ms: number) =>
    task(async () => {
      started.push(i);
      await later(ms, null);
      return i;
    });
  const results = await whenAll([make(0, 30), make(1, 1), make(2, 15)]);
  assert.deepEqual(started, [0, 1, 2]);
  assert.deepEqual(results.map((r) => r.returnValue()), [0, 1, 2]);
});

Deno.test("whenAll() with mixed success and failure keeps every sibling's value", async () => {
  const boom = new Error("boom");
  const unhandled = await collectUnhandled(async () => {
    const results = await whenAll([
      task(async () => {
        await later(20, null);
        return "slow";
      }),
      task(async (): Promise<string> => {
        throw boom;
      }),
      Promise.reject(new Error("plain")),
      later(5, "timer"),
      task(() => "sync"),
      task((): string => {
        throw new Error("sync throw");
      }),
    ]);
    assert.equal(results.length, 6);
    assert.equal(results[0]!.returnValue(), "slow");
    assert.equal(results[1]!.ok, false);
    assert.equal(results[1]!.status, "rejected");
    assert.equal(results[1]!.error, boom);
    assert.throws(() => results[1]!.returnValue(), (e) => e === boom);
    assert.throws(() => results[2]!.returnValue(), /plain/);
    assert.equal(results[3]!.value, "timer");
    assert.equal(results[3]!.status, "fulfilled");
    assert.equal(results[4]!.returnValue(), "sync");
    assert.throws(() => results[5]!.returnValue(), /sync throw/);
  });
  assert.deepEqual(unhandled, []);
});

Deno.test("whenAll() lets no rejection go unhandled while an earlier task is pending", async () => {
  const unhandled = await collectUnhandled(async () => {
    const results = await whenAll(
      later(30, 1),
      later(1, 0, new Error("early")),
      task(async () => {
        await later(2, null);
        throw new Error("task");
      }),
    );
    assert.equal(results[0].value, 1);
    assert.match(String(results[1].error), /early/);
    assert.match(String(results[2].error), /task/);
  });
  assert.deepEqual(unhandled, []);
});

Deno.test("whenAll() variadic form gives a typed tuple", async () => {
  const [a, b, c] = await whenAll(
    task(async () => 1.1 * 1.1),
    task(() => "x"),
    Promise.resolve(true),
  );
  const n: number = a.returnValue();
  const s: string = b.returnValue();
  const flag: boolean = c.returnValue();
  assert.equal(n.toFixed(2), "1.21");
  assert.equal(s, "x");
  assert.equal(flag, true);
});

Deno.test("whenAll() accepts any iterable, including a generator", async () => {
  function* gen() {
    for (let i = 0; i < 3; i++) yield task(() => i * i);
  }
  const results = await whenAll(gen());
  assert.deepEqual(results.map((r) => r.value), [0, 1, 4]);
  const fromSet = await whenAll(new Set([Promise.resolve("a")]));
  assert.equal(fromSet[0]!.value, "a");
});

Deno.test("whenAll() of nothing gives an empty array", async () => {
  assert.deepEqual(await whenAll([]), []);
  assert.deepEqual(await whenAll(), []);
  assert.deepEqual(syncWait(whenAll([])), []);
});

Deno.test("whenAll() rejects a non-awaitable argument with its position", () => {
  assert.throws(
    // @ts-expect-error: testing a wrong type
    () => whenAll(task(() => 1), 42),
    (e) =>
      e instanceof TypeError &&
      e.message ===
        "Cannot wait for all: argument 1 must be a Task or PromiseLike, got number 42",
  );
  assert.throws(
    // @ts-expect-error: testing a wrong type
    () => whenAll([Promise.resolve(1), null]),
    (e) =>
      e instanceof TypeError &&
      e.message ===
        "Cannot wait for all: item 1 must be a Task or PromiseLike, got null",
  );
  assert.throws(
    // @ts-expect-error: testing a wrong type
    () => whenAll("ab"),
    /argument 0 must be a Task or PromiseLike, got the string "ab"/,
  );
  assert.throws(
    // @ts-expect-error: testing a wrong type
    () => whenAll(() => 1),
    /argument 0 must be a Task or PromiseLike, got a function/,
  );
});

Deno.test("whenAll() over synchronous tasks completes inline under syncWait", () => {
  let runs = 0;
  const results = syncWait(
    whenAll(task(() => ++runs), task(() => ++runs), task(() => ++runs)),
  );
  assert.equal(runs, 3);
  assert.deepEqual(results.map((r) => r.value), [1, 2, 3]);
});

Deno.test("whenAll() awaited twice gives the same results and runs nothing again", async () => {
  let runs = 0;
  const all = whenAll([task(async () => ++runs)]);
  const first = await all;
  const second = await all;
  assert.equal(first, second);
  assert.equal(runs, 1);
});

Deno.test("syncWait(whenAll()) of a task still running is a SyncWaitError", async () => {
  const all = whenAll(
    task(() => 1),
    task(async () => {
      await Promise.resolve();
      return 2;
    }),
  );
  assert.throws(() => syncWait(all), SyncWaitError);
  assert.deepEqual((await all).map((r) => r.value), [1, 2]);
  const withPromise = whenAll(Promise.resolve(1));
  assert.throws(() => syncWait(withPromise), SyncWaitError);
  await withPromise;
});

Deno.test("whenAll() accepts a task that another caller already started", async () => {
  const t = task(async () => 7);
  const p = t.start();
  const [r] = await whenAll(t);
  assert.equal(r.value, 7);
  assert.equal(await p, 7);
});

Deno.test("whenAll() preserves order and loses no result under any settle interleaving", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(
        fc.record({
          fail: fc.boolean(),
          asTask: fc.boolean(),
          sync: fc.boolean(),
        }),
        { maxLength: 12 },
      ),
      async (s, specs) => {
        const items = specs.map(({ fail, asTask, sync }, i) => {
          if (asTask && sync) {
            return task((): number => {
              if (fail) throw i;
              return i;
            });
          }
          const settle = () =>
            s.schedule(Promise.resolve(i), `item ${i}`).then((v) => {
              if (fail) throw v;
              return v;
            });
          return asTask ? task(settle) : settle();
        });
        const unhandled = await collectUnhandled(async () => {
          const results: TaskResult<number>[] = await s.waitFor(
            whenAll(items).start(),
          );
          assert.equal(results.length, specs.length);
          results.forEach((r, i) => {
            const fail = specs[i]!.fail;
            assert.equal(r.ok, !fail);
            if (fail) assert.equal(r.error, i);
            else assert.equal(r.value, i);
          });
        });
        assert.deepEqual(unhandled, []);
      },
    ),
    { numRuns: 100 },
  );
});

Deno.test("whenAll() starts tasks and custom thenables in input order", async () => {
  const order: string[] = [];
  const thenable = (name: string): PromiseLike<string> => ({
    then(onfulfilled, onrejected) {
      order.push(name);
      return Promise.resolve(name).then(onfulfilled, onrejected);
    },
  });
  const results = await whenAll([
    thenable("a"),
    task(() => {
      order.push("b");
      return "b";
    }),
    thenable("c"),
  ]);
  assert.deepEqual(order, ["a", "b", "c"]);
  assert.deepEqual(results.map((r) => r.value), ["a", "b", "c"]);
});

Deno.test("whenAll() takes a synchronous task that already ran through its promise", async () => {
  const done = task(() => "ran");
  assert.equal(syncWait(done), "ran");
  const failed = task((): string => {
    throw new Error("ran and failed");
  });
  assert.throws(() => syncWait(failed), /ran and failed/);
  const [a, b] = await whenAll(done, failed);
  assert.equal(a.value, "ran");
  assert.match(String(b.error), /ran and failed/);
});
