// Copyright 2026 the coro authors. Apache-2.0 license.
// Input checks shared by the combinators.

import { describe } from "./_describe.ts";
import type { SyncResult } from "./_sync_result.ts";

/** Whether `value` has a callable `then`, as `await` sees it. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as PromiseLike<unknown>).then === "function";
}

/**
 * Whether the combinator's arguments are one iterable of awaitables rather
 * than the awaitables themselves. A string is never taken as an iterable, and
 * neither is anything awaitable.
 */
export function isIterableForm(first: unknown): first is Iterable<unknown> {
  return first !== null && typeof first === "object" &&
    typeof (first as Iterable<unknown>)[Symbol.iterator] === "function" &&
    !isThenable(first);
}

/**
 * Copies the awaitables into a fresh array, checking each one: a non-awaitable
 * is a `TypeError` naming its position, e.g.
 * `Cannot wait for all: item 2 must be a Task or PromiseLike, got number 5`.
 */
export function collectAwaitables(
  action: string,
  source: Iterable<unknown> | ArrayLike<unknown>,
  kind: "argument" | "item",
): PromiseLike<unknown>[] {
  if (kind === "argument" || Array.isArray(source)) {
    const list = source as ArrayLike<unknown>;
    const n = list.length;
    const items = new Array<PromiseLike<unknown>>(n);
    for (let i = 0; i < n; i++) {
      const item = list[i];
      items[i] = isThenable(item) ? item : check(action, item, kind, i);
    }
    return items;
  }
  const items: PromiseLike<unknown>[] = [];
  {
    let i = 0;
    for (const item of source as Iterable<unknown>) {
      items.push(check(action, item, kind, i++));
    }
  }
  return items;
}

function check(
  action: string,
  item: unknown,
  kind: string,
  index: number,
): PromiseLike<unknown> {
  if (!isThenable(item)) {
    throw new TypeError(
      `Cannot ${action}: ${kind} ${index} must be a Task or PromiseLike, got ${
        describe(item)
      }`,
    );
  }
  return item;
}

/** A no-op rejection handler: marks a promise handled. */
export function ignore(): void {}

/**
 * Whether any input is a native promise: it is already running, and V8
 * reports its rejection as unhandled unless a handler is attached before the
 * event loop turn ends, so a combinator over it must start at once. (A lazy
 * `Task` or another thenable does nothing until its `then` is called.)
 */
export function hasRunningPromise(items: PromiseLike<unknown>[]): boolean {
  for (let i = 0; i < items.length; i++) {
    if (items[i] instanceof Promise) return true;
  }
  return false;
}

/** What a combinator uses instead of probing a task that already started. */
export const NOT_PROBED: SyncResult<never> = Object.freeze({ done: false });
