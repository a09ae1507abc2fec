// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * coro: structured concurrency for Deno, after libcoro. Lazy tasks and
 * combinators, async locks and channels (also across Worker threads), an
 * event-loop scheduler with timers, a Worker thread pool, and networking on
 * Deno's own socket APIs.
 *
 * @example
 * ```ts
 * import * as coro from "@coro/coro";
 * import assert from "node:assert/strict";
 *
 * const twice = (x: number) => coro.task(async () => x + x);
 * assert.equal(await twice(21), 42);
 * ```
 *
 * @module
 */

export * from "./combinators/mod.ts";
export * from "./sync/mod.ts";
export * from "./scheduler/mod.ts";
export * from "./net/mod.ts";
