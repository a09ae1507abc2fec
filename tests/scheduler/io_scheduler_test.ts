// Copyright 2026 the coro authors. Apache-2.0 license.
import assert from "node:assert/strict";
import fc from "fast-check";
import { type Task, task } from "../../combinators/task.ts";
import {
  IoScheduler,
  type IoSchedulerPool,
} from "../../scheduler/io_scheduler.ts";
import { ShutdownError } from "../../scheduler/errors.ts";

function manual(): IoScheduler {
  return new IoScheduler({ threadStrategy: "manual" });
}

// ---- manual mode ----

Deno.test("IoScheduler manual mode runs nothing until processEvents()", async () => {
  await using s = manual();
  let ran = false;
  s.spawn(() => {
    ran = true;
  });
  const moved = s.schedule().then(() => "moved");
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(ran, false);
  assert.equal(s.size, 2);
  assert.equal(await s.processEvents(), 2);
  assert.equal(ran, true);
  assert.equal(await moved, "moved");
  assert.equal(s.size, 0);
});

Deno.test("IoScheduler.yield() resumes tasks round by round in FIFO order", async () => {
  await using s = manual();
  const log: string[] = [];
  for (const name of ["a", "b", "c"]) {
    s.spawn(async () => {
      for (let i = 0; i < 3; i++) {
        log.push(`${name}${i}`);
        await s.yield();
      }
    });
  }
  assert.equal(await s.processEvents(), 3);
  assert.deepEqual(log, ["a0", "b0", "c0"]);
  assert.equal(await s.processEvents(), 3);
  assert.deepEqual(log.slice(3), ["a1", "b1", "c1"]);
  assert.equal(await s.processEvents(), 3);
  assert.deepEqual(log.slice(6), ["a2", "b2", "c2"]);
  // The last resumptions finish the tasks.
  assert.equal(await s.processEvents(), 3);
  assert.equal(s.size, 0);
  assert.equal(await s.processEvents(), 0);
});

Deno.test("IoScheduler timers fire in deadline order, ties first in first out, at their virtual time", async () => {
  await using s = manual();
  const log: string[] = [];
  const sleeper = (name: string, ms: number) =>
    s.spawn(async () => {
      await s.yieldFor(ms);
      log.push(`${name}@${s.now()}`);
    });
  sleeper("c", 30);
  sleeper("a", 10);
  sleeper("b1", 20);
  sleeper("b2", 20);
  sleeper("zero", 0);
  await s.processEvents();
  assert.deepEqual(log, []);
  await s.processEvents(); // yieldFor(0) resumes on the next round
  assert.deepEqual(log, ["zero@0"]);
  await s.processEvents(15);
  assert.deepEqual(log, ["zero@0", "a@10"]);
  assert.equal(s.now(), 15);
  await s.processEvents(100);
  assert.deepEqual(log, ["zero@0", "a@10", "b1@20", "b2@20", "c@30"]);
  assert.equal(s.now(), 115);
});

Deno.test("IoScheduler.processEvents(advanceMs) steps through chained timers", async () => {
  await using s = manual();
  const wakes: number[] = [];
  s.spawn(async () => {
    for (let i = 0; i < 4; i++) {
      await s.yieldFor(10);
      wakes.push(s.now());
    }
  });
  await s.processEvents(35);
  assert.deepEqual(wakes, [10, 20, 30]);
  await s.processEvents(5);
  assert.deepEqual(wakes, [10, 20, 30, 40]);
});

Deno.test("IoScheduler.processEvents() interleaves yields and timers deterministically", async () => {
  await using s = manual();
  const log: string[] = [];
  s.spawn(async () => {
    log.push("a start");
    await s.yieldFor(5);
    log.push(`a woke ${s.now()}`);
    await s.yield();
    log.push(`a yielded ${s.now()}`);
  });
  s.spawn(async () => {
    log.push("b start");
    await s.scheduleAt(7);
    log.push(`b woke ${s.now()}`);
  });
  assert.equal(await s.processEvents(10), 5);
  assert.deepEqual(log, [
    "a start",
    "b start",
    "a woke 5",
    // a's yield is resumed by the next round, which runs at b's deadline.
    "b woke 7",
    "a yielded 7",
  ]);
});

