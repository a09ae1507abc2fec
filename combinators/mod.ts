// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * Lazy tasks and structured combinators: libcoro's `task<T>`, `sync_wait`,
 * `when_all`, `when_any` and `task_group`.
 *
 * @example
 * ```ts
 * import { task } from "@coro/coro/combinators";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await task(() => 42), 42);
 * ```
 *
 * @module
 */

export * from "./task.ts";
