// Copyright 2026 the coro authors. Apache-2.0 license.
// workerpool's worker for bench/thread_pool_bench.ts.
import workerpool from "workerpool";

workerpool.worker({
  add(a: number, b: number): number {
    return a + b;
  },
});
