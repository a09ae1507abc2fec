// Copyright 2026 the coro authors. Apache-2.0 license.
import assert from "node:assert/strict";
import {
  syncWait,
  SyncWaitError,
  task,
  whenAll,
} from "../../combinators/mod.ts";
import {
  SYNC_RESULT,
  type SyncResult,
} from "../../combinators/_sync_result.ts";

Deno.test("syncWait() runs a synchronous task inline and returns its value", () => {
  let runs = 0;
  const makeTaskInline = (x: number) =>
    task(() => {
      runs++;
      return x + x;
    });
  const t = makeTaskInline(5);
  assert.equal(syncWait(t), 10);
  assert.equal(runs, 1);
  assert.equal(syncWait(t), 10);
  assert.equal(runs, 1);
});

Deno.test("syncWait() rethrows a synchronous task's error", () => {
  const error = new Error("boom");
  assert.throws(
    () =>
      syncWait(task((): number => {
        throw error;
      })),
    (e) => e === error,
  );
});

Deno.test("syncWait() of nested synchronous tasks returns inline", () => {
  const double = (x: number) => task(() => x * 2);
  const addFive = (x: number) => task(() => syncWait(double(x)) + 5);
  assert.equal(syncWait(addFive(2)), 9);
});

Deno.test("syncWait() on a task that awaits throws SyncWaitError instead of hanging", async () => {
  const t = task(async () => {
    await Promise.resolve();
    return 1;
  });
  assert.throws(
    () => syncWait(t),
    (e) =>
      e instanceof SyncWaitError && e instanceof TypeError &&
      e.name === "SyncWaitError" &&
      /needs this thread's event loop/.test(e.message) &&
      /await it instead, or run the work on a ThreadPool/.test(
        e.message,
      ),
  );
  // The task was started and keeps running: awaiting it gives its value.
  assert.equal(await t, 1);
});

Deno.test("syncWait() on a plain promise throws SyncWaitError naming it", () => {
  assert.throws(
    () => syncWait(Promise.resolve(1)),
    (e) =>
      e instanceof SyncWaitError &&
      e.message.startsWith("Cannot sync-wait on an object (Promise)") &&
      e.message.includes("use await instead, or run the work on a ThreadPool"),
  );
});

Deno.test("syncWait() on a non-awaitable is a TypeError", () => {
  assert.throws(
    // @ts-expect-error: testing a wrong type
    () => syncWait(42),
    (e) =>
      e instanceof TypeError && !(e instanceof SyncWaitError) &&
      e.message ===
        "Cannot sync-wait: expected a Task, ThreadPool work or another awaitable, got number 42",
  );
});

/** Stands in for ThreadPool work: an awaitable that reports its outcome through the protocol. */
class Blocking implements PromiseLike<number> {
  calls = 0;
  constructor(readonly value: number) {}
  [SYNC_RESULT](): SyncResult<number> {
    this.calls++;
    return { done: true, ok: true, value: this.value };
  }
  then<R1 = number, R2 = never>(
    onfulfilled?: ((value: number) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return Promise.resolve(this.value).then(onfulfilled, onrejected);
  }
}

Deno.test("syncWait() uses any object's SYNC_RESULT protocol, also inside whenAll", async () => {
  const work = new Blocking(20);
  assert.equal(syncWait(work), 20);
  const a = new Blocking(1);
  const b = new Blocking(2);
  const results = syncWait(whenAll(a, b, task(() => 3)));
  assert.deepEqual(results.map((r) => r.value), [1, 2, 3]);
  assert.equal(a.calls, 1);
  // Awaited instead, whenAll treats the same objects as promises.
  const c = new Blocking(4);
  assert.equal((await whenAll(c))[0].value, 4);
  assert.equal(c.calls, 0);
});

Deno.test("syncWait() reports a protocol object that is not done with its reason", () => {
  const notDone = {
    [SYNC_RESULT]: (): SyncResult<number> => ({ done: false, reason: "busy" }),
    then: () => Promise.resolve(),
  } as unknown as PromiseLike<number>;
  assert.throws(() => syncWait(notDone), /\(busy\)/);
});
