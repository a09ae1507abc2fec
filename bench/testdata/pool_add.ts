// Copyright 2026 the coro authors. Apache-2.0 license.
// The work of bench/thread_pool_bench.ts: a tiny add, in the shape each pool
// wants (coro: named exports; piscina and tinypool: a default export taking
// one task object).

/** Adds two numbers (coro's ThreadPool). */
export function add(a: number, b: number): number {
  return a + b;
}

/** Adds two numbers (piscina, tinypool). */
export default function addTask({ a, b }: { a: number; b: number }): number {
  return a + b;
}