Deno.test("IoScheduler.schedule(task, { timeout }) times out on the virtual clock without sleeping", async () => {
  await using s = manual();
  let seen: unknown;
  const slow = task(async ({ signal }) => {
    try {
      await s.yieldFor(1_000, { signal });
      return "finished";
    } catch (error) {
      seen = error;
      throw error;
    }
  });
  const result = s.schedule(slow, { timeout: 50 });
  await s.processEvents(49);
  assert.equal(seen, undefined);
  await s.processEvents(1);
  assert.deepEqual(await result, { status: "timeout" });
  assert.ok(slow.signal.aborted);
  const error = seen as unknown;
  assert.ok(error instanceof DOMException);
  assert.equal(error.name, "TimeoutError");
  assert.equal(s.now(), 50);
  assert.equal(s.size, 0);
});

Deno.test("IoScheduler.schedule(task, { timeout }) gives the value in time and drops its timer", async () => {
  await using s = manual();
  const quick = task(async () => {
    await s.yieldFor(10);
    return 7;
  });
  const result = s.schedule(quick, { timeout: 50 });
  await s.processEvents(10);
  assert.deepEqual(await result, { status: "ok", value: 7 });
  assert.equal(quick.signal.aborted, false);
  assert.equal(s.size, 0);
  assert.equal(await s.processEvents(100), 0);
});

Deno.test("IoScheduler.schedule(task) rejects with the task's own error", async () => {
  await using s = manual();
  // Attach the handler before processEvents() settles the promise, as for any
  // promise that may reject while nobody awaits it.
  const result = assert.rejects(
    s.schedule(() => {
      throw new RangeError("bad");
    }, { timeout: 10 }),
    { name: "RangeError", message: "bad" },
  );
  await s.processEvents();
  await result;
  const noTimeout = assert.rejects(
    s.schedule(async () => {
      await s.yield();
      throw new Error("later");
    }),
    { message: "later" },
  );
  await s.processEvents();
  await s.processEvents();
  await noTimeout;
});

Deno.test("IoScheduler.schedule(task) with an aborted signal cancels the task and never starts it late", async () => {
  await using s = manual();
  const controller = new AbortController();
  let started = false;
  const t = task(() => {
    started = true;
  });
  const result = s.schedule(t, { timeout: 100, signal: controller.signal });
  controller.abort(new Error("caller gave up"));
  await assert.rejects(result, { message: "caller gave up" });
  assert.ok(t.signal.aborted);
  await s.processEvents(200);
  assert.equal(started, false);
  assert.equal(s.size, 0);
});

Deno.test("IoScheduler reports a task's error after its timeout to onError", async () => {
  const errors: unknown[] = [];
  const s = new IoScheduler({
    threadStrategy: "manual",
    onError: (e) => errors.push(e),
  });
  const result = s.schedule(async () => {
    await s.yieldFor(100);
    throw new Error("too late");
  }, { timeout: 10 });
  await s.processEvents(10);
  assert.deepEqual(await result, { status: "timeout" });
  await s.processEvents(100);
  assert.equal(errors.length, 1);
  assert.equal((errors[0] as Error).message, "too late");
  await s.shutdown();
});

