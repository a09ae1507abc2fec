// Copyright 2026 the coro authors. Apache-2.0 license.

/**
 * Describes a value for an error message: its type, and the value itself when
 * it is short, e.g. `number 0`, `the string "x"`, `an object (Map)`.
 */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "a function";
  if (typeof value === "object") {
    return `an object (${value.constructor?.name ?? "Object"})`;
  }
  if (typeof value === "string") {
    return value.length <= 40
      ? `the string ${JSON.stringify(value)}`
      : "a string";
  }
  return `${typeof value} ${String(value)}`;
}
