// Copyright 2026 the coro authors. Apache-2.0 license.
import assert from "node:assert/strict";
import fc from "fast-check";
import { Semaphore, SemaphorePermit } from "../../sync/semaphore.ts";

/** Runs the scheduler until nothing is scheduled and microtasks settle. */
async function drive(s: fc.Scheduler): Promise<void> {
  do {
    await s.waitAll();
    for (let i = 0; i < 20; i++) await Promise.resolve();
  } while (s.count() > 0);
}

Deno.test("new Semaphore() rejects a bad max or initial value", () => {
  assert.throws(() => new Semaphore(0), {
    name: "RangeError",
    message: "Cannot create semaphore: max must be a positive integer, got 0",
  });
  assert.throws(() => new Semaphore(1.5), RangeError);
  assert.throws(() => new Semaphore(-1), RangeError);
  assert.throws(() => new Semaphore(Infinity), RangeError);
  assert.throws(() => new Semaphore(NaN), RangeError);
  assert.throws(() => new Semaphore("2" as unknown as number), {
    name: "TypeError",
    message:
      'Cannot create semaphore: max must be a number, got the string "2"',
  });
  assert.throws(() => new Semaphore(2, { initial: 3 }), {
    name: "RangeError",
    message:
      "Cannot create semaphore: initial must be an integer from 0 to 2, got 3",
  });
  assert.throws(() => new Semaphore(2, { initial: -1 }), RangeError);
  assert.throws(
    () => new Semaphore(2, { initial: null as unknown as number }),
    TypeError,
  );
});

Deno.test("Semaphore starts with max free permits unless told otherwise", () => {
  const full = new Semaphore(3);
  assert.equal(full.max, 3);
  assert.equal(full.value, 3);
  const empty = new Semaphore(3, { initial: 0 });
  assert.equal(empty.value, 0);
  assert.equal(empty.tryAcquire(), false);
});

Deno.test("Semaphore.tryAcquire() takes a free permit and never waits", () => {
  const semaphore = new Semaphore(2);
  assert.equal(semaphore.tryAcquire(), true);
  assert.equal(semaphore.tryAcquire(), true);
  assert.equal(semaphore.tryAcquire(), false);
  assert.equal(semaphore.value, 0);
  semaphore.release();
  assert.equal(semaphore.value, 1);
});

Deno.test("Semaphore.release() over max throws a RangeError and changes nothing", () => {
  const semaphore = new Semaphore(2, { initial: 1 });
  semaphore.release();
  assert.throws(() => semaphore.release(), {
    name: "RangeError",
    message:
      "Cannot release semaphore: all 2 permits are already free, expected a release only after an acquire",
  });
  assert.equal(semaphore.value, 2);
  assert.equal(semaphore.tryAcquire(), true);
});

Deno.test("Semaphore.acquire() resumes waiters in FIFO order, handing the permit over", async () => {
  const semaphore = new Semaphore(1);
  assert.equal(await semaphore.acquire(), "acquired");
  const order: number[] = [];
  const waiters = [0, 1, 2].map((i) =>
    semaphore.acquire().then((result) => {
      assert.equal(result, "acquired");
      order.push(i);
    })
  );
  assert.equal(semaphore.waiting, 3);
  for (let i = 0; i < 3; i++) {
    semaphore.release();
    // The permit went to the waiter, not to the counter, so a newcomer
    // cannot take it.
    assert.equal(semaphore.value, 0);
    assert.equal(semaphore.tryAcquire(), false);
    await waiters[i];
  }
  assert.deepEqual(order, [0, 1, 2]);
  semaphore.release();
  assert.equal(semaphore.value, 1);
});

Deno.test("Semaphore.acquire() with an aborted signal rejects even when a permit is free", async () => {
  const semaphore = new Semaphore(1);
  const reason = new Error("stop");
  await assert.rejects(
    semaphore.acquire({ signal: AbortSignal.abort(reason) }),
    (error) => error === reason,
  );
  assert.equal(semaphore.value, 1);
});

Deno.test("Semaphore.acquire() aborted while waiting leaves the queue and takes no permit", async () => {
  const semaphore = new Semaphore(1, { initial: 0 });
  const controller = new AbortController();
  const aborted = semaphore.acquire({ signal: controller.signal });
  const next = semaphore.acquire();
  assert.equal(semaphore.waiting, 2);
  controller.abort(new Error("cancelled"));
  await assert.rejects(aborted, { message: "cancelled" });
  assert.equal(semaphore.waiting, 1);
  semaphore.release();
  assert.equal(await next, "acquired");
  assert.equal(semaphore.value, 0);
  semaphore.release();
  assert.equal(semaphore.value, 1);
});