Deno.test("IoScheduler.processEvents() rejects bad input and misuse clearly", async () => {
  await using s = manual();
  await assert.rejects(s.processEvents(-1), {
    name: "RangeError",
    message:
      "Cannot process events: advanceMs must be a finite non-negative number, got -1",
  });
  await assert.rejects(s.processEvents(NaN), RangeError);
  await assert.rejects(s.processEvents(Infinity), RangeError);
  await assert.rejects(
    s.processEvents("5" as unknown as number),
    TypeError,
  );
  s.spawn(() => {});
  const first = s.processEvents();
  await assert.rejects(s.processEvents(), {
    name: "TypeError",
    message:
      "Cannot process events: a previous processEvents() call has not finished",
  });
  assert.equal(await first, 1);
  await using spawned = new IoScheduler();
  await assert.rejects(spawned.processEvents(), TypeError);
});

Deno.test("IoScheduler counts live tasks and waiters in size", async () => {
  await using s = manual();
  assert.equal(s.isEmpty, true);
  s.spawn(async () => {
    await s.yieldFor(10);
  });
  const joinable = s.spawnJoinable(() => 1);
  assert.equal(s.size, 2);
  await s.processEvents();
  // The spawned task is still running and sleeps on a timer.
  assert.equal(s.size, 2);
  assert.equal(await joinable, 1);
  await s.processEvents(10);
  assert.equal(s.size, 0);
  assert.equal(s.isEmpty, true);
});

Deno.test("IoScheduler virtual-time sleepers wake exactly at their deadlines in order (property)", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 50 }), {
        minLength: 1,
        maxLength: 20,
      }),
      fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 8 }),
      async (delays, advances) => {
        await using s = manual();
        const woke: { i: number; at: number }[] = [];
        delays.forEach((ms, i) =>
          s.spawn(async () => {
            await s.yieldFor(ms);
            woke.push({ i, at: s.now() });
          })
        );
        await s.processEvents(); // start every task
        for (const advance of advances) await s.processEvents(advance);
        await s.processEvents(50);
        await s.processEvents();
        assert.equal(woke.length, delays.length);
        for (const { i, at } of woke) {
          // A zero delay resumes on the next round, at the clock of that round.
          if (delays[i]! > 0) assert.equal(at, delays[i]);
        }
        const timed = woke.filter(({ i }) => delays[i]! > 0);
        for (let k = 1; k < timed.length; k++) {
          const a = timed[k - 1]!;
          const b = timed[k]!;
          assert.ok(
            delays[a.i]! < delays[b.i]! ||
              (delays[a.i] === delays[b.i] && a.i < b.i),
          );
        }
      },
    ),
    { numRuns: 100 },
  );
});

Deno.test("IoScheduler.shutdown() in manual mode drives the rest itself and drains timers on request", async () => {
  const s = manual();
  const log: string[] = [];
  s.spawn(async () => {
    await s.yieldFor(1_000);
    log.push(`woke ${s.now()}`);
  });
  await s.processEvents();
  await s.shutdown({ timers: "drain" });
  assert.deepEqual(log, ["woke 1000"]);
  assert.equal(await s.processEvents(), 0);
});

// ---- spawn mode ----

Deno.test("IoScheduler.schedule(task, { timeout }) aborts a real task's signal on timeout", async () => {
  await using s = new IoScheduler();
  let reason: unknown;
  const stuck = task(({ signal }) =>
    new Promise<string>((_, reject) => {
      signal.addEventListener("abort", () => {
        reason = signal.reason;
        reject(signal.reason);
      });
    })
  );
  const result = await s.schedule(stuck, { timeout: 10 });
  assert.deepEqual(result, { status: "timeout" });
  assert.ok(reason instanceof DOMException);
  assert.equal(reason.name, "TimeoutError");
  assert.equal(reason.message, "Task timed out after 10 ms");
});

Deno.test("IoScheduler sends errors of spawned tasks to onError", async () => {
  const errors: unknown[] = [];
  const s = new IoScheduler({ onError: (e) => errors.push(e) });
  s.spawn(() => {
    throw new Error("sync boom");
  });
  s.spawn(async () => {
    await s.yieldFor(1);
    throw new Error("async boom");
  });
  s.spawn(task(() => Promise.reject(new TypeError("task boom"))));
  await s.shutdown({ timers: "drain" });
  assert.deepEqual(
    errors.map((e) => (e as Error).message).sort(),
    ["async boom", "sync boom", "task boom"],
  );
});

