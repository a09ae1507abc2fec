// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * Lazy tasks and structured combinators: libcoro's `task<T>`, `sync_wait`,
 * `when_all`, `when_any` and `task_group`.
 *
 * @example
 * ```ts
 * import { syncWait, task, whenAll, whenAny } from "@coro/coro/combinators";
 * import assert from "node:assert/strict";
 *
 * const twice = (x: number) => task(async () => x + x);
 * assert.equal(await twice(21), 42);
 *
 * // Every task's result, failures included.
 * const results = await whenAll([twice(1), twice(2)]);
 * assert.deepEqual(results.map((r) => r.returnValue()), [2, 4]);
 *
 * // The first to settle; the others are cancelled.
 * assert.equal(await whenAny(twice(5), task(() => new Promise(() => {}))), 10);
 *
 * // A task whose body completes synchronously, without an await.
 * assert.equal(syncWait(task(() => 7)), 7);
 * ```
 *
 * @module
 */

export * from "./sync_wait.ts";
export * from "./task.ts";
export * from "./task_group.ts";
export * from "./when_all.ts";
export * from "./when_any.ts";
