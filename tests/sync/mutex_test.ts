// Copyright 2026 the coro authors. Apache-2.0 license.
import assert from "node:assert/strict";
import fc from "fast-check";
import { Mutex, MutexLock } from "../../sync/mutex.ts";
import { raceLocks } from "./_helpers.ts";

function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

Deno.test("Mutex.lock() takes a free mutex and the lock releases on dispose", async () => {
  const mutex = new Mutex();
  assert.equal(mutex.isLocked, false);
  {
    using lock = await mutex.lock();
    assert.ok(lock instanceof MutexLock);
    assert.equal(lock.owned, true);
    assert.equal(lock.mutex, mutex);
    assert.equal(mutex.isLocked, true);
  }
  assert.equal(mutex.isLocked, false);
});

Deno.test("Mutex.lock() resumes waiters in FIFO order", async () => {
  const mutex = new Mutex();
  const first = await mutex.lock();
  const order: number[] = [];
  const waits = [1, 2, 3, 4, 5].map(async (i) => {
    using _lock = await mutex.lock();
    order.push(i);
    await tick();
  });
  assert.equal(mutex.waiting, 5);
  first.unlock();
  await Promise.all(waits);
  assert.deepEqual(order, [1, 2, 3, 4, 5]);
  assert.equal(mutex.isLocked, false);
  assert.equal(mutex.waiting, 0);
});

Deno.test("Mutex hands the lock straight to the next waiter, so tryLock() cannot barge", async () => {
  const mutex = new Mutex();
  const first = mutex.tryLock()!;
  const second = mutex.lock();
  first.unlock();
  assert.equal(mutex.isLocked, true);
  assert.equal(mutex.tryLock(), undefined);
  const lock = await second;
  assert.equal(lock.owned, true);
  lock.unlock();
  assert.equal(mutex.isLocked, false);
});

Deno.test("Mutex.tryLock() returns a lock when free and undefined when held", () => {
  const mutex = new Mutex();
  const lock = mutex.tryLock();
  assert.ok(lock);
  assert.equal(mutex.tryLock(), undefined);
  lock.unlock();
  const again = mutex.tryLock();
  assert.ok(again);
  again[Symbol.dispose]();
  assert.equal(mutex.isLocked, false);
});

Deno.test("Mutex.lock() keeps mutual exclusion across awaits inside the section", async () => {
  const mutex = new Mutex();
  let inside = 0;
  let max = 0;
  let counter = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      for (let round = 0; round < 3; round++) {
        using _lock = await mutex.lock();
        inside++;
        max = Math.max(max, inside);
        const read = counter;
        await Promise.resolve();
        counter = read + 1;
        inside--;
      }
    }),
  );
  assert.equal(max, 1);
  assert.equal(counter, 150);
});

Deno.test("MutexLock.unlock() twice throws and leaves the mutex to its new holder", async () => {
  const mutex = new Mutex();
  const first = await mutex.lock();
  first.unlock();
  const second = await mutex.lock();
  assert.throws(() => first.unlock(), {
    name: "Error",
    message: "Cannot unlock mutex lock: it was already released",
  });
  assert.equal(second.owned, true);
  first[Symbol.dispose]();
  assert.equal(second.owned, true);
  assert.equal(mutex.isLocked, true);
  second.unlock();
});

Deno.test("MutexLock dispose after an early unlock is a no-op", async () => {
  const mutex = new Mutex();
  {
    using lock = await mutex.lock();
    lock.unlock();
    assert.equal(mutex.isLocked, false);
  }
  assert.equal(mutex.isLocked, false);
});

Deno.test("Mutex.unlock() of an unlocked mutex throws and changes nothing", () => {
  const mutex = new Mutex();
  assert.throws(() => mutex.unlock(), {
    name: "Error",
    message: "Cannot unlock mutex: it is not locked",
  });
  assert.equal(mutex.isLocked, false);
  assert.ok(mutex.tryLock());
});

Deno.test("Mutex.unlock() releases whichever lock holds it; that lock's dispose is then a no-op", async () => {
  const mutex = new Mutex();
  const lock = await mutex.lock();
  mutex.unlock();
  assert.equal(lock.owned, false);
  const other = mutex.tryLock()!;
  lock[Symbol.dispose]();
  assert.equal(other.owned, true);
  other.unlock();
});

Deno.test("MutexLock cannot be constructed directly", () => {
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => new (MutexLock as any)(Symbol("x"), new Mutex()),
    TypeError,
  );
});

Deno.test("Mutex.lock() with an aborted signal rejects with its reason and takes nothing", async () => {
  const mutex = new Mutex();
  const reason = new Error("stop");
  await assert.rejects(
    mutex.lock({ signal: AbortSignal.abort(reason) }),
    (e) => e === reason,
  );
  assert.equal(mutex.isLocked, false);
  const held = mutex.tryLock()!;
  await assert.rejects(
    mutex.lock({ signal: AbortSignal.abort(reason) }),
    (e) => e === reason,
  );
  assert.equal(mutex.waiting, 0);
  held.unlock();
});

Deno.test("Mutex.lock() aborted while waiting leaves the queue at once and the next waiter gets the lock", async () => {
  const mutex = new Mutex();
  const held = await mutex.lock();
  const controller = new AbortController();
  const order: string[] = [];
  const a = mutex.lock().then((l) => {
    order.push("a");
    l.unlock();
  });
  const b = mutex.lock({ signal: controller.signal });
  const c = mutex.lock().then((l) => {
    order.push("c");
    l.unlock();
  });
  assert.equal(mutex.waiting, 3);
  controller.abort("gone");
  assert.equal(mutex.waiting, 2);
  await assert.rejects(b, (e) => e === "gone");
  held.unlock();
  await Promise.all([a, c]);
  assert.deepEqual(order, ["a", "c"]);
  assert.equal(mutex.isLocked, false);
});

