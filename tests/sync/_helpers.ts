// Copyright 2026 the coro authors. Apache-2.0 license.
// Helpers shared by the property tests of the sync primitives.
import assert from "node:assert/strict";
import type fc from "fast-check";
import type {
  ConsumeResult,
  TryConsumeResult,
} from "../../sync/ring_buffer.ts";

/** Runs the scheduler until nothing is scheduled and microtasks settle. */
export async function drive(s: fc.Scheduler): Promise<void> {
  do {
    await s.waitAll();
    for (let i = 0; i < 20; i++) await Promise.resolve();
  } while (s.count() > 0);
}

/**
 * Runs a channel property test to the end: once every producer is done the
 * channel is drained (`drain`, then `onDrained`), and the scheduler runs
 * until nothing is left. Asserts that every producer and consumer finished.
 */
export async function runToEnd(
  s: fc.Scheduler,
  producers: Promise<unknown>,
  consumers: Promise<unknown>[],
  { drain, onDrained }: { drain(): Promise<void>; onDrained(): void },
): Promise<void> {
  let finished = 0;
  const everyone = Promise.all([
    producers.then(drain).then(onDrained),
    ...consumers,
  ]).then(() => finished++);
  everyone.catch(() => {});
  await drive(s);
  assert.equal(finished, 1, "a producer or consumer never finished");
  await everyone;
}

/** How one consumer of a channel property test behaves. */
export interface ConsumerPlan {
  /** Every n-th waiting take is aborted (0: never). */
  abortEvery: number;
  /** Every n-th take is a non-waiting try (0: never). */
  tryEvery: number;
}

/** The consumer side of a `Queue` or `RingBuffer`, for {@linkcode consume}. */
export interface ConsumerSide<T> {
  /** `tryPop()` or `tryConsume()`. */
  tryTake(): TryConsumeResult<T>;
  /** `pop()` or `consume()`. */
  take(options?: { signal?: AbortSignal }): Promise<ConsumeResult<T>>;
}

/** The hooks of a channel property test that a consumer calls. */
export interface ConsumerContext {
  /** Yields to the fast-check scheduler. */
  tick(): Promise<void>;
  /** Counts a step (and may stop the channel). */
  step(): void;
  /** Where consumer `c` logs `[c, producer, index]` for each item. */
  log: [number, number, number][];
}

/**
 * Consumer `c` of a channel property test: takes items (waiting, trying or
 * aborting, as `plan` says) until the channel reports `"stopped"`.
 */
export async function consume(
  c: number,
  plan: ConsumerPlan,
  side: ConsumerSide<[number, number]>,
  { tick, step, log }: ConsumerContext,
): Promise<void> {
  const { abortEvery, tryEvery } = plan;
  for (let n = 1;; n++) {
    await tick();
    if (tryEvery > 0 && n % tryEvery === 0) {
      const r = side.tryTake();
      step();
      if (r.status === "stopped") return;
      if (r.status === "ok") log.push([c, r.value[0], r.value[1]]);
      continue;
    }
    const abort = abortEvery > 0 && n % abortEvery === 0;
    const controller = new AbortController();
    if (abort) tick().then(() => controller.abort(new Error("abort")));
    try {
      const r = await side.take(
        abort ? { signal: controller.signal } : undefined,
      );
      step();
      if (r.status === "stopped") return;
      log.push([c, r.value[0], r.value[1]]);
    } catch (error) {
      assert.equal((error as Error).message, "abort");
      step();
    }
  }
}

/**
 * Asserts that every accepted item came out exactly once (consumed, in
 * `log`, or handed back by shutdown, in `dropped`), and that the items of
 * one producer came out in the order it produced them.
 */
export function assertDeliveredOnceInOrder(
  log: readonly [number, number, number][],
  dropped: readonly [number, number][],
  accepted: ReadonlySet<string>,
): void {
  const out = [
    ...log.map(([, p, i]) => `${p}:${i}`),
    ...dropped.map(([p, i]) => `${p}:${i}`),
  ];
  assert.equal(new Set(out).size, out.length, "an item came out twice");
  assert.deepEqual(new Set(out), accepted);

  const last = new Map<number, number>();
  for (const [, p, i] of log) {
    assert.ok((last.get(p) ?? -1) < i, `producer ${p} out of order`);
    last.set(p, i);
  }
  for (const [p, i] of dropped) {
    assert.ok((last.get(p) ?? -1) < i, `dropped ${p} out of order`);
    last.set(p, i);
  }
}

/** How one task of a lock property test behaves. */
export interface LockPlan {
  /** How many scheduler steps the task holds the lock for. */
  holdSteps: number;
  /** Whether the task's signal aborts while it may still be waiting. */
  abort: boolean;
}

/** What {@linkcode raceLocks} does with each plan. */
export interface RaceLocksOptions<P extends LockPlan> {
  /** Requests the lock; `signal` aborts when `plan.abort`. */
  lock(plan: P, signal: AbortSignal): Promise<Disposable>;
  /** Called once the lock is held (check exclusion here). */
  enter(plan: P): void;
  /** Called just before the lock is released. */
  exit(plan: P): void;
  /** The message when grants do not follow request order. */
  orderMessage: string;
}

/**
 * Runs one task per plan under the fast-check scheduler: each requests a
 * lock (aborting its signal at a random point when `plan.abort`), holds it
 * for `plan.holdSteps` steps, and releases it. Then asserts that the locks
 * were granted in request order, that every task either got the lock or was
 * rejected with its own abort reason, and that only aborting tasks were
 * rejected.
 */