Deno.test("IoScheduler reports spawned errors with console.error by default", async () => {
  // deno-lint-ignore no-console -- replaced to observe the default report
  const original = console.error;
  const reported: unknown[][] = [];
  // deno-lint-ignore no-console -- see above
  console.error = (...args: unknown[]) => {
    reported.push(args);
  };
  try {
    const s = new IoScheduler();
    s.spawn(() => {
      throw new Error("visible");
    });
    await s.shutdown();
  } finally {
    // deno-lint-ignore no-console -- see above
    console.error = original;
  }
  assert.equal(reported.length, 1);
  assert.equal((reported[0]![1] as Error).message, "visible");
});

Deno.test("IoScheduler.shutdown() with tasks sleeping in yieldFor never hangs", async () => {
  const errors: unknown[] = [];
  const s = new IoScheduler({ onError: (e) => errors.push(e) });
  const outcomes: string[] = [];
  for (let i = 0; i < 100; i++) {
    s.spawn(async () => {
      try {
        await s.yieldFor(3_600_000);
        outcomes.push("woke");
      } catch (error) {
        outcomes.push((error as Error).name);
        throw error;
      }
    });
  }
  const outside = s.yieldFor(3_600_000);
  const forever = s.yieldFor(Infinity);
  await s.yield();
  // 100 owned tasks, each with its sleeping continuation, and 2 outside sleepers.
  assert.equal(s.size, 202);
  await s.shutdown();
  assert.deepEqual(new Set(outcomes), new Set(["ShutdownError"]));
  assert.equal(outcomes.length, 100);
  await assert.rejects(outside, {
    name: "ShutdownError",
    message: "Timer cancelled: the scheduler was shut down before it fired",
  });
  await assert.rejects(forever, ShutdownError);
  // The ShutdownErrors caused by shutdown itself are expected, not reported.
  assert.deepEqual(errors, []);
  assert.equal(s.size, 0);
});

Deno.test("IoScheduler.shutdown({ timers: 'drain' }) lets pending timers fire and waits for tasks", async () => {
  const s = new IoScheduler();
  const log: string[] = [];
  s.spawn(async () => {
    await s.yieldFor(5);
    log.push("first");
  });
  s.spawn(async () => {
    await s.yieldFor(10);
    log.push("second");
  });
  const forever = s.yieldFor(Infinity);
  await s.yield();
  await s.shutdown({ timers: "drain" });
  assert.deepEqual(log, ["first", "second"]);
  await assert.rejects(forever, ShutdownError);
});

Deno.test("IoScheduler refuses work after shutdown with a clear ShutdownError", async () => {
  const s = new IoScheduler();
  const first = s.shutdown();
  assert.equal(s.shutdown(), first);
  await first;
  await assert.rejects(s.schedule(), {
    name: "ShutdownError",
    message: "Cannot schedule: the scheduler is shut down",
  });
  await assert.rejects(s.yield(), ShutdownError);
  await assert.rejects(s.yieldFor(10), ShutdownError);
  await assert.rejects(s.scheduleAt(0), ShutdownError);
  await assert.rejects(s.schedule(() => 1, { timeout: 5 }), {
    name: "ShutdownError",
    message: "Cannot schedule a task: the scheduler is shut down",
  });
  assert.throws(() => s.spawn(() => {}), {
    name: "ShutdownError",
    message: "Cannot spawn a task: the scheduler is shut down",
  });
  assert.throws(() => s.spawnJoinable(() => 1), ShutdownError);
  assert.equal(s.isShutdown, true);
});

