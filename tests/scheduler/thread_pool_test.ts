// Copyright 2026 the coro authors. Apache-2.0 license.
import assert from "node:assert/strict";
import fc from "fast-check";
import { syncWait, whenAll, whenAny } from "../../combinators/mod.ts";
import {
  IoScheduler,
  ShutdownError,
  ThreadPool,
  type ThreadPoolOptions,
  WorkerCrashedError,
} from "../../scheduler/mod.ts";

type MathModule = typeof import("./testdata/pool_math.ts");
const MATH = new URL("./testdata/pool_math.ts", import.meta.url);

// Runs `fn` with a fresh pool and checks that it leaves no worker behind.
async function withPool(
  options: ThreadPoolOptions,
  fn: (pool: ThreadPool) => Promise<void>,
): Promise<void> {
  const pool = new ThreadPool(options);
  try {
    await fn(pool);
  } finally {
    await pool.shutdown();
    assert.equal(pool.threadCount, 0);
  }
}

Deno.test("ThreadPool runs exported functions in workers and returns their results", async () => {
  await withPool({ threadCount: 2 }, async (pool) => {
    const math = pool.bind<MathModule>(MATH);
    assert.equal(await math.add(1, 2), 3);
    assert.equal(await math.addLater(20, 22), 42);
    const sums = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => math.add(i, i)),
    );
    assert.deepEqual(sums, Array.from({ length: 1000 }, (_, i) => 2 * i));
  });
});

Deno.test("ThreadPool uses every worker and reports their index to onThreadStart/onThreadStop", async () => {
  const started: number[] = [];
  const stopped: number[] = [];
  await withPool({
    threadCount: 3,
    maxTasksPerThread: 1,
    onThreadStart: (i) => started.push(i),
    onThreadStop: (i) => stopped.push(i),
  }, async (pool) => {
    const math = pool.bind<MathModule>(MATH);
    // With one call per worker at most, three calls at once take all three.
    const indices = await Promise.all([
      math.whoAmILater(50),
      math.whoAmILater(50),
      math.whoAmILater(50),
    ]);
    assert.deepEqual(indices.toSorted(), [0, 1, 2]);
    assert.equal(pool.threadCount, 3);
  });
  assert.deepEqual(started.toSorted(), [0, 1, 2]);
  assert.deepEqual(stopped.toSorted(), [0, 1, 2]);
});

Deno.test("ThreadPool runs many calls at once in one worker", async () => {
  await withPool({ threadCount: 1 }, async (pool) => {
    const math = pool.bind<MathModule>(MATH);
    // gather(n) only resolves when n calls are running at the same time.
    const results = await Promise.all(
      Array.from({ length: 50 }, () => math.gather(50)),
    );
    assert.deepEqual(results, Array(50).fill(50));
    assert.equal(await math.cooperative(5), 5);
  });
});

Deno.test("ThreadPool starts queued calls in FIFO order", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 1000 }), {
        minLength: 1,
        maxLength: 30,
      }),
      fc.integer({ min: 1, max: 4 }),
      async (values, maxTasksPerThread) => {
        await withPool({ threadCount: 1, maxTasksPerThread }, async (pool) => {
          const math = pool.bind<MathModule>(MATH);
          const before = (await math.record(-1)).length;
          const logs = await Promise.all(values.map((v) => math.record(v)));
          const last = logs.reduce((a, b) => (a.length > b.length ? a : b));
          assert.deepEqual(last.slice(before), values);
        });
      },
    ),
    { numRuns: 8 },
  );
});