export async function raceLocks<P extends LockPlan>(
  s: fc.Scheduler,
  plans: readonly P[],
  options: RaceLocksOptions<P>,
): Promise<void> {
  const { lock, enter, exit, orderMessage } = options;
  const requested: number[] = [];
  const acquired: number[] = [];
  const rejected: number[] = [];
  const tasks = plans.map(async (plan, i) => {
    await s.schedule(Promise.resolve(), `start ${i}`);
    const controller = new AbortController();
    if (plan.abort) {
      s.schedule(Promise.resolve(), `abort ${i}`).then(() =>
        controller.abort(i)
      );
    }
    requested.push(i);
    let held: Disposable;
    try {
      held = await lock(plan, controller.signal);
    } catch (e) {
      assert.equal(e, i);
      rejected.push(i);
      return;
    }
    using _lock = held;
    acquired.push(i);
    enter(plan);
    for (let k = 0; k < plan.holdSteps; k++) {
      await s.schedule(Promise.resolve(), `hold ${i}`);
    }
    exit(plan);
  });
  await s.waitFor(Promise.all(tasks));
  await s.waitIdle();
  assert.deepEqual(
    acquired,
    requested.filter((i) => !rejected.includes(i)),
    orderMessage,
  );
  assert.equal(acquired.length + rejected.length, plans.length);
  for (const i of rejected) assert.ok(plans[i]!.abort);
}

/** What the shared iterator and drain tests need of a `Queue` or `RingBuffer`. */
export interface ChannelUnderTest {
  /** The items held now. */
  readonly size: number;
  /** The consumers waiting now. */
  readonly waitingConsumers: number;
  /** The life-cycle state. */
  readonly state: string;
  /** The async iterator over the items. */
  values(options?: { signal?: AbortSignal }): AsyncIterableIterator<number>;
  /** Stops taking items and drains. */
  shutdownDrain(options?: { signal?: AbortSignal }): Promise<void>;
  /** Stops now, returning the items left. */
  shutdown(): number[];
}

/**
 * Asserts that `return()` on an iterator whose step waits makes that step
 * done without taking an item, and ends the iterator. `put` adds an item
 * without waiting.
 */
export async function assertReturnEndsWaitingStep(
  channel: ChannelUnderTest,
  put: (value: number) => void,
): Promise<void> {
  const iterator = channel.values();
  const step = iterator.next();
  assert.equal(channel.waitingConsumers, 1);
  assert.deepEqual(await iterator.return!(), { done: true, value: undefined });
  assert.equal(channel.waitingConsumers, 0);
  assert.deepEqual(await step, { done: true, value: undefined });
  put(1);
  assert.equal(channel.size, 1);
  assert.deepEqual(await iterator.next(), { done: true, value: undefined });
}

/**
 * Asserts that breaking out of `for await` over `values()` ends only that
 * iterator and leaves the other items queued. `put` adds an item without
 * waiting; the channel ends up holding 1 and 2.
 */
export async function assertBreakLeavesRest(
  channel: ChannelUnderTest,
  put: (value: number) => void,
): Promise<void> {
  for (let i = 0; i < 3; i++) put(i);
  const iterator = channel.values();
  for await (const value of iterator) {
    assert.equal(value, 0);
    break;
  }
  assert.deepEqual(await iterator.next(), { done: true, value: undefined });
  assert.equal(channel.size, 2);
}

/**
 * Asserts that aborting the signal of `values()` rejects the waiting step
 * with the reason and takes no later item. `put` adds an item without
 * waiting; the channel ends up holding it.
 */
export async function assertValuesSignalTakesNothing(
  channel: ChannelUnderTest,
  put: (value: number) => void,
): Promise<void> {
  const controller = new AbortController();
  const step = channel.values({ signal: controller.signal }).next();
  controller.abort(new Error("stop"));
  await assert.rejects(step, { message: "stop" });
  put(1);
  assert.equal(channel.size, 1);
}

/**
 * Asserts that a `shutdownDrain()` whose signal aborts rejects with the
 * reason while the channel keeps draining, and that `shutdown()` then ends
 * the drain for the other caller. The channel must hold exactly the item
 * `1` and be running.
 */
export async function assertDrainSignalThenShutdown(
  channel: ChannelUnderTest,
): Promise<void> {
  const controller = new AbortController();
  const gaveUp = channel.shutdownDrain({ signal: controller.signal });
  const other = channel.shutdownDrain();
  controller.abort(new Error("too slow"));
  await assert.rejects(gaveUp, { message: "too slow" });
  assert.equal(channel.state, "draining");
  assert.deepEqual(channel.shutdown(), [1]);
  await other;
}

/**
 * Asserts that a take aborted while waiting leaves the queue at once and
 * never takes an item (the next item goes to the take behind it), and that
 * a take with `AbortSignal.timeout()` rejects with a TimeoutError. `put`
 * adds an item without waiting.
 */
export async function assertAbortedTakeTakesNothing(
  channel: ChannelUnderTest,
  side: ConsumerSide<number>,
  put: (value: number) => void,
): Promise<void> {
  const controller = new AbortController();
  const aborted = side.take({ signal: controller.signal });
  const kept = side.take();
  controller.abort(new Error("cancel"));
  await assert.rejects(aborted, { message: "cancel" });
  assert.equal(channel.waitingConsumers, 1);
  put(9);
  assert.deepEqual(await kept, { status: "ok", value: 9 });
  await assert.rejects(
    side.take({ signal: AbortSignal.timeout(5) }),
    { name: "TimeoutError" },
  );
  assert.equal(channel.waitingConsumers, 0);
}
