// Copyright 2026 the coro authors. Apache-2.0 license.
// The classes behind TaskResult. `ok`, `status` and the unused one of
// `value`/`error` live on the prototypes, so a result is an object with a
// single own field: whenAll allocates one per task, and that is most of its
// cost beyond Promise.all.

import type { TaskFulfilled, TaskRejected, TaskResult } from "./when_all.ts";

class Fulfilled<T> implements TaskFulfilled<T> {
  declare readonly ok: true;
  declare readonly status: "fulfilled";
  declare readonly error: undefined;
  readonly value: T;

  constructor(value: T) {
    this.value = value;
  }

  returnValue(): T {
    return this.value;
  }
}

class Rejected implements TaskRejected {
  declare readonly ok: false;
  declare readonly status: "rejected";
  declare readonly value: undefined;
  readonly error: unknown;

  constructor(error: unknown) {
    this.error = error;
  }

  returnValue(): never {
    throw this.error;
  }
}

for (
  const [proto, ok, status] of [
    [Fulfilled.prototype, true, "fulfilled"],
    [Rejected.prototype, false, "rejected"],
  ] as const
) {
  Object.defineProperties(proto, {
    ok: { value: ok, enumerable: true },
    status: { value: status, enumerable: true },
    [ok ? "error" : "value"]: { value: undefined, enumerable: true },
  });
}

/** A fulfilled result holding `value`. */
export function fulfilled<T>(value: T): TaskResult<T> {
  return new Fulfilled(value);
}

/** A rejected result holding `error`. */
export function rejected<T>(error: unknown): TaskResult<T> {
  return new Rejected(error);
}
