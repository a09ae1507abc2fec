// Copyright 2026 the coro authors. Apache-2.0 license.
// The hand-rolled baselines of bench/thread_pool_bench.ts: a web Worker that
// answers one postMessage per task ([id, a, b] -> [id, a + b]), or one per
// batch (a flat [id, a, b, id, a, b, ...] -> [id, sum, id, sum, ...]).
/// <reference lib="deno.worker" />

self.onmessage = (event: MessageEvent<number[]>) => {
  const data = event.data;
  if (data.length === 3) {
    self.postMessage([data[0], data[1]! + data[2]!]);
    return;
  }
  const out = new Array<number>((data.length / 3) * 2);
  for (let i = 0, j = 0; i < data.length; i += 3, j += 2) {
    out[j] = data[i]!;
    out[j + 1] = data[i + 1]! + data[i + 2]!;
  }
  self.postMessage(out);
};