Deno.test("IoScheduler.shutdown() still resumes continuations that were ready and waits for spawned tasks", async () => {
  const s = new IoScheduler();
  const log: string[] = [];
  const ready = s.yield().then(() => log.push("ready resumed"));
  s.spawn(async () => {
    log.push("spawned ran");
    try {
      await s.yield();
    } catch (error) {
      log.push((error as Error).name);
    }
  });
  await s.shutdown();
  await ready;
  assert.deepEqual(log, ["spawned ran", "ready resumed", "ShutdownError"]);
});

Deno.test("IoScheduler rejects negative, NaN and non-number delays clearly", async () => {
  await using s = new IoScheduler();
  await assert.rejects(s.yieldFor(-1), {
    name: "RangeError",
    message:
      "Cannot yield for a delay: ms must be a non-negative number, got -1",
  });
  await assert.rejects(s.scheduleAfter(NaN), {
    name: "RangeError",
    message:
      "Cannot schedule after a delay: ms must be a non-negative number, got NaN",
  });
  await assert.rejects(s.yieldUntil(NaN), RangeError);
  await assert.rejects(s.scheduleAfter("5" as unknown as number), {
    name: "TypeError",
    message:
      'Cannot schedule after a delay: ms must be a number, got the string "5"',
  });
  await assert.rejects(s.schedule(() => 1, { timeout: -5 }), {
    name: "RangeError",
    message:
      "Cannot schedule a task: timeout must be a non-negative number, got -5",
  });
  await assert.rejects(
    s.yield({ signal: "x" as unknown as AbortSignal }),
    TypeError,
  );
  await assert.rejects(
    s.schedule(Promise.resolve(1) as unknown as Task<number>),
    TypeError,
  );
  assert.throws(() => s.spawn(5 as unknown as () => void), {
    name: "TypeError",
    message:
      "Cannot spawn a task: expected a Task or a task body function, got number 5",
  });
  assert.equal(s.size, 0);
});

Deno.test("IoScheduler.scheduleAt() with a time in the past resumes on the next hop", async () => {
  await using s = new IoScheduler();
  const log: string[] = [];
  const past = s.scheduleAt(s.now() - 1_000).then(() => log.push("past"));
  const yielded = s.yield().then(() => log.push("yield"));
  const minusInfinity = s.yieldUntil(-Infinity).then(() => log.push("-inf"));
  log.push("caller");
  await Promise.all([past, yielded, minusInfinity]);
  assert.deepEqual(log, ["caller", "past", "yield", "-inf"]);
});

Deno.test("IoScheduler waits reject with the signal's reason and leave the scheduler", async () => {
  await using s = new IoScheduler();
  const already = AbortSignal.abort(new Error("already"));
  await assert.rejects(s.yield({ signal: already }), { message: "already" });
  await assert.rejects(s.yieldFor(10, { signal: already }), {
    message: "already",
  });
  const controller = new AbortController();
  const queued = s.schedule({ signal: controller.signal });
  const sleeping = s.yieldFor(60_000, { signal: controller.signal });
  const endless = s.yieldFor(Infinity, { signal: controller.signal });
  assert.equal(s.size, 3);
  controller.abort(new Error("stop"));
  assert.equal(s.size, 0);
  await assert.rejects(queued, { message: "stop" });
  await assert.rejects(sleeping, { message: "stop" });
  await assert.rejects(endless, { message: "stop" });
  // A signal that never aborts does not disturb a normal wait.
  await s.yieldFor(1, { signal: new AbortController().signal });
  await s.yield({ signal: new AbortController().signal });
});

Deno.test("IoScheduler.yield() is a real macrotask hop: timers and I/O make progress", async () => {
  await using s = new IoScheduler();
  let fired = false;
  const timer = setTimeout(() => fired = true, 1);
  let hops = 0;
  while (!fired && hops < 10_000_000) {
    await s.yield();
    hops++;
  }
  clearTimeout(timer);
  assert.equal(fired, true);
  let read = false;
  const reading = Deno.readFile(new URL(import.meta.url)).then(() =>
    read = true
  );
  while (!read) await s.yield();
  await reading;
});

