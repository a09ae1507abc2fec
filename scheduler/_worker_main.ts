// Copyright 2026 the coro authors. Apache-2.0 license.

// The entry point of every ThreadPool worker (a node:worker_threads Worker,
// see thread_pool.ts for why). It imports the modules it is asked to, runs
// their exported functions, many at once, and sends results back in batches.

import { parentPort } from "node:worker_threads";
import process from "node:process";
import { setImmediate } from "node:timers";
import {
  isTransferring,
  OP_ABORT,
  OP_CALL,
  OP_CALL_CANCELLABLE,
  OP_FUNCTION,
  OP_INIT,
  OP_SYNC_CALL,
  READY,
  serializeError,
  STATE_DEAD,
  STATE_DONE,
  STATE_STARTED,
  STATUS_CRASHED,
  STATUS_ERROR,
  STATUS_OK,
  STATUS_THROWN,
  TRANSFER,
} from "./_pool_protocol.ts";

type Fn = (...args: unknown[]) => unknown;

const port = parentPort!;

let threadIndex = -1;
let state: Int32Array | undefined;
let syncPort: MessagePort | undefined;

const fnUrls: string[] = [];
const fnNames: string[] = [];
const fns: (Fn | undefined)[] = [];
const modules = new Map<string, Promise<Record<string, unknown>>>();
const cancellable = new Map<number, TaskContext>();
const pendingSync = new Set<number>();

let outbox: unknown[] = [];
let outTransfer: Transferable[] = [];
let flushScheduled = false;

// The `this` of every pool function: its signal and cooperative yield.
class TaskContext {
  #controller: AbortController | undefined = undefined;
  get threadIndex(): number {
    return threadIndex;
  }
  get signal(): AbortSignal {
    return (this.#controller ??= new AbortController()).signal;
  }
  yield(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }
  abort(reason: unknown): void {
    (this.#controller ??= new AbortController()).abort(reason);
  }
}

// Calls that cannot be cancelled share one context (its signal never aborts),
// so the common call allocates nothing here.
const shared = new TaskContext();

port.on("message", (message: unknown) => {
  const ops = message as unknown[];
  let k = 0;
  while (k < ops.length) {
    const op = ops[k];
    if (op === OP_CALL || op === OP_CALL_CANCELLABLE || op === OP_SYNC_CALL) {
      const id = ops[k + 1] as number;
      const fnId = ops[k + 2] as number;
      const argc = ops[k + 3] as number;
      let ctx = shared;
      if (op !== OP_CALL) {
        ctx = new TaskContext();
        cancellable.set(id, ctx);
      }
      const sync = op === OP_SYNC_CALL;
      if (sync) {
        pendingSync.add(id);
        Atomics.store(state!, STATE_STARTED, id);
      }
      const fn = fns[fnId];
      if (fn !== undefined) invoke(id, fn, ops, k + 4, argc, ctx, sync);
      else {
        const args = ops.slice(k + 4, k + 4 + argc);
        resolveFunction(fnId).then(
          (fn) => invoke(id, fn, args, 0, argc, ctx, sync),
          (error) => finish(id, error, false, sync),
        );
      }
      k += 4 + argc;
    } else if (op === OP_FUNCTION) {
      const fnId = ops[k + 1] as number;
      fnUrls[fnId] = ops[k + 2] as string;
      fnNames[fnId] = ops[k + 3] as string;
      k += 4;
    } else if (op === OP_ABORT) {
      const ctx = cancellable.get(ops[k + 1] as number);
      if (ctx !== undefined) ctx.abort(ops[k + 2]);
      k += 3;
    } else if (op === OP_INIT) {
      threadIndex = ops[k + 1] as number;
      state = new Int32Array(ops[k + 2] as SharedArrayBuffer);
      syncPort = ops[k + 3] as MessagePort;
      k += 4;
      port.postMessage(READY);
    } else {
      throw new Error(`Unknown thread pool operation ${String(op)}`);
    }
  }
});

async function resolveFunction(fnId: number): Promise<Fn> {
  const url = fnUrls[fnId]!;
  const name = fnNames[fnId]!;
  let promise = modules.get(url);
  if (promise === undefined) {
    promise = import(url);
    modules.set(url, promise);
  }
  let mod: Record<string, unknown>;
  try {
    mod = await promise;
  } catch (error) {
    if (modules.get(url) === promise) modules.delete(url);
    const message = error instanceof Error ? error.message : String(error);
    throw new TypeError(
      `Cannot run ${name}: failed to load module ${url}: ${message}`,
      { cause: error },
    );
  }
  const fn = mod[name];
  if (typeof fn !== "function") {
    const names = Object.keys(mod).filter((key) =>
      typeof mod[key] === "function"
    );
    throw new TypeError(
      `Cannot run ${name}: module ${url} has no exported function named "${name}" (exported functions: ${
        names.length === 0 ? "none" : names.join(", ")
      })`,
    );
  }
  return fns[fnId] = fn as Fn;
}

function invoke(
  id: number,
  fn: Fn,
  args: unknown[],
  start: number,
  argc: number,
  ctx: TaskContext,
  sync: boolean,
): void {
  let out: unknown;
  try {
    switch (argc) {
      case 0:
        out = fn.call(ctx);
        break;
      case 1:
        out = fn.call(ctx, args[start]);
        break;
      case 2:
        out = fn.call(ctx, args[start], args[start + 1]);
        break;
      case 3:
        out = fn.call(ctx, args[start], args[start + 1], args[start + 2]);
        break;
      default:
        out = fn.apply(ctx, args.slice(start, start + argc));
    }
  } catch (error) {
    finish(id, error, false, sync);
    return;
  }
  if (
    out !== null && typeof out === "object" &&
    typeof (out as PromiseLike<unknown>).then === "function"
  ) {
    (out as PromiseLike<unknown>).then(
      (value) => finish(id, value, true, sync),
      (error) => finish(id, error, false, sync),
    );
  } else {
    finish(id, out, true, sync);
  }
}

function finish(id: number, value: unknown, ok: boolean, sync: boolean): void {
  if (cancellable.size !== 0) cancellable.delete(id);
  let status = STATUS_OK;
  let transfer: readonly Transferable[] | undefined;
  if (ok) {
    if (isTransferring(value)) {
      transfer = value[TRANSFER];
      value = value.value;
    }
  } else if (value instanceof Error) {
    status = STATUS_ERROR;
    value = serializeError(value);
  } else {
    status = STATUS_THROWN;
  }
  if (sync) {
    if (!pendingSync.delete(id)) return;
    try {
      syncPort!.postMessage([id, status, value], transfer as Transferable[]);
    } catch (error) {
      syncPort!.postMessage([id, STATUS_ERROR, cloneFailure(error, ok)]);
    }
    Atomics.store(state!, STATE_DONE, id);
    Atomics.notify(state!, STATE_DONE);
    return;
  }
  outbox.push(id, status, value);
  if (transfer !== undefined) outTransfer.push(...transfer);
  if (!flushScheduled) {
    flushScheduled = true;
    queueMicrotask(flush);
  }
}

function flush(): void {
  flushScheduled = false;
  const batch = outbox;
  const transfer = outTransfer;
  outbox = [];
  outTransfer = [];
  try {
    port.postMessage(batch, transfer as never);
    return;
  } catch {
    // One result in the batch cannot be cloned (or transferred): send them
    // one by one so only that call fails.
  }
  for (let k = 0; k < batch.length; k += 3) {
    const one = [batch[k], batch[k + 1], batch[k + 2]];
    try {
      port.postMessage(
        one,
        transfer.filter((t) => reaches(batch[k + 2], t)) as never,
      );
    } catch (error) {
      port.postMessage([
        batch[k],
        STATUS_ERROR,
        cloneFailure(error, batch[k + 1] === STATUS_OK),
      ]);
    }
  }
}

// Whether a transferable is the value or directly inside it (the common
// shapes: the buffer itself, a view on it, or a top-level array/object field).
function reaches(value: unknown, t: Transferable): boolean {
  if (value === t) return true;
  if (ArrayBuffer.isView(value)) return value.buffer === t;
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) {
      if (v === t || (ArrayBuffer.isView(v) && v.buffer === t)) return true;
    }
  }
  return false;
}

