// Copyright 2026 the coro authors. Apache-2.0 license.
// Task bodies here are often `async` without an `await`: that is the case
// under test (a body whose promise is already settled).
// deno-lint-ignore-file require-await
import assert from "node:assert/strict";
import { syncWait, type Task, task, whenAny } from "../../combinators/mod.ts";
import { collectUnhandled, later } from "./_unhandled.ts";

/** A task that settles after `ms` unless cancelled, when it resolves with `"cancelled"`. */
function sleeper(ms: number, value: string, log?: string[]): Task<string> {
  return task(({ signal }) =>
    new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve(value), ms);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        log?.push(`${value} cancelled`);
        resolve("cancelled");
      }, { once: true });
    })
  );
}

Deno.test("whenAny() gives the first value and cancels every loser", async () => {
  const log: string[] = [];
  const slow = sleeper(1000, "slow", log);
  const slower = sleeper(2000, "slower", log);
  const fast = sleeper(5, "fast", log);
  assert.equal(await whenAny([slow, fast, slower]), "fast");
  assert.equal(slow.signal.aborted, true);
  assert.equal(slower.signal.aborted, true);
  assert.equal(fast.signal.aborted, false);
  assert.deepEqual(log.toSorted(), ["slow cancelled", "slower cancelled"]);
  assert.equal(await slow, "cancelled");
});

Deno.test("whenAny() rejects with the first settled error, like libcoro", async () => {
  const slow = sleeper(1000, "slow");
  const failing = task(async () => {
    await later(2, null);
    throw new Error("first");
  });
  await assert.rejects(async () => await whenAny(slow, failing), /first/);
  assert.equal(slow.signal.aborted, true);
});

Deno.test("whenAny() swallows the losers' later rejections", async () => {
  const unhandled = await collectUnhandled(async () => {
    const result = await whenAny([
      later(1, "winner"),
      later(10, "x", new Error("loser promise")),
      task(async () => {
        await later(10, null);
        throw new Error("loser task");
      }),
    ]);
    assert.equal(result, "winner");
    await later(20, null);
  });
  assert.deepEqual(unhandled, []);
});

Deno.test("whenAny() of tasks is lazy and does not start later tasks after a synchronous winner", async () => {
  let runs = 0;
  const first = task(() => {
    runs++;
    return "sync";
  });
  const second = task(() => {
    runs++;
    return "never";
  });
  const any = whenAny(first, second);
  assert.equal(runs, 0);
  assert.equal(await any, "sync");
  assert.equal(runs, 1);
  assert.equal(second.started, false);
  assert.equal(second.signal.aborted, true);
});

Deno.test("whenAny() cancels the tasks already started when a later one wins synchronously", async () => {
  const slow = sleeper(1000, "slow");
  assert.equal(await whenAny(slow, task(() => "sync")), "sync");
  assert.equal(slow.signal.aborted, true);
  assert.equal(await slow, "cancelled");
});

Deno.test("whenAny() over a synchronous task works under syncWait", () => {
  assert.equal(syncWait(whenAny([task(() => 1), task(() => 2)])), 1);
  const slow = sleeper(1000, "slow");
  assert.equal(syncWait(whenAny([slow, task(() => "sync")])), "sync");
  assert.equal(slow.signal.aborted, true);
  assert.throws(
    () =>
      syncWait(whenAny([task((): number => {
        throw new Error("sync");
      })])),
    /sync/,
  );
});

Deno.test("whenAny() with an aborted signal rejects with its reason and cancels all", async () => {
  const controller = new AbortController();
  controller.abort("gone");
  let runs = 0;
  const t = task(() => ++runs);
  await assert.rejects(
    async () => await whenAny([t], { signal: controller.signal }),
    (e) => e === "gone",
  );
  assert.equal(runs, 0);
  assert.equal(t.signal.reason, "gone");
});

Deno.test("whenAny() rejects when its signal aborts mid-race and cancels every task", async () => {
  const a = sleeper(1000, "a");
  const b = sleeper(1000, "b");
  const signal = AbortSignal.timeout(5);
  await assert.rejects(
    async () => await whenAny([a, b], { signal }),
    (e) => e instanceof DOMException && e.name === "TimeoutError",
  );
  assert.equal(a.signal.aborted, true);
  assert.equal(b.signal.aborted, true);
  assert.equal(await a, "cancelled");
});

Deno.test("whenAny() of nothing is a RangeError", () => {
  assert.throws(
    () => whenAny([]),
    (e) =>
      e instanceof RangeError &&
      e.message ===
        "Cannot wait for any: expected at least one Task or PromiseLike, got none",
  );
  assert.throws(() => whenAny(), RangeError);
});

Deno.test("whenAny() rejects a non-awaitable argument with its position", () => {
  assert.throws(
    // @ts-expect-error: testing a wrong type
    () => whenAny(task(() => 1), "x"),
    (e) =>
      e instanceof TypeError &&
      e.message ===
        'Cannot wait for any: argument 1 must be a Task or PromiseLike, got the string "x"',
  );
  assert.throws(
    // @ts-expect-error: testing a wrong type
    () => whenAny([1]),
    /item 0 must be a Task or PromiseLike, got number 1/,
  );
  assert.throws(
    // @ts-expect-error: testing a wrong type
    () => whenAny([Promise.resolve(1)], 5),
    /options must be an object, got number 5/,
  );
});

Deno.test("whenAny() with a plain promise among its inputs starts at once", async () => {
  const unhandled = await collectUnhandled(async () => {
    const any = whenAny([later(1, "x", new Error("first")), later(50, "y")]);
    assert.equal(any.started, true);
    await later(10, null);
    await assert.rejects(any.start(), /first/);
    await later(50, null);
  });
  assert.deepEqual(unhandled, []);
});

Deno.test("whenAny() accepts plain promises and a generator of tasks", async () => {
  function* gen() {
    yield sleeper(1000, "late");
    yield task(async () => "early");
  }
  assert.equal(await whenAny(gen()), "early");
  assert.equal(await whenAny(Promise.resolve(3), later(50, 4)), 3);
  await later(60, null);
});