Deno.test("IoScheduler.spawnJoinable() keeps the result or error for later and forwards cancel", async () => {
  await using s = new IoScheduler();
  const value = s.spawnJoinable(async () => {
    await s.yield();
    return "value";
  });
  const failing = s.spawnJoinable(() => Promise.reject(new Error("kept")));
  let started = false;
  const cancelled = s.spawnJoinable(({ signal }) => {
    started = true;
    return new Promise((_, reject) =>
      signal.addEventListener("abort", () => reject(signal.reason))
    );
  });
  await s.yieldFor(2);
  assert.equal(started, true);
  cancelled.cancel(new Error("cancelled"));
  await assert.rejects(cancelled.start(), { message: "cancelled" });
  assert.equal(await value, "value");
  await assert.rejects(failing.start(), { message: "kept" });
});

Deno.test("IoScheduler calls onIoThreadStart at construction and onIoThreadStop after shutdown", async () => {
  const events: string[] = [];
  const s = new IoScheduler({
    onIoThreadStart: () => events.push("start"),
    onIoThreadStop: () => events.push("stop"),
  });
  assert.deepEqual(events, ["start"]);
  s.spawn(async () => {
    await s.yieldFor(2);
    events.push("task");
  });
  await s.shutdown({ timers: "drain" });
  assert.deepEqual(events, ["start", "task", "stop"]);
  await s.shutdown();
  assert.deepEqual(events, ["start", "task", "stop"]);
  const m = new IoScheduler({
    threadStrategy: "manual",
    onIoThreadStart: () => events.push("manual start"),
    onIoThreadStop: () => events.push("manual stop"),
  });
  await m.shutdown();
  assert.deepEqual(events, ["start", "task", "stop"]);
});

Deno.test("IoScheduler with the threadPool strategy hands owned tasks to the pool", async () => {
  const handed: Task<unknown>[] = [];
  const pool: IoSchedulerPool = {
    spawn<T>(t: Task<T>): Promise<T> {
      handed.push(t as Task<unknown>);
      return t.start();
    },
  };
  await using s = new IoScheduler({ executionStrategy: "threadPool", pool });
  const joined = s.spawnJoinable(() => 1);
  const scheduled = s.schedule(() => 2, { timeout: 1_000 });
  s.spawn(() => {});
  assert.equal(await joined, 1);
  assert.deepEqual(await scheduled, { status: "ok", value: 2 });
  await s.yield();
  assert.equal(handed.length, 3);
});

Deno.test("IoScheduler rejects invalid options clearly", () => {
  assert.throws(
    () => new IoScheduler({ executionStrategy: "threadPool" }),
    {
      name: "TypeError",
      message:
        'Cannot create scheduler: executionStrategy "threadPool" needs a pool option',
    },
  );
  assert.throws(
    () =>
      new IoScheduler({
        executionStrategy: "inline",
        pool: { spawn: (t) => t.start() },
      }),
    TypeError,
  );
  assert.throws(
    () => new IoScheduler({ threadStrategy: "thread" as "spawn" }),
    {
      name: "TypeError",
      message:
        'Cannot create scheduler: threadStrategy must be "spawn" or "manual", got the string "thread"',
    },
  );
  assert.throws(
    () => new IoScheduler({ onError: 3 as unknown as () => void }),
    TypeError,
  );
  assert.throws(
    () => new IoScheduler(null as unknown as undefined),
    TypeError,
  );
});

Deno.test("IoScheduler resumes a thousand concurrent yields in FIFO order", async () => {
  await using s = new IoScheduler();
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: 1_000 }, async (_, i) => {
      await s.yield();
      order.push(i);
    }),
  );
  assert.deepEqual(order, Array.from({ length: 1_000 }, (_, i) => i));
});