function cloneFailure(error: unknown, ok: boolean) {
  const message = error instanceof Error ? error.message : String(error);
  return serializeError(
    new TypeError(
      `Cannot send the ${
        ok ? "result" : "error"
      } back from the worker: it cannot be cloned: ${message}`,
    ),
  );
}

// A sync call in flight when this worker stops would leave its caller blocked
// until its timeout: report it as crashed first. (An out-of-memory kill gives
// no chance to do this; the caller's timeout covers it.)
function failPendingSync(reason: string): void {
  if (state === undefined || syncPort === undefined) return;
  Atomics.store(state, STATE_DEAD, 1);
  for (const id of pendingSync) {
    try {
      syncPort.postMessage([id, STATUS_CRASHED, reason]);
    } catch {
      // The port is gone: the caller's timeout reports it.
    }
    Atomics.store(state, STATE_DONE, id);
    Atomics.notify(state, STATE_DONE);
  }
  pendingSync.clear();
}

globalThis.addEventListener("error", (event) => {
  const error = (event as ErrorEvent).error;
  failPendingSync(
    `an uncaught error: ${error instanceof Error ? error.message : error}`,
  );
});
globalThis.addEventListener("unhandledrejection", (event) => {
  const error = (event as PromiseRejectionEvent).reason;
  failPendingSync(
    `an unhandled rejection: ${error instanceof Error ? error.message : error}`,
  );
});
const originalClose = globalThis.close;
globalThis.close = function close(): void {
  failPendingSync("self.close()");
  originalClose.call(globalThis);
};
const originalExit = process.exit;
process.exit = function exit(code?: number | string | null): never {
  failPendingSync(`process.exit(${code ?? ""})`);
  return originalExit.call(process, code as number);
} as typeof process.exit;