Deno.test("ThreadPool rejects a RangeError from a worker with its class, message and worker stack", async () => {
  await withPool({ threadCount: 1 }, async (pool) => {
    const math = pool.bind<MathModule>(MATH);
    const error = await math.failRange().then(
      () => assert.fail("expected a rejection"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof RangeError);
    assert.equal(error.message, "value out of range in worker");
    assert.match(error.stack!, /RangeError: value out of range in worker/);
    assert.match(error.stack!, /innerFail/);
    assert.match(error.stack!, /pool_math\.ts/);
  });
});

Deno.test("ThreadPool keeps a custom error's name, message, stack and own properties", async () => {
  await withPool({ threadCount: 1 }, async (pool) => {
    const math = pool.bind<MathModule>(MATH);
    const error = await math.failNamed("over quota").then(
      () => assert.fail("expected a rejection"),
      (e: unknown) => e as Error & { code?: string },
    );
    assert.ok(error instanceof Error);
    assert.equal(error.name, "QuotaError");
    assert.equal(error.message, "over quota");
    assert.equal(error.code, "E_QUOTA");
    assert.match(error.stack!, /failNamed/);
    await assert.rejects(math.failPlain(), (e) => {
      assert.deepEqual(e, { reason: "plain object" });
      return true;
    });
  });
});

for (
  const [fn, pattern] of [
    ["crash", /uncaught|worker blew up/],
    ["closeSelf", /exit code|close/],
    ["exitProcess", /exit code 7|exit/],
  ] as const
) {
  Deno.test(`ThreadPool replaces a worker killed by ${fn}() and loses no other call`, async () => {
    const started: number[] = [];
    const stopped: number[] = [];
    await withPool({
      threadCount: 1,
      maxTasksPerThread: 1,
      onThreadStart: (i) => started.push(i),
      onThreadStop: (i) => stopped.push(i),
    }, async (pool) => {
      const math = pool.bind<MathModule>(MATH);
      const fatal = fn === "exitProcess" ? math.exitProcess(7) : math[fn]();
      const queued = Array.from({ length: 10 }, (_, i) => math.add(i, 1));
      const error = await fatal.then(
        () => assert.fail("expected a rejection"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof WorkerCrashedError, String(error));
      assert.equal(error.functionName, fn);
      assert.equal(error.threadIndex, 0);
      assert.match(error.message, new RegExp(`while running ${fn} from`));
      assert.match(error.message, pattern);
      assert.deepEqual(
        await Promise.all(queued),
        Array.from({ length: 10 }, (_, i) => i + 1),
      );
      assert.equal(pool.threadCount, 1);
    });
    assert.deepEqual(started, [0, 0]);
    assert.deepEqual(stopped, [0, 0]);
  });
}

Deno.test("ThreadPool removes a cancelled queued call from the queue without running it", async () => {
  await withPool({ threadCount: 1, maxTasksPerThread: 1 }, async (pool) => {
    const math = pool.bind<MathModule>(MATH);
    const blocker = math.sleep(100);
    const controller = new AbortController();
    const cancelled = math.record.with({ signal: controller.signal })(1);
    const after = math.record(2);
    assert.equal(pool.size, 3);
    controller.abort(new Error("changed my mind"));
    await assert.rejects(cancelled, { message: "changed my mind" });
    assert.equal(pool.size, 2);
    assert.equal(await blocker, "slept");
    const log = await after;
    assert.equal(log.at(-1), 2);
    assert.ok(!log.includes(1));
    const already = math.add.with({ signal: AbortSignal.abort("early") });
    await assert.rejects(already(1, 2), (e) => e === "early");
  });
});

Deno.test("ThreadPool aborts a running call's signal in the worker", async () => {
  await withPool({ threadCount: 1 }, async (pool) => {
    const math = pool.bind<MathModule>(MATH);
    const controller = new AbortController();
    const running = math.recordAbort.with({ signal: controller.signal })();
    // Make sure it is running in the worker before cancelling it.
    await math.add(0, 0);
    controller.abort(new Error("stop now"));
    await assert.rejects(running, { message: "stop now" });
    assert.equal(await math.lastAbort(), "stop now");
    assert.equal(pool.size, 0);
  });
});

Deno.test("ThreadPool.shutdown() drains queued calls, then stops every worker", async () => {
  const stopped: number[] = [];
  const pool = new ThreadPool({
    threadCount: 2,
    maxTasksPerThread: 2,
    onThreadStop: (i) => stopped.push(i),
  });
  const math = pool.bind<MathModule>(MATH);
  const pending = Array.from({ length: 20 }, (_, i) => math.addLater(i, i));
  math.sleep.spawn(20);
  assert.equal(pool.size, 21);
  const done = pool.shutdown();
  assert.equal(pool.isShutdown, true);
  assert.equal(pool.shutdown(), done);
  await assert.rejects(math.add(1, 1), ShutdownError);
  assert.throws(() => math.add.spawn(1, 1), ShutdownError);
  await done;
  assert.deepEqual(
    await Promise.all(pending),
    Array.from({ length: 20 }, (_, i) => 2 * i),
  );
  assert.equal(pool.threadCount, 0);
  assert.equal(pool.size, 0);
  assert.deepEqual(stopped.toSorted(), [0, 1]);
});

Deno.test("ThreadPool.shutdown() does not wait for a cancelled call that ignores its signal", async () => {
  const pool = new ThreadPool({ threadCount: 1 });
  const math = pool.bind<MathModule>(MATH);
  const controller = new AbortController();
  const stuck = math.neverEnds.with({ signal: controller.signal })();
  await math.add(0, 0); // it is running now
  assert.equal(pool.size, 1);
  controller.abort(new Error("give up"));
  await assert.rejects(stuck, { message: "give up" });
  assert.equal(pool.size, 0);
  await pool.shutdown();
  assert.equal(pool.threadCount, 0);
});

Deno.test("ThreadPool.spawn() runs a call without waiting and reports its failure to onSpawnError", async () => {
  const errors: unknown[] = [];
  await withPool({
    threadCount: 1,
    onSpawnError: (e) => errors.push(e),
  }, async (pool) => {
    const math = pool.bind<MathModule>(MATH);
    const before = (await math.record(-1)).length;
    math.record.spawn(7);
    math.failNamed.spawn("spawned failure");
    const log = await math.record(8);
    assert.deepEqual(log.slice(before), [7, 8]);
    await pool.shutdown();
  });
  assert.equal(errors.length, 1);
  assert.equal((errors[0] as Error).message, "spawned failure");
});

Deno.test("ThreadPool transfers ArrayBuffers both ways when asked", async () => {
  await withPool({ threadCount: 1 }, async (pool) => {
    const math = pool.bind<MathModule>(MATH);
    const data = new Uint8Array([1, 2, 3, 4]);
    const result = await math.sumAndFill.with({ transfer: [data.buffer] })(
      data,
      9,
    );
    assert.equal(data.byteLength, 0); // moved, not copied
    assert.equal(result.sum, 10);
    assert.deepEqual(result.data, new Uint8Array([9, 9, 9, 9]));
  });
});

Deno.test("syncWait() blocks on pool work and returns its value or rethrows its error", async () => {
  await withPool({ threadCount: 2 }, async (pool) => {
    const math = pool.bind<MathModule>(MATH);
    assert.equal(syncWait(math.add.sync(1, 2)), 3);
    assert.equal(syncWait(math.addLater.sync(20, 22)), 42);
    for (let i = 0; i < 100; i++) {
      assert.equal(syncWait(math.add.sync(i, 1)), i + 1);
    }
    assert.throws(() => syncWait(math.failRange.sync()), (e) => {
      assert.ok(e instanceof RangeError);
      assert.match(e.stack!, /innerFail/);
      return true;
    });
    // The same object awaited is an ordinary asynchronous call.
    assert.equal(await math.add.sync(2, 3), 5);
    const results = syncWait(
      whenAll([math.add.sync(1, 1), math.add.sync(2, 2)]),
    );
    assert.deepEqual(results.map((r) => r.returnValue()), [2, 4]);
  });
});

Deno.test("syncWait() on pool work reports a crashed worker instead of hanging", async () => {
  await withPool({ threadCount: 1 }, async (pool) => {
    const math = pool.bind<MathModule>(MATH);
    assert.throws(() => syncWait(math.crash.sync()), (e) => {
      assert.ok(e instanceof WorkerCrashedError);
      assert.equal(e.functionName, "crash");
      return true;
    });
    // The blocked thread never saw the exit event; the pool replaces the
    // worker anyway.
    assert.equal(syncWait(math.add.sync(2, 2)), 4);
    assert.equal(await math.add(3, 3), 6);
  });
});

Deno.test("syncWait() on work that needs the blocked thread fails with a clear TimeoutError", async () => {
  await withPool({ threadCount: 1, syncTimeout: 150 }, async (pool) => {
    const math = pool.bind<MathModule>(MATH);
    // recordAbort only finishes when the caller cancels it, which a blocked
    // caller never can: a deadlock without the bounded wait.
    assert.throws(() => syncWait(math.recordAbort.sync()), (e) => {
      assert.ok(e instanceof DOMException);
      assert.equal(e.name, "TimeoutError");
      assert.match(e.message, /no result after 150 ms/);
      assert.match(e.message, /it can never finish/);
      return true;
    });
    // The worker was told to give up.
    assert.match((await math.lastAbort())!, /no result after 150 ms/);
    assert.equal(syncWait(math.add.with({ timeout: 5000 }).sync(1, 1)), 2);
    // No worker free to take it: the only one is stuck in synchronous code.
    const busy = math.spin(1500);
    await new Promise((resolve) => setTimeout(resolve, 100)); // it is spinning
    assert.throws(() => syncWait(math.add.with({ timeout: 100 }).sync(1, 1)), {
      name: "TimeoutError",
      message:
        /Worker 0 did not start the call; it is still starting up or busy running synchronous code/,
    });
    assert.ok((await busy) > 0);
    await pool.shutdown();
    assert.throws(() => syncWait(math.add.sync(1, 1)), ShutdownError);
  });
});

Deno.test("PoolFunction.task() is lazy, and cancelling it aborts the call in the worker", async () => {
  await withPool({ threadCount: 1 }, async (pool) => {
    const math = pool.bind<MathModule>(MATH);
    const t = math.add.task(4, 5);
    assert.equal(t.started, false);
    assert.equal(pool.size, 0);
    assert.equal(await t, 9);
    // whenAny cancels the loser, which the worker sees as an abort.
    const winner = await whenAny([
      math.addLater.task(1, 1),
      math.recordAbort.task(),
    ]);
    assert.equal(winner, 2);
    for (let i = 0; i < 100 && (await math.lastAbort()) === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.notEqual(await math.lastAbort(), undefined);
  });
});

Deno.test("PoolFunction.task() cancelled with a reason that cannot be cloned rejects with it and aborts the worker's signal with an AbortError", async () => {
  await withPool({ threadCount: 1 }, async (pool) => {
    const math = pool.bind<MathModule>(MATH);
    const t = math.recordAbort.task();
    const running = t.start();
    // Make sure it is running in the worker before cancelling it.
    await math.add(0, 0);
    const reason = { notCloneable() {} };
    t.cancel(reason);
    await assert.rejects(running, (e) => e === reason);
    assert.equal(await math.lastAbort(), "The call was aborted");
    assert.equal(pool.size, 0);
  });
});

Deno.test("syncWait() blocks on whenAll of pool tasks and pool calls, running each once", async () => {
  await withPool({ threadCount: 2 }, async (pool) => {
    const math = pool.bind<MathModule>(MATH);
    const results = syncWait(
      whenAll([1, 2, 3].map((x) => math.addLater.task(x, x))),
    );
    assert.deepEqual(results.map((r) => r.returnValue()), [2, 4, 6]);
    const [a, b] = syncWait(
      whenAll(math.add.sync(1.5, 1.5), math.failRange.task()),
    );
    assert.equal(a.returnValue(), 3);
    assert.throws(() => b.returnValue(), RangeError);
    // A call both awaited (by whenAll) and blocked on (by syncWait) runs once.
    const pool1 = new ThreadPool({ threadCount: 1 });
    try {
      const one = pool1.bind<MathModule>(MATH);
      const base = (await one.record(-1)).length;
      syncWait(whenAll([one.record.sync(1), one.record.task(2)]));
      assert.deepEqual((await one.record(3)).slice(base), [1, 2, 3]);
    } finally {
      await pool1.shutdown();
    }
    const t = math.add.task(20, 22);
    assert.equal(syncWait(t), 42);
    assert.equal(t.started, true);
    assert.equal(await t, 42); // settled once, not run again
  });
});

Deno.test("ThreadPool.spawn() owns a task until it settles, and shutdown waits for it", async () => {
  const pool = new ThreadPool({ threadCount: 1 });
  const math = pool.bind<MathModule>(MATH);
  const owned = pool.spawn(math.addLater.task(1, 2));
  assert.equal(pool.size, 2); // the owned task, and the call it made
  await pool.shutdown();
  assert.equal(pool.size, 0);
  assert.equal(await owned, 3);
  assert.equal(pool.threadCount, 0);
  await assert.rejects(pool.spawn(math.add.task(1, 1)), ShutdownError);
  assert.throws(
    () => pool.spawn(Promise.resolve(1) as never),
    {
      name: "TypeError",
      message: /expected a Task, got an object \(Promise\)/,
    },
  );
});

Deno.test("An IoScheduler with the threadPool strategy hands its tasks to a ThreadPool", async () => {
  await withPool({ threadCount: 2 }, async (pool) => {
    const math = pool.bind<MathModule>(MATH);
    await using scheduler = new IoScheduler({
      executionStrategy: "threadPool",
      pool,
    });
    assert.equal(await scheduler.spawnJoinable(math.add.task(2, 3)), 5);
    const indices = await Promise.all([
      scheduler.spawnJoinable(math.whoAmILater.task(30)),
      scheduler.spawnJoinable(math.whoAmILater.task(30)),
    ]);
    assert.deepEqual(indices.toSorted(), [0, 1]);
    assert.deepEqual(
      await scheduler.schedule(math.addLater.task(1, 1), { timeout: 5_000 }),
      { status: "ok", value: 2 },
    );
  });
});

Deno.test("ThreadPool rejects bad input with clear errors", async () => {
  for (const threadCount of [0, -1, 1.5, NaN]) {
    assert.throws(() => new ThreadPool({ threadCount }), {
      name: "RangeError",
      message:
        `Cannot create thread pool: threadCount must be a positive integer, got ${threadCount}`,
    });
  }
  assert.throws(
    () => new ThreadPool({ threadCount: "2" as unknown as number }),
    TypeError,
  );
  assert.throws(
    () => new ThreadPool({ threadCount: 1, maxTasksPerThread: 0 }),
    RangeError,
  );
  assert.throws(
    () =>
      new ThreadPool({
        threadCount: 1,
        onThreadStart: 5 as unknown as () => void,
      }),
    TypeError,
  );
  await withPool({ threadCount: 1 }, async (pool) => {
    assert.throws(() => pool.bind("./relative.ts"), {
      name: "TypeError",
      message: /expected a URL or an absolute URL string/,
    });
    const missing = pool.bind<MathModule>(
      new URL("./testdata/does_not_exist.ts", import.meta.url),
    );
    await assert.rejects(missing.add(1, 2), {
      name: "TypeError",
      message: /Cannot run add: failed to load module .*does_not_exist\.ts/,
    });
    const math = pool.bind<MathModule>(MATH);
    await assert.rejects(
      (math as unknown as { nope(n: number): Promise<number> })
        .nope(1),
      {
        name: "TypeError",
        message:
          /has no exported function named "nope" \(exported functions: .*add/,
      },
    );
    await assert.rejects(
      (math as unknown as { notAFunction(): Promise<number> }).notAFunction(),
      { message: /no exported function named "notAFunction"/ },
    );
    assert.throws(() => math.add.with(null as never), TypeError);
    assert.throws(() => math.add.with({ signal: {} as never }), TypeError);
    assert.throws(() => math.add.with({ transfer: {} as never }), TypeError);
    assert.throws(() => math.add.with({ timeout: -1 }), RangeError);
    const notCloneable = math.add(1, (() => 2) as unknown as number);
    const fine = math.add(1, 2);
    await assert.rejects(notCloneable, {
      name: "TypeError",
      message: /Cannot run add: its arguments cannot be sent to a worker/,
    });
    assert.equal(await fine, 3);
    await assert.rejects(math.returnsFunction(), {
      name: "TypeError",
      message: /Cannot send the result back from the worker/,
    });
    assert.throws(
      () => syncWait(math.add.sync(1, (() => 2) as unknown as number)),
      { name: "TypeError", message: /cannot be sent to a worker/ },
    );
  });
});

Deno.test("ThreadPool defaults threadCount to navigator.hardwareConcurrency", async () => {
  const pool = new ThreadPool();
  assert.equal(pool.threadCount, navigator.hardwareConcurrency);
  await pool.shutdown();
  assert.equal(pool.threadCount, 0);
});

// Runs a script in a child process and returns its exit code, stdout and the
// time it took.
async function runScript(
  code: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/script.ts`;
    await Deno.writeTextFile(file, code);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", file],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(20_000),
    }).output();
    return {
      code: out.code,
      stdout: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const POOL_URL =
  new URL("../../scheduler/thread_pool.ts", import.meta.url).href;

Deno.test("An idle ThreadPool does not keep the process alive", async () => {
  const { code, stdout, stderr } = await runScript(`
    import { ThreadPool } from ${JSON.stringify(POOL_URL)};
    const pool = new ThreadPool({ threadCount: 2 });
    const math = pool.bind(${JSON.stringify(MATH.href)});
    console.log(await math.add(2, 3));
    // no shutdown: the process must still exit
  `);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, "5\n");
});

Deno.test("A ThreadPool keeps the process alive while calls are in flight", async () => {
  const { code, stdout, stderr } = await runScript(`
    import { ThreadPool } from ${JSON.stringify(POOL_URL)};
    const pool = new ThreadPool({ threadCount: 1 });
    const math = pool.bind(${JSON.stringify(MATH.href)});
    math.sleep(200).then((v) => console.log(v));
  `);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, "slept\n");
});

Deno.test("examples/coro_thread_pool.ts starts and stops every worker and sums every child", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../../examples/coro_thread_pool.ts", import.meta.url).pathname,
    ],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const lines = stdout.trimEnd().split("\n");
  const resultAt = lines.findIndex((l) =>
    l.startsWith("calculated thread pool result = ")
  );
  assert.ok(resultAt > 0, stdout);
  // 10 children each add up 1,000,000 fair coin flips: 5,000,000 on average
  // with a standard deviation of about 1,600.
  const result = Number(lines[resultAt]!.split(" = ")[1]);
  assert.ok(Math.abs(result - 5_000_000) < 20_000, `result ${result}`);
  const before = lines.slice(0, resultAt);
  const after = lines.slice(resultAt + 1);
  const starts = before.filter((l) => / is starting up\.$/.test(l));
  assert.deepEqual(
    starts.toSorted(),
    [0, 1, 2, 3].map((i) => `thread pool worker ${i} is starting up.`),
  );
  const yields = before.filter((l) => / is yielding\(\)$/.test(l));
  assert.deepEqual(
    yields.toSorted(),
    Array.from({ length: 10 }, (_, i) => `Task ${i} is yielding()`).toSorted(),
  );
  assert.deepEqual(
    after.toSorted(),
    [0, 1, 2, 3].map((i) => `thread pool worker ${i} is shutting down.`),
  );
});