Deno.test("IoScheduler wakes many real sleepers with one runtime timer, in deadline order", async () => {
  await using s = new IoScheduler();
  const order: number[] = [];
  const delays = [8, 3, 5, 3, 1, 8, 0, 2];
  // One shared base, so each deadline is exactly base + delay however long
  // the calls themselves take on a loaded machine.
  const base = s.now();
  await Promise.all(delays.map(async (ms, i) => {
    await s.yieldUntil(base + ms);
    order.push(i);
  }));
  const expected = delays.map((ms, i) => ({ ms, i }))
    .sort((a, b) => a.ms - b.ms || a.i - b.i)
    .map(({ i }) => i);
  assert.deepEqual(order, expected);
});

Deno.test("IoScheduler.shutdown({ timers: 'drain' }) keeps serving waits until owned tasks finish", async () => {
  const s = new IoScheduler();
  const log: string[] = [];
  s.spawn(async () => {
    await s.yieldFor(2);
    await s.yield();
    await s.yieldFor(2);
    log.push("finished");
  });
  await s.shutdown({ timers: "drain" });
  assert.deepEqual(log, ["finished"]);
  await assert.rejects(s.yield(), ShutdownError);
});

Deno.test("IoScheduler.shutdown({ timers: 'cancel' }) cuts a drain in progress short", async () => {
  const s = new IoScheduler();
  const outcome: string[] = [];
  s.spawn(async () => {
    try {
      await s.yieldFor(3_600_000);
      outcome.push("woke");
    } catch (error) {
      outcome.push((error as Error).name);
    }
  });
  await s.yield();
  const draining = s.shutdown({ timers: "drain" });
  assert.equal(s.shutdown({ timers: "cancel" }), draining);
  await draining;
  assert.deepEqual(outcome, ["ShutdownError"]);
});

Deno.test("IoScheduler.shutdown() cancels a pending schedule(task) timeout and the task", async () => {
  const s = manual();
  const t = task(({ signal }) =>
    new Promise<number>((_, reject) =>
      signal.addEventListener("abort", () => reject(signal.reason))
    )
  );
  const result = assert.rejects(s.schedule(t, { timeout: 1_000 }), {
    name: "ShutdownError",
  });
  await s.processEvents();
  assert.equal(t.started, true);
  await s.shutdown();
  await result;
  assert.ok(t.signal.reason instanceof ShutdownError);
  assert.equal(s.size, 0);
});

Deno.test("IoScheduler rounds deadlines up to whole milliseconds", async () => {
  await using s = manual();
  const woke: number[] = [];
  s.yieldFor(2.5).then(() => woke.push(s.now()));
  await s.processEvents(2.5);
  assert.deepEqual(woke, []);
  await s.processEvents(0.5);
  assert.deepEqual(woke, [3]);
});

Deno.test("IoScheduler keeps timer order when sleepers sharing a deadline are aborted", async () => {
  await using s = manual();
  const log: string[] = [];
  const sleep = (name: string, signal?: AbortSignal) =>
    s.yieldFor(10, signal ? { signal } : {}).then(
      () => log.push(name),
      () => log.push(`${name} aborted`),
    );
  const first = new AbortController();
  const a = sleep("a", first.signal);
  first.abort();
  await a;
  // The emptied millisecond is reused by later sleepers.
  const middle = new AbortController();
  const waits = [sleep("b"), sleep("c", middle.signal), sleep("d")];
  middle.abort();
  await s.processEvents(10);
  await Promise.all(waits);
  assert.deepEqual(log, ["a aborted", "c aborted", "b", "d"]);
  assert.equal(s.size, 0);
});

Deno.test("IoScheduler drops the timers of tasks that finish before their timeout", async () => {
  await using s = manual();
  for (let i = 0; i < 1_000; i++) {
    const result = s.schedule(() => i, { timeout: 60_000 });
    await s.processEvents();
    assert.deepEqual(await result, { status: "ok", value: i });
  }
  assert.equal(s.size, 0);
  assert.equal(await s.processEvents(60_000), 0);
});
