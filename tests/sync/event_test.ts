// Copyright 2026 the coro authors. Apache-2.0 license.
import assert from "node:assert/strict";
import fc from "fast-check";
import { Event } from "../../sync/event.ts";

Deno.test("Event.set() resumes waiters in LIFO order by default", async () => {
  const event = new Event();
  const order: number[] = [];
  const waits = [1, 2, 3, 4].map(async (i) => {
    await event.wait();
    order.push(i);
  });
  assert.equal(event.waiting, 4);
  event.set();
  await Promise.all(waits);
  assert.deepEqual(order, [4, 3, 2, 1]);
  assert.equal(event.waiting, 0);
});

Deno.test("Event with resumeOrder fifo resumes waiters in arrival order", async () => {
  const event = new Event({ resumeOrder: "fifo" });
  const order: number[] = [];
  const waits = [1, 2, 3, 4].map(async (i) => {
    await event.wait();
    order.push(i);
  });
  event.set();
  await Promise.all(waits);
  assert.deepEqual(order, [1, 2, 3, 4]);
});

Deno.test("Event is awaitable directly and resolves at once when already set", async () => {
  const event = new Event();
  let resumed = false;
  const waiter = (async () => {
    await event;
    resumed = true;
  })();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(resumed, false);
  event.set();
  await waiter;
  assert.equal(resumed, true);
  await event;
  await event.wait();
  assert.equal(await event.then(() => 5), 5);
});

Deno.test("Event.reset() makes later waits suspend until the next set()", async () => {
  const event = new Event({ initiallySet: true });
  assert.equal(event.isSet, true);
  event.reset();
  assert.equal(event.isSet, false);
  let done = false;
  const wait = event.wait().then(() => {
    done = true;
  });
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(done, false);
  event.set();
  event.set();
  await wait;
  assert.equal(done, true);
});

Deno.test("Event rejects an unknown resumeOrder", () => {
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => new Event({ resumeOrder: "random" as any }),
    {
      name: "TypeError",
      message:
        'Cannot create event: resumeOrder must be "lifo" or "fifo", got the string "random"',
    },
  );
});

Deno.test("Event.wait() with an aborted signal rejects with its reason, even when set", async () => {
  const event = new Event();
  const signal = AbortSignal.abort("why");
  await assert.rejects(event.wait({ signal }), (e) => e === "why");
  assert.equal(event.waiting, 0);
  event.set();
  await assert.rejects(event.wait({ signal }), (e) => e === "why");
});

Deno.test("Event.wait() aborted while waiting leaves the queue at once", async () => {
  const event = new Event();
  const controller = new AbortController();
  const other = event.wait();
  const aborted = event.wait({ signal: controller.signal });
  assert.equal(event.waiting, 2);
  controller.abort("stop");
  assert.equal(event.waiting, 1);
  await assert.rejects(aborted, (e) => e === "stop");
  event.set();
  await other;
});

Deno.test("Event.wait() with AbortSignal.timeout() rejects with a TimeoutError", async () => {
  const event = new Event();
  await assert.rejects(event.wait({ signal: AbortSignal.timeout(5) }), {
    name: "TimeoutError",
  });
  assert.equal(event.waiting, 0);
});

Deno.test("Event property: set resumes exactly the waiters not aborted, in LIFO or FIFO order", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.constantFrom("lifo" as const, "fifo" as const),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
      async (s, resumeOrder, aborts) => {
        const event = new Event({ resumeOrder });
        const arrived: number[] = [];
        const resumed: number[] = [];
        const rejected: number[] = [];
        const abortedBeforeSet = new Set<number>();
        const tasks = aborts.map(async (abort, i) => {
          await s.schedule(Promise.resolve(), `start ${i}`);
          const controller = new AbortController();
          if (abort) {
            s.schedule(Promise.resolve(), `abort ${i}`).then(() => {
              if (!event.isSet) abortedBeforeSet.add(i);
              controller.abort(i);
            });
          }
          arrived.push(i);
          try {
            await event.wait({ signal: controller.signal });
            resumed.push(i);
          } catch (e) {
            assert.equal(e, i);
            rejected.push(i);
          }
        });
        const setter = s.schedule(Promise.resolve(), "set").then(() => {
          const before = arrived.filter((i) => !abortedBeforeSet.has(i));
          assert.equal(event.waiting, before.length);
          event.set();
          return before;
        });
        const [, waitingAtSet] = await s.waitFor(
          Promise.all([Promise.all(tasks), setter]),
        );
        const expected = resumeOrder === "lifo"
          ? [...waitingAtSet].reverse()
          : waitingAtSet;
        assert.deepEqual(resumed.slice(0, waitingAtSet.length), expected);
        assert.equal(resumed.length + rejected.length, aborts.length);
        assert.deepEqual(rejected.toSorted(), [...abortedBeforeSet].toSorted());
        assert.equal(event.waiting, 0);
      },
    ),
    { numRuns: 1000 },
  );
});
