// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * Schedulers: an event-loop `IoScheduler` with timers, and a `ThreadPool` on
 * Deno Workers.
 *
 * @example
 * ```ts
 * import { ShutdownError } from "@coro/coro/scheduler";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new ShutdownError("closed").name, "ShutdownError");
 * ```
 *
 * @module
 */

export * from "./errors.ts";
export * from "./thread_pool.ts";
export * from "./io_scheduler.ts";
