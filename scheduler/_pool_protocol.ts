// Copyright 2026 the coro authors. Apache-2.0 license.

// The wire format between a ThreadPool and its workers. Both sides batch:
// one postMessage carries a flat array of many operations (or results), so
// the cost of a message is shared by every call it carries.
//
// Main thread -> worker, a flat array of operations:
//   OP_INIT, index, stateBuffer, syncPort       (first message, alone)
//   OP_FUNCTION, fnId, url, name                (before the first call to it)
//   OP_CALL, id, fnId, argc, ...args
//   OP_CALL_CANCELLABLE, id, fnId, argc, ...args
//   OP_ABORT, id, reason
//   OP_SYNC_CALL, id, fnId, argc, ...args       (posted at once, not batched)
// Arguments are spread into the batch rather than nested in an array each,
// and functions are numbered, which halves the cost of cloning a batch.
// Worker -> main thread: READY, or a flat array of results
//   id, status, payload
// Sync results go to the sync port as one [id, status, payload] each, then
// the worker stores `id` in state[STATE_DONE] and notifies.

export const OP_INIT = 0;
export const OP_FUNCTION = 1;
export const OP_CALL = 2;
export const OP_CALL_CANCELLABLE = 3;
export const OP_ABORT = 4;
export const OP_SYNC_CALL = 5;

export const READY = "ready";

/** The call returned a value: payload is the value. */
export const STATUS_OK = 0;
/** The call threw an Error: payload is a {@linkcode SerializedError}. */
export const STATUS_ERROR = 1;
/** The call threw something that is not an Error: payload is the value. */
export const STATUS_THROWN = 2;
/** The worker is stopping with a sync call in flight: payload is a reason. */
export const STATUS_CRASHED = 3;

/** Index in the sync state Int32Array: the id of the last finished sync call. */
export const STATE_DONE = 0;
/** Index in the sync state Int32Array: the id of the last started sync call. */
export const STATE_STARTED = 1;
/** Index in the sync state Int32Array: 1 once the worker is dying. */
export const STATE_DEAD = 2;
export const STATE_LENGTH = 3;

/** Marks a value whose ArrayBuffers are moved, not copied, to the other side. */
export const TRANSFER: unique symbol = Symbol.for("coro.threadPool.transfer");

/** A value with the objects to transfer along with it. */
export interface Transferring {
  readonly [TRANSFER]: readonly Transferable[];
  readonly value: unknown;
}

export function isTransferring(value: unknown): value is Transferring {
  return typeof value === "object" && value !== null && TRANSFER in value;
}

/** An Error taken apart so it can cross a thread boundary. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly dom: boolean;
  readonly cause?: unknown;
  readonly props?: Record<string, unknown>;
}

const BUILTIN_ERRORS: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/**
 * Takes an error apart into cloneable pieces: name, message, stack, a cause
 * (itself serialized), and the own enumerable properties that can be cloned
 * (e.g. `code`).
 */
export function serializeError(error: Error, depth = 0): SerializedError {
  let props: Record<string, unknown> | undefined;
  for (const key of Object.keys(error)) {
    if (key === "name" || key === "message" || key === "stack") continue;
    if (key === "cause") continue;
    const value = (error as unknown as Record<string, unknown>)[key];
    if (isCloneable(value)) (props ??= {})[key] = value;
  }
  const out: { -readonly [K in keyof SerializedError]: SerializedError[K] } = {
    name: String(error.name),
    message: String(error.message),
    stack: typeof error.stack === "string" ? error.stack : undefined,
    dom: error instanceof DOMException,
  };
  if (props !== undefined) out.props = props;
  if ("cause" in error) {
    const cause = error.cause;
    if (cause instanceof Error && depth < 8) {
      out.cause = { error: serializeError(cause, depth + 1) };
    } else if (isCloneable(cause)) {
      out.cause = { value: cause };
    }
  }
  return out;
}

/**
 * Rebuilds an error from {@linkcode serializeError}: the built-in class when
 * the name is one (TypeError, RangeError, ...), a DOMException for one,
 * otherwise an Error whose `name` is the original name. The stack is the one
 * captured where the error was thrown, in the worker.
 */
export function deserializeError(data: SerializedError): Error {
  let error: Error;
  if (data.dom) {
    error = new DOMException(data.message, data.name);
  } else {
    const ctor = BUILTIN_ERRORS[data.name] ?? Error;
    error = new ctor(data.message);
    if (ctor === Error && data.name !== "Error") {
      defineHidden(error, "name", data.name);
    }
  }
  if (data.stack !== undefined) defineHidden(error, "stack", data.stack);
  if (data.cause !== undefined) {
    const cause = data.cause as { error?: SerializedError; value?: unknown };
    defineHidden(
      error,
      "cause",
      cause.error !== undefined ? deserializeError(cause.error) : cause.value,
    );
  }
  if (data.props !== undefined) Object.assign(error, data.props);
  return error;
}

// Like the built-in properties of an error: writable, not enumerable.
function defineHidden(error: Error, key: string, value: unknown): void {
  Object.defineProperty(error, key, {
    value,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

function isCloneable(value: unknown): boolean {
  if (value === null || typeof value !== "object") {
    return typeof value !== "function" && typeof value !== "symbol";
  }
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}