Deno.test("Semaphore.acquire() times out with a TimeoutError from AbortSignal.timeout()", async () => {
  const semaphore = new Semaphore(1, { initial: 0 });
  await assert.rejects(
    semaphore.acquire({ signal: AbortSignal.timeout(5) }),
    { name: "TimeoutError" },
  );
  assert.equal(semaphore.waiting, 0);
});

Deno.test("Semaphore.acquire() settled by release is not undone by a later abort", async () => {
  const semaphore = new Semaphore(1, { initial: 0 });
  const controller = new AbortController();
  const pending = semaphore.acquire({ signal: controller.signal });
  semaphore.release();
  controller.abort();
  assert.equal(await pending, "acquired");
  assert.equal(semaphore.value, 0);
});

Deno.test("Semaphore.shutdown() settles every waiter and later acquires with shutdown", async () => {
  const semaphore = new Semaphore(2, { initial: 0 });
  const controller = new AbortController();
  const waiters = [
    semaphore.acquire(),
    semaphore.acquire({ signal: controller.signal }),
    semaphore.acquire(),
  ];
  semaphore.shutdown();
  assert.equal(semaphore.isShutdown, true);
  assert.equal(semaphore.waiting, 0);
  assert.deepEqual(await Promise.all(waiters), [
    "shutdown",
    "shutdown",
    "shutdown",
  ]);
  controller.abort();
  assert.equal(await semaphore.acquire(), "shutdown");
  assert.equal(semaphore.tryAcquire(), false);
  semaphore.shutdown();
  // Permits held before the shutdown can still be given back.
  semaphore.release();
  assert.equal(semaphore.value, 1);
});

Deno.test("Semaphore.acquirePermit() releases on every path out of a using scope", async () => {
  const semaphore = new Semaphore(1);
  await assert.rejects(async () => {
    using permit = await semaphore.acquirePermit();
    assert.equal(permit?.held, true);
    assert.equal(semaphore.value, 0);
    throw new Error("body failed");
  }, { message: "body failed" });
  assert.equal(semaphore.value, 1);
});

Deno.test("Semaphore.acquirePermit() waits in FIFO order with acquire()", async () => {
  const semaphore = new Semaphore(1);
  const first = semaphore.tryAcquirePermit()!;
  const order: string[] = [];
  const a = semaphore.acquirePermit().then((p) => {
    order.push("permit");
    return p;
  });
  const b = semaphore.acquire().then(() => order.push("acquire"));
  first.release();
  (await a)!.release();
  await b;
  assert.deepEqual(order, ["permit", "acquire"]);
  semaphore.release();
  assert.equal(semaphore.value, 1);
});

Deno.test("SemaphorePermit.release() twice throws, dispose after release does nothing", () => {
  const semaphore = new Semaphore(2);
  const permit = semaphore.tryAcquirePermit()!;
  assert.equal(permit.semaphore, semaphore);
  permit.release();
  assert.equal(permit.held, false);
  assert.throws(() => permit.release(), {
    name: "Error",
    message: "Cannot release semaphore permit: it was already released",
  });
  permit[Symbol.dispose]();
  assert.equal(semaphore.value, 2);
  assert.throws(
    () =>
      new SemaphorePermit(
        Symbol() as unknown as ConstructorParameters<
          typeof SemaphorePermit
        >[0],
        semaphore,
      ),
    TypeError,
  );
});

Deno.test("Semaphore.acquirePermit() gives undefined on shutdown and rejects on abort", async () => {
  const semaphore = new Semaphore(1, { initial: 0 });
  const controller = new AbortController();
  const aborted = semaphore.acquirePermit({ signal: controller.signal });
  const waiting = semaphore.acquirePermit();
  controller.abort(new Error("cancel"));
  await assert.rejects(aborted, { message: "cancel" });
  semaphore.shutdown();
  assert.equal(await waiting, undefined);
  assert.equal(await semaphore.acquirePermit(), undefined);
  assert.equal(semaphore.tryAcquirePermit(), undefined);
  await assert.rejects(
    semaphore.acquirePermit({ signal: AbortSignal.abort(new Error("x")) }),
    { message: "x" },
  );
  assert.equal(semaphore.value, 0);
});

