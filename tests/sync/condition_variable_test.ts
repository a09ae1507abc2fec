// Copyright 2026 the coro authors. Apache-2.0 license.
import assert from "node:assert/strict";
import fc from "fast-check";
import { ConditionVariable } from "../../sync/condition_variable.ts";
import { Mutex } from "../../sync/mutex.ts";

function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

Deno.test("ConditionVariable.wait() releases the mutex while waiting and holds it again on return", async () => {
  const mutex = new Mutex();
  const cv = new ConditionVariable();
  const lock = await mutex.lock();
  const waiting = cv.wait(lock);
  assert.equal(mutex.isLocked, false);
  assert.equal(lock.owned, false);
  const other = mutex.tryLock()!;
  cv.notifyOne();
  await tick();
  assert.equal(lock.owned, false, "must wait for the mutex again");
  other.unlock();
  await waiting;
  assert.equal(lock.owned, true);
  lock.unlock();
  assert.equal(mutex.isLocked, false);
});

Deno.test("ConditionVariable.wait() with a true predicate returns without releasing the mutex", async () => {
  const mutex = new Mutex();
  const cv = new ConditionVariable();
  using lock = await mutex.lock();
  const p = cv.wait(lock, { predicate: () => true });
  assert.equal(lock.owned, true);
  assert.equal(cv.waiting, 0);
  await p;
});

Deno.test("ConditionVariable.wait() with a predicate absorbs notifications until it holds", async () => {
  const mutex = new Mutex();
  const cv = new ConditionVariable();
  let value = 0;
  let checks = 0;
  const waiter = (async () => {
    using lock = await mutex.lock();
    await cv.wait(lock, {
      predicate: () => {
        checks++;
        return value >= 3;
      },
    });
    assert.equal(lock.owned, true);
    return value;
  })();
  for (let i = 0; i < 3; i++) {
    await tick();
    using _lock = await mutex.lock();
    value++;
    cv.notifyAll();
  }
  assert.equal(await waiter, 3);
  assert.equal(checks, 4);
});

Deno.test("ConditionVariable.notifyOne() wakes waiters one at a time in FIFO order", async () => {
  const mutex = new Mutex();
  const cv = new ConditionVariable();
  const order: number[] = [];
  const waiters = [1, 2, 3].map(async (i) => {
    using lock = await mutex.lock();
    await cv.wait(lock);
    order.push(i);
  });
  await tick();
  assert.equal(cv.waiting, 3);
  cv.notifyOne();
  await tick();
  assert.deepEqual(order, [1]);
  cv.notifyOne();
  cv.notifyOne();
  cv.notifyOne(); // nobody left: not remembered
  await Promise.all(waiters);
  assert.deepEqual(order, [1, 2, 3]);
  assert.equal(cv.waiting, 0);
});

Deno.test("ConditionVariable.notifyAll() wakes every waiter, each re-acquiring the mutex in turn", async () => {
  const mutex = new Mutex();
  const cv = new ConditionVariable();
  let inside = 0;
  let max = 0;
  const waiters = Array.from({ length: 5 }, async () => {
    using lock = await mutex.lock();
    await cv.wait(lock);
    inside++;
    max = Math.max(max, inside);
    await tick();
    inside--;
  });
  await tick();
  assert.equal(cv.waiting, 5);
  cv.notifyAll();
  await Promise.all(waiters);
  assert.equal(max, 1);
  assert.equal(mutex.isLocked, false);
});

Deno.test("ConditionVariable.wait() aborted re-acquires the mutex, then rejects with the reason", async () => {
  const mutex = new Mutex();
  const cv = new ConditionVariable();
  const controller = new AbortController();
  const lock = await mutex.lock();
  const waiting = cv.wait(lock, { signal: controller.signal });
  const other = mutex.tryLock()!;
  controller.abort("cancelled");
  assert.equal(cv.waiting, 0);
  let settled = false;
  waiting.catch(() => {}).finally(() => settled = true);
  await tick();
  assert.equal(settled, false, "rejected without the mutex");
  other.unlock();
  await assert.rejects(waiting, (e) => e === "cancelled");
  assert.equal(lock.owned, true);
  lock.unlock();
});