Deno.test("Mutex.lock() granted before its signal aborts keeps the lock", async () => {
  const mutex = new Mutex();
  const held = await mutex.lock();
  const controller = new AbortController();
  const waiting = mutex.lock({ signal: controller.signal });
  held.unlock();
  controller.abort();
  const lock = await waiting;
  assert.equal(lock.owned, true);
  lock.unlock();
  assert.equal(mutex.isLocked, false);
});

Deno.test("Mutex.lock() removes its abort listener once granted", async () => {
  const mutex = new Mutex();
  const controller = new AbortController();
  let added = 0;
  let removed = 0;
  const signal = controller.signal;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (...args: Parameters<typeof add>) => {
    added++;
    add(...args);
  };
  signal.removeEventListener = (...args: Parameters<typeof remove>) => {
    removed++;
    remove(...args);
  };
  const held = await mutex.lock();
  const waiting = mutex.lock({ signal });
  held.unlock();
  (await waiting).unlock();
  assert.equal(added, 1);
  assert.equal(removed, 1);
});

Deno.test("Mutex.lock() with AbortSignal.timeout() rejects with a TimeoutError", async () => {
  const mutex = new Mutex();
  using _held = await mutex.lock();
  await assert.rejects(
    mutex.lock({ signal: AbortSignal.timeout(5) }),
    { name: "TimeoutError" },
  );
  assert.equal(mutex.waiting, 0);
});

Deno.test("Mutex serves 10,000 queued waiters and aborts in the middle of the queue cheaply", async () => {
  const mutex = new Mutex();
  const held = await mutex.lock();
  const controllers: AbortController[] = [];
  const waits: Promise<unknown>[] = [];
  let served = 0;
  for (let i = 0; i < 10_000; i++) {
    const controller = new AbortController();
    controllers.push(controller);
    waits.push(
      mutex.lock({ signal: controller.signal }).then((l) => {
        served++;
        l.unlock();
      }, () => {}),
    );
  }
  for (let i = 0; i < 10_000; i += 2) controllers[i]!.abort();
  assert.equal(mutex.waiting, 5_000);
  held.unlock();
  await Promise.all(waits);
  assert.equal(served, 5_000);
  assert.equal(mutex.isLocked, false);
});

Deno.test("Mutex keeps FIFO order among survivors when many aborted waits are dropped", async () => {
  const mutex = new Mutex();
  const held = await mutex.lock();
  const served: number[] = [];
  const controllers = new Map<number, AbortController>();
  const waits: Promise<void>[] = [];
  for (let i = 0; i < 200; i++) {
    let p: Promise<unknown>;
    if (i % 3 === 0) {
      p = mutex.lock();
    } else {
      const controller = new AbortController();
      controllers.set(i, controller);
      p = mutex.lock({ signal: controller.signal });
    }
    waits.push(p.then((l) => {
      served.push(i);
      (l as MutexLock).unlock();
    }, () => {}));
  }
  // Abort in a scrambled order so tombstones pile up everywhere.
  const victims = [...controllers.keys()].filter((i) => i % 5 !== 1);
  for (let k = 0; k < victims.length; k++) {
    const i = victims[(k * 37) % victims.length]!;
    controllers.get(i)!.abort();
  }
  const survivors = Array.from({ length: 200 }, (_, i) => i).filter((i) =>
    i % 3 === 0 || i % 5 === 1
  );
  assert.equal(mutex.waiting, survivors.length);
  held.unlock();
  await Promise.all(waits);
  assert.deepEqual(served, survivors);
  assert.equal(mutex.isLocked, false);
  assert.equal(mutex.waiting, 0);
});

Deno.test("Mutex property: mutual exclusion, FIFO order, and aborts leave no trace", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(
        fc.record({
          holdSteps: fc.integer({ min: 0, max: 2 }),
          abort: fc.boolean(),
        }),
        { minLength: 1, maxLength: 8 },
      ),
      async (s, plans) => {
        const mutex = new Mutex();
        let inside = 0;
        await raceLocks(s, plans, {
          // Waits without a signal take the plain path; mix both kinds.
          lock: (plan, signal) =>
            plan.abort ? mutex.lock({ signal }) : mutex.lock(),
          enter() {
            inside++;
            assert.equal(inside, 1, "two holders at once");
          },
          exit() {
            inside--;
          },
          orderMessage: "not FIFO",
        });
        assert.equal(mutex.isLocked, false);
        assert.equal(mutex.waiting, 0);
      },
    ),
    { numRuns: 1000 },
  );
});

Deno.test("examples/coro_mutex.ts prints every number from 1 to 100 exactly once", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "examples/coro_mutex.ts"],
    cwd: new URL("../../", import.meta.url),
    env: { NO_COLOR: "1" },
    signal: AbortSignal.timeout(60_000),
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const text = new TextDecoder().decode(stdout);
  assert.match(text, /^(\d+, )+\n$/);
  const numbers = text.trim().split(",").map((s) => s.trim()).filter(Boolean)
    .map(Number);
  assert.equal(numbers.length, 100);
  assert.deepEqual(
    numbers.toSorted((a, b) => a - b),
    Array.from({ length: 100 }, (_, i) => i + 1),
  );
});
