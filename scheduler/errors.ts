// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * Errors raised by the schedulers.
 *
 * @module
 */

/**
 * Raised when work is handed to a scheduler or thread pool that has been shut
 * down (or is shutting down). The caller is expected to catch it, for example
 * to stop producing work during an orderly exit.
 *
 * @example
 * ```ts
 * import { ShutdownError } from "@coro/coro/scheduler";
 * import assert from "node:assert/strict";
 *
 * const error = new ShutdownError("Cannot schedule: the scheduler is shut down");
 * assert.equal(error.name, "ShutdownError");
 * assert.ok(error instanceof Error);
 * ```
 */
export class ShutdownError extends Error {
  /**
   * Makes the error.
   *
   * @param message What was refused and why.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ShutdownError";
  }
}
