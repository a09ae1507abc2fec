// Copyright 2026 the coro authors. Apache-2.0 license.
// Task bodies here are often `async` without an `await`: that is the case
// under test (a body whose promise is already settled).
// deno-lint-ignore-file require-await
import assert from "node:assert/strict";
import { type Task, task, TaskGroup } from "../../combinators/mod.ts";
import { collectUnhandled, later } from "./_unhandled.ts";

/** Settles after `ms` unless its signal aborts first, then rejects with the reason. */
function abortable(signal: AbortSignal, ms: number, value: string) {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => resolve(value), ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

Deno.test("TaskGroup waits for every spawned task and gives results in spawn order", async () => {
  const group = new TaskGroup();
  assert.equal(group.isEmpty, true);
  group.spawn(task(async () => {
    await later(20, null);
    return "slow";
  }));
  group.spawn(async () => "fast");
  group.spawn(later(5, "promise"));
  assert.equal(group.size, 3);
  assert.equal(group.isEmpty, false);
  const results = await group;
  assert.deepEqual(results.map((r) => r.returnValue()), [
    "slow",
    "fast",
    "promise",
  ]);
  assert.equal(group.size, 0);
  assert.equal(group.isEmpty, true);
});

Deno.test("TaskGroup without cancelOnFailure collects failures and keeps going", async () => {
  const unhandled = await collectUnhandled(async () => {
    const group = new TaskGroup();
    group.spawn(async () => {
      throw new Error("one");
    });
    const survivor = group.spawn(({ signal }) =>
      abortable(signal, 15, "survived")
    );
    const results = await group.wait();
    assert.equal(results[0]!.ok, false);
    assert.throws(() => results[0]!.returnValue(), /one/);
    assert.equal(results[1]!.value, "survived");
    assert.equal(group.signal.aborted, false);
    assert.equal(await survivor, "survived");
  });
  assert.deepEqual(unhandled, []);
});

Deno.test("TaskGroup with cancelOnFailure cancels the rest and rejects with the first failure", async () => {
  const unhandled = await collectUnhandled(async () => {
    const group = new TaskGroup({ cancelOnFailure: true });
    const first = new Error("first");
    let siblingSettled = false;
    const sibling: Task<string> = group.spawn(task(async ({ signal }) => {
      try {
        return await abortable(signal, 5000, "never");
      } finally {
        siblingSettled = true;
      }
    }));
    const viaGroupSignal = group.spawn(({ signal }) =>
      abortable(signal, 5000, "never")
    );
    group.spawn(async () => {
      await later(2, null);
      throw first;
    });
    await assert.rejects(group.wait(), (e) => e === first);
    // Waiting on the group means every child has settled.
    assert.equal(siblingSettled, true);
    assert.equal(group.size, 0);
    assert.equal(sibling.signal.aborted, true);
    assert.equal(sibling.signal.reason, first);
    await assert.rejects(viaGroupSignal.start(), (e) => e === first);
    await assert.rejects(async () => await group, (e) => e === first);
  });
  assert.deepEqual(unhandled, []);
});

Deno.test("TaskGroup.cancel() aborts the shared signal and cancels running tasks", async () => {
  const group = new TaskGroup();
  const child = group.spawn(task(({ signal }) => abortable(signal, 5000, "x")));
  group.cancel("stop");
  assert.equal(group.signal.reason, "stop");
  assert.equal(child.signal.reason, "stop");
  const [result] = await group;
  assert.equal(result!.error, "stop");
  const late = group.spawn(({ signal }) => signal.aborted);
  assert.equal(await late, true);
  await group;
});

Deno.test("TaskGroup follows a parent signal", async () => {
  const parent = new AbortController();
  const group = new TaskGroup({ signal: parent.signal });
  const child = group.spawn(({ signal }) => abortable(signal, 5000, "x"));
  parent.abort("parent");
  await assert.rejects(child.start(), (e) => e === "parent");
  await group;
  const already = new TaskGroup({ signal: parent.signal });
  assert.equal(already.signal.reason, "parent");
});

Deno.test("TaskGroup with await using waits for every task on scope exit", async () => {
  const log: string[] = [];
  {
    await using group = new TaskGroup();
    group.spawn(async () => {
      await later(10, null);
      log.push("child");
    });
    log.push("body");
  }
  log.push("after");
  assert.deepEqual(log, ["body", "child", "after"]);
});

Deno.test("TaskGroup with await using and cancelOnFailure throws the failure on exit", async () => {
  await assert.rejects(async () => {
    await using group = new TaskGroup({ cancelOnFailure: true });
    group.spawn(async () => {
      throw new Error("inside");
    });
  }, /inside/);
});

Deno.test("TaskGroup of nothing resolves to an empty array", async () => {
  assert.deepEqual(await new TaskGroup(), []);
});

Deno.test("TaskGroup.spawn() rejects what is not work", () => {
  const group = new TaskGroup();
  assert.throws(
    // @ts-expect-error: testing a wrong type
    () => group.spawn(7),
    (e) =>
      e instanceof TypeError &&
      e.message ===
        "Cannot spawn into task group: work must be a Task, PromiseLike or function, got number 7",
  );
  assert.equal(group.size, 0);
  assert.throws(
    // @ts-expect-error: testing a wrong type
    () => new TaskGroup(5),
    /options must be an object, got number 5/,
  );
});

Deno.test("TaskGroup can be waited on again after more spawns", async () => {
  const group = new TaskGroup();
  group.spawn(async () => 1);
  assert.equal((await group).length, 1);
  group.spawn(async () => 2);
  const results = await group;
  assert.deepEqual(results.map((r) => r.value), [1, 2]);
});
