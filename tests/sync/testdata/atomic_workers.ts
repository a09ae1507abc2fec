// Copyright 2026 the coro authors. Apache-2.0 license.
// Starts real Workers running ./atomic_worker.ts for the atomic_* tests.

const WORKER_URL = new URL("./atomic_worker.ts", import.meta.url).href;

/** A started Worker that runs one job per `run()` call. */
export interface JobWorker extends Disposable {
  run<R>(job: Record<string, unknown>): Promise<R>;
}

/** Starts `count` workers; dispose each (or use `using`) to terminate it. */
export async function startWorkers(count: number): Promise<JobWorker[]> {
  const workers = Array.from({ length: count }, () => {
    const worker = new Worker(WORKER_URL, { type: "module" });
    let pending: PromiseWithResolvers<unknown> | undefined;
    worker.onmessage = (event) => {
      const p = pending!;
      pending = undefined;
      if (event.data.ok) p.resolve(event.data.result);
      else p.reject(new Error(`Worker job failed: ${event.data.error}`));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      pending?.reject(new Error(`Worker crashed: ${event.message}`));
      pending = undefined;
    };
    return {
      run<R>(job: Record<string, unknown>): Promise<R> {
        if (pending !== undefined) throw new Error("Worker is busy");
        pending = Promise.withResolvers();
        worker.postMessage(job);
        return pending.promise as Promise<R>;
      },
      [Symbol.dispose](): void {
        worker.terminate();
      },
    };
  });
  // Wait until every worker has loaded its module, so the jobs that follow
  // overlap in time.
  await Promise.all(workers.map((w) => w.run({ op: "ready" })));
  return workers;
}