Deno.test("ConditionVariable.wait() with an already-aborted signal rejects and keeps the mutex", async () => {
  const mutex = new Mutex();
  const cv = new ConditionVariable();
  using lock = await mutex.lock();
  await assert.rejects(
    cv.wait(lock, { signal: AbortSignal.abort("early") }),
    (e) => e === "early",
  );
  assert.equal(lock.owned, true);
  assert.equal(cv.waiting, 0);
});

Deno.test("ConditionVariable.wait() with AbortSignal.timeout() rejects with a TimeoutError holding the lock", async () => {
  const mutex = new Mutex();
  const cv = new ConditionVariable();
  using lock = await mutex.lock();
  await assert.rejects(
    cv.wait(lock, {
      predicate: () => false,
      signal: AbortSignal.timeout(5),
    }),
    { name: "TimeoutError" },
  );
  assert.equal(lock.owned, true);
});

Deno.test("ConditionVariable.wait() rejects misuse without changing anything", async () => {
  const mutex = new Mutex();
  const cv = new ConditionVariable();
  // deno-lint-ignore no-explicit-any
  assert.throws(() => cv.wait({} as any), {
    name: "TypeError",
    message:
      "Cannot wait on condition variable: lock must be a MutexLock, got an object (Object)",
  });
  const lock = await mutex.lock();
  // deno-lint-ignore no-explicit-any
  assert.throws(() => cv.wait(lock, { predicate: 1 as any }), TypeError);
  lock.unlock();
  assert.throws(() => cv.wait(lock), {
    name: "Error",
    message:
      "Cannot wait on condition variable: the lock does not hold its mutex",
  });
  assert.equal(cv.waiting, 0);
  assert.equal(mutex.isLocked, false);
});

Deno.test("ConditionVariable.wait() propagates a throwing predicate with the mutex held", async () => {
  const mutex = new Mutex();
  const cv = new ConditionVariable();
  let calls = 0;
  using lock = await mutex.lock();
  const waiting = cv.wait(lock, {
    predicate: () => {
      if (++calls === 2) throw new Error("bad predicate");
      return false;
    },
  });
  cv.notifyOne();
  await assert.rejects(waiting, { message: "bad predicate" });
  assert.equal(lock.owned, true);
});

Deno.test("ConditionVariable property: producer/consumer hand every item over exactly once, aborts leave no trace", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.integer({ min: 1, max: 6 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
      async (s, items, consumerAborts) => {
        const mutex = new Mutex();
        const cv = new ConditionVariable();
        const queue: number[] = [];
        let produced = 0;
        let done = false;
        const consumed: number[] = [];
        const consumers = consumerAborts.map(async (abort, c) => {
          await s.schedule(Promise.resolve(), `consumer ${c}`);
          const controller = new AbortController();
          if (abort) {
            s.schedule(Promise.resolve(), `abort ${c}`).then(() =>
              controller.abort(c)
            );
          }
          using lock = await mutex.lock();
          while (true) {
            try {
              await cv.wait(lock, {
                predicate: () => queue.length > 0 || done,
                signal: controller.signal,
              });
            } catch (e) {
              assert.equal(e, c);
              assert.equal(lock.owned, true);
              return;
            }
            assert.equal(lock.owned, true);
            if (queue.length === 0) return;
            consumed.push(queue.shift()!);
            await s.schedule(Promise.resolve(), `work ${c}`);
          }
        });
        const producer = (async () => {
          for (let i = 0; i < items; i++) {
            await s.schedule(Promise.resolve(), `produce ${i}`);
            using _lock = await mutex.lock();
            queue.push(produced++);
            cv.notifyOne();
          }
          await s.schedule(Promise.resolve(), "finish");
          using _lock = await mutex.lock();
          done = true;
          cv.notifyAll();
        })();
        await s.waitFor(Promise.all([producer, ...consumers]));
        assert.equal(cv.waiting, 0);
        assert.equal(mutex.isLocked, false);
        // Items left over are those no live consumer was there to take.
        assert.deepEqual([...consumed, ...queue], [
          ...Array(items).keys(),
        ]);
        if (consumerAborts.some((abort) => !abort)) {
          assert.equal(queue.length, 0, "a live consumer left items behind");
        }
      },
    ),
    { numRuns: 1000 },
  );
});
