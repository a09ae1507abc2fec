// Copyright 2026 the coro authors. Apache-2.0 license.
import assert from "node:assert/strict";
import fc from "fast-check";
import { SharedMutex, SharedMutexLock } from "../../sync/shared_mutex.ts";
import { raceLocks } from "./_helpers.ts";

Deno.test("SharedMutex.lockShared() lets many readers hold the mutex at once", async () => {
  const mutex = new SharedMutex();
  const locks = await Promise.all([
    mutex.lockShared(),
    mutex.lockShared(),
    mutex.lockShared(),
  ]);
  assert.equal(mutex.readers, 3);
  assert.equal(mutex.isLocked, false);
  for (const lock of locks) {
    assert.equal(lock.mode, "shared");
    lock.unlock();
  }
  assert.equal(mutex.readers, 0);
});

Deno.test("SharedMutex.lock() waits for current readers and blocks later readers", async () => {
  const mutex = new SharedMutex();
  const order: string[] = [];
  const r1 = await mutex.lockShared();
  const r2 = await mutex.lockShared();
  const writer = mutex.lock().then((lock) => {
    order.push("writer");
    return lock;
  });
  const r3 = mutex.lockShared().then((lock) => {
    order.push("r3");
    return lock;
  });
  assert.equal(mutex.tryLockShared(), undefined);
  assert.equal(mutex.waiting, 2);
  r1.unlock();
  await Promise.resolve();
  assert.deepEqual(order, []);
  r2.unlock();
  const w = await writer;
  assert.deepEqual(order, ["writer"]);
  assert.equal(mutex.isLocked, true);
  w.unlock();
  (await r3).unlock();
  assert.deepEqual(order, ["writer", "r3"]);
});

Deno.test("SharedMutex releasing a writer wakes every reader queued before the next writer", async () => {
  const mutex = new SharedMutex();
  const w1 = await mutex.lock();
  const got: string[] = [];
  const track = (name: string, p: Promise<SharedMutexLock>) =>
    p.then((lock) => {
      got.push(name);
      return lock;
    });
  const ra = track("ra", mutex.lockShared());
  const rb = track("rb", mutex.lockShared());
  const w2 = track("w2", mutex.lock());
  const rc = track("rc", mutex.lockShared());
  w1.unlock();
  const [a, b] = await Promise.all([ra, rb]);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(got, ["ra", "rb"]);
  assert.equal(mutex.readers, 2);
  a.unlock();
  b.unlock();
  (await w2).unlock();
  (await rc).unlock();
  assert.deepEqual(got, ["ra", "rb", "w2", "rc"]);
  assert.equal(mutex.readers, 0);
  assert.equal(mutex.isLocked, false);
});

Deno.test("SharedMutex.tryLock() and tryLockShared() succeed only when nothing blocks them", () => {
  const mutex = new SharedMutex();
  const r = mutex.tryLockShared()!;
  assert.equal(mutex.tryLock(), undefined);
  r.unlock();
  const w = mutex.tryLock()!;
  assert.equal(w.mode, "exclusive");
  assert.equal(mutex.tryLock(), undefined);
  assert.equal(mutex.tryLockShared(), undefined);
  w[Symbol.dispose]();
  assert.equal(mutex.isLocked, false);
});

Deno.test("SharedMutexLock.unlock() twice throws and changes nothing; dispose after unlock is a no-op", async () => {
  const mutex = new SharedMutex();
  const a = await mutex.lockShared();
  const b = await mutex.lockShared();
  a.unlock();
  assert.throws(() => a.unlock(), {
    message: "Cannot unlock shared lock: it was already released",
  });
  a[Symbol.dispose]();
  assert.equal(mutex.readers, 1);
  b.unlock();
  const w = await mutex.lock();
  w.unlock();
  assert.throws(() => w.unlock(), {
    message: "Cannot unlock exclusive lock: it was already released",
  });
  assert.equal(mutex.isLocked, false);
});

Deno.test("SharedMutexLock cannot be constructed directly", () => {
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => new (SharedMutexLock as any)(Symbol("x"), new SharedMutex(), true),
    TypeError,
  );
});

Deno.test("SharedMutex an aborted waiting writer lets the readers behind it in", async () => {
  const mutex = new SharedMutex();
  const r1 = await mutex.lockShared();
  const controller = new AbortController();
  const writer = mutex.lock({ signal: controller.signal });
  const r2 = mutex.lockShared();
  assert.equal(mutex.waiting, 2);
  controller.abort("no");
  await assert.rejects(writer, (e) => e === "no");
  const lock = await r2;
  assert.equal(mutex.readers, 2);
  assert.equal(mutex.waiting, 0);
  lock.unlock();
  r1.unlock();
});

Deno.test("SharedMutex lock() and lockShared() with an aborted signal reject and take nothing", async () => {
  const mutex = new SharedMutex();
  const signal = AbortSignal.abort("x");
  await assert.rejects(mutex.lock({ signal }), (e) => e === "x");
  await assert.rejects(mutex.lockShared({ signal }), (e) => e === "x");
  assert.equal(mutex.readers, 0);
  assert.equal(mutex.isLocked, false);
  assert.equal(mutex.waiting, 0);
});

Deno.test("SharedMutex.lockShared() with AbortSignal.timeout() rejects with a TimeoutError", async () => {
  const mutex = new SharedMutex();
  using _w = await mutex.lock();
  await assert.rejects(
    mutex.lockShared({ signal: AbortSignal.timeout(5) }),
    { name: "TimeoutError" },
  );
  assert.equal(mutex.waiting, 0);
});

Deno.test("SharedMutex property: reader/writer exclusion, arrival-order grants (no writer starvation), aborts leave no trace", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(
        fc.record({
          writer: fc.boolean(),
          holdSteps: fc.integer({ min: 0, max: 2 }),
          abort: fc.boolean(),
        }),
        { minLength: 1, maxLength: 8 },
      ),
      async (s, plans) => {
        const mutex = new SharedMutex();
        let readers = 0;
        let writers = 0;
        // Grants follow arrival order exactly: nobody, reader or writer,
        // ever overtakes an earlier request, so no writer starves.
        await raceLocks(s, plans, {
          lock: (plan, signal) =>
            plan.writer ? mutex.lock({ signal }) : mutex.lockShared({ signal }),
          enter(plan) {
            if (plan.writer) {
              assert.equal(readers + writers, 0, "writer entered while held");
              writers++;
            } else {
              assert.equal(writers, 0, "reader entered while a writer held");
              readers++;
            }
          },
          exit(plan) {
            if (plan.writer) writers--;
            else readers--;
          },
          orderMessage: "granted out of arrival order",
        });
        assert.equal(mutex.readers, 0);
        assert.equal(mutex.isLocked, false);
        assert.equal(mutex.waiting, 0);
      },
    ),
    { numRuns: 1000 },
  );
});

Deno.test("SharedMutex property: readers never queue when no writer is involved", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.integer({ min: 2, max: 6 }),
      async (s, n) => {
        const mutex = new SharedMutex();
        let inside = 0;
        const tasks = Array.from({ length: n }, async (_, i) => {
          await s.schedule(Promise.resolve(), `start ${i}`);
          const pending = mutex.lockShared();
          assert.equal(mutex.waiting, 0, "a reader queued behind readers");
          assert.equal(mutex.readers, inside + 1);
          using _lock = await pending;
          inside++;
          await s.schedule(Promise.resolve(), `hold ${i}`);
          inside--;
        });
        await s.waitFor(Promise.all(tasks));
        assert.equal(mutex.readers, 0);
      },
    ),
    { numRuns: 1000 },
  );
});
