// Copyright 2026 the coro authors. Apache-2.0 license.
import { describe } from "../combinators/_describe.ts";

/**
 * Validates a semaphore's `max` and `initial` count, for `Semaphore` and
 * `AtomicSemaphore`. `limit` is the largest `max` the storage can hold
 * (`Infinity`: any safe integer). Throws `TypeError`/`RangeError` with the
 * message both classes document.
 */
export function checkSemaphoreCounts(
  max: unknown,
  initial: unknown,
  limit: number,
): { max: number; initial: number } {
  if (typeof max !== "number") {
    throw new TypeError(
      `Cannot create semaphore: max must be a number, got ${describe(max)}`,
    );
  }
  if (!Number.isSafeInteger(max) || max < 1 || max > limit) {
    const upTo = limit === Infinity ? "" : ` up to ${limit}`;
    throw new RangeError(
      `Cannot create semaphore: max must be a positive integer${upTo}, got ${max}`,
    );
  }
  if (typeof initial !== "number") {
    throw new TypeError(
      `Cannot create semaphore: initial must be a number, got ${
        describe(initial)
      }`,
    );
  }
  if (!Number.isInteger(initial) || initial < 0 || initial > max) {
    throw new RangeError(
      `Cannot create semaphore: initial must be an integer from 0 to ${max}, got ${initial}`,
    );
  }
  return { max, initial };
}