Deno.test("Semaphore handles 20,000 waiters timing out in arrival order", async () => {
  const semaphore = new Semaphore(1, { initial: 0 });
  const controllers = Array.from(
    { length: 20_000 },
    () => new AbortController(),
  );
  const waits = controllers.map((c) =>
    semaphore.acquire({ signal: c.signal }).catch((e) => e)
  );
  for (const c of controllers) c.abort("gone");
  assert.deepEqual(new Set(await Promise.all(waits)), new Set(["gone"]));
  assert.equal(semaphore.waiting, 0);
  assert.equal(semaphore.value, 0);
});

Deno.test("Semaphore keeps FIFO order for the waiters left after aborts anywhere in the queue", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 40 }).chain((n) =>
        fc.tuple(
          fc.constant(n),
          fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i)),
        )
      ),
      async ([n, aborted]) => {
        const semaphore = new Semaphore(1, { initial: 0 });
        const controllers = Array.from(
          { length: n },
          () => new AbortController(),
        );
        const order: number[] = [];
        const waits = controllers.map((c, i) =>
          semaphore.acquire({ signal: c.signal }).then(
            () => order.push(i),
            () => {},
          )
        );
        for (const i of aborted) controllers[i]!.abort();
        assert.equal(semaphore.waiting, n - aborted.length);
        const left = n - aborted.length;
        for (let k = 0; k < left; k++) {
          semaphore.release();
          await Promise.resolve();
        }
        await Promise.all(waits);
        const expected = [...Array(n).keys()].filter((i) =>
          !aborted.includes(i)
        );
        assert.deepEqual(order, expected);
        assert.equal(semaphore.value, 0);
        assert.equal(semaphore.waiting, 0);
      },
    ),
    { numRuns: 1000 },
  );
});

Deno.test("Semaphore never hands out more than max permits under any interleaving", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.integer({ min: 1, max: 3 }),
      fc.array(
        fc.record({
          kind: fc.constantFrom("acquire", "try", "abortable", "permit"),
          hold: fc.integer({ min: 0, max: 2 }),
        }),
        { minLength: 1, maxLength: 8 },
      ),
      fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
      async (s, max, plans, shutdownAfter) => {
        const semaphore = new Semaphore(max);
        let held = 0;
        let finished = 0;
        let steps = 0;
        const check = (): void => {
          assert.ok(held <= max, `held ${held} > max ${max}`);
          // A permit being handed to a waiter is briefly in neither count.
          assert.ok(held + semaphore.value <= max, "a permit was created");
          if (shutdownAfter !== undefined && ++steps === shutdownAfter) {
            semaphore.shutdown();
          }
        };
        const tick = (): Promise<void> => s.schedule(Promise.resolve());
        const run = async (
          plan: { kind: string; hold: number },
        ): Promise<void> => {
          await tick();
          let got = false;
          let permit: SemaphorePermit | undefined;
          if (plan.kind === "permit") {
            const controller = new AbortController();
            tick().then(() => controller.abort(new Error("abort")));
            try {
              permit = await semaphore.acquirePermit({
                signal: controller.signal,
              });
              got = permit !== undefined;
              if (!got) assert.ok(semaphore.isShutdown);
            } catch (error) {
              assert.equal((error as Error).message, "abort");
            }
          } else if (plan.kind === "try") {
            got = semaphore.tryAcquire();
          } else if (plan.kind === "abortable") {
            const controller = new AbortController();
            tick().then(() => controller.abort(new Error("abort")));
            try {
              got = await semaphore.acquire({ signal: controller.signal }) ===
                "acquired";
            } catch (error) {
              assert.equal((error as Error).message, "abort");
            }
          } else {
            got = await semaphore.acquire() === "acquired";
            if (!got) assert.ok(semaphore.isShutdown);
          }
          if (got) held++;
          check();
          for (let i = 0; i < plan.hold; i++) await tick();
          if (got) {
            held--;
            if (permit !== undefined) permit[Symbol.dispose]();
            else semaphore.release();
          }
          check();
          finished++;
        };
        const all = Promise.all(plans.map(run));
        all.catch(() => {});
        await drive(s);
        assert.equal(finished, plans.length, "a task never finished");
        await all;
        assert.equal(held, 0);
        assert.equal(semaphore.value, max);
        assert.equal(semaphore.waiting, 0);
      },
    ),
    { numRuns: 1000 },
  );
});
