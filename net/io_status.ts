// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * The io status every read, write and accept in `net/` reports, libcoro's
 * `recv_status`/`send_status` as string literals: {@linkcode IoStatus},
 * {@linkcode IoResult} and {@linkcode IoOptions}.
 *
 * @module
 */

/**
 * How a read or write ended. Ordinary network events are statuses, not
 * exceptions; exceptions are kept for misuse (a closed connection used, a bad
 * argument).
 *
 * - `"ok"`: the operation finished; `bytes` says how many bytes moved.
 * - `"closed"`: the stream ended. For a read, the peer closed its write side
 *   (end of stream); for a write, the peer closed the connection (broken
 *   pipe); for either, the connection was closed locally while the operation
 *   was waiting (for example by a server's forced shutdown).
 * - `"reset"`: the peer reset the connection (`ECONNRESET`).
 * - `"timeout"`: the `timeout` option elapsed, or the `signal` aborted with a
 *   `TimeoutError` (as `AbortSignal.timeout(ms)` does). The connection stays
 *   usable and no data is lost: a read that was still waiting keeps its bytes
 *   for the next read.
 * - `"aborted"`: the `signal` aborted for another reason; `error` is
 *   `signal.reason`. The connection stays usable, as for `"timeout"`.
 * - `"error"`: any other operating-system error; `error` holds it.
 *
 * @example Narrowing on the status
 * ```ts
 * import type { IoStatus } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * function retryable(status: IoStatus): boolean {
 *   return status === "timeout" || status === "aborted";
 * }
 * assert.equal(retryable("timeout"), true);
 * assert.equal(retryable("reset"), false);
 * ```
 */
export type IoStatus =
  | "ok"
  | "closed"
  | "reset"
  | "timeout"
  | "aborted"
  | "error";

/**
 * The result of a read or write: its {@linkcode IoStatus} and how many bytes
 * were transferred before it ended, so a partial transfer is never lost.
 *
 * @example Reading a result
 * ```ts
 * import type { IoResult } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * const result: IoResult = { status: "closed", bytes: 3 };
 * assert.equal(result.bytes, 3);
 * assert.equal(result.error, undefined);
 * ```
 */
export interface IoResult {
  /** How the operation ended. */
  readonly status: IoStatus;
  /**
   * The bytes transferred: read into the buffer, or accepted for sending.
   * For a partial transfer (a stream that ended in the middle of
   * `readExact`, a timed-out `writeAll`) it counts the part that was done.
   */
  readonly bytes: number;
  /**
   * The cause, for the statuses that have one: the operating-system error
   * for `"reset"` and `"error"` (and `"closed"` when it came from one),
   * `signal.reason` for `"aborted"` and for a `"timeout"` caused by the
   * signal.
   */
  readonly error?: unknown;
}

/**
 * Options for one read, write or accept.
 *
 * @example A read that gives up after 50 ms
 * ```ts
 * import type { IoOptions } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * const options: IoOptions = { timeout: 50 };
 * assert.equal(options.timeout, 50);
 * ```
 */
export interface IoOptions {
  /**
   * Milliseconds to wait before giving up with status `"timeout"`; for
   * `readExact` and `writeAll` it bounds the whole call. Must be a
   * non-negative number.
   *
   * @default {undefined} (wait as long as it takes)
   */
  timeout?: number;
  /**
   * Ends the wait early with status `"aborted"` (or `"timeout"` when the
   * reason is a `TimeoutError`). Checked before anything is done, so an
   * already aborted signal transfers nothing.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * The result of a server's `accept()`: the accepted client, or why there is
 * none.
 *
 * - `"ok"`: `client` is the new connection; the caller owns it.
 * - `"closed"`: the server is shut down (or shutting down); no more clients.
 * - `"timeout"` / `"aborted"`: as in {@linkcode IoStatus}; the server stays
 *   usable and a connection that arrives later is kept for the next accept.
 * - `"error"`: the operating system refused the accept (for example too many
 *   open files); `error` holds it. The server stays usable.
 *
 * @typeParam T The client type (`TcpClient`, `TlsClient`).
 *
 * @example Narrowing on the status
 * ```ts
 * import type { AcceptResult } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * const result = { status: "timeout" } as AcceptResult<string>;
 * assert.equal(result.status === "ok" ? result.client : "none", "none");
 * ```
 */
export type AcceptResult<T> =
  | {
    /** The accept succeeded. */
    readonly status: "ok";
    /** The accepted client. */
    readonly client: T;
  }
  | {
    /** Why no client was accepted. */
    readonly status: "closed" | "timeout" | "aborted" | "error";
    /** The cause, when there is one (`signal.reason`, an OS error). */
    readonly error?: unknown;
  };

/**
 * Options for a server's graceful `shutdown()`.
 *
 * @example
 * ```ts
 * import type { ServerShutdownOptions } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * const options: ServerShutdownOptions = { deadline: 2_000 };
 * assert.equal(options.deadline, 2_000);
 * ```
 */
export interface ServerShutdownOptions {
  /**
   * Milliseconds to let open connections and running handlers finish on
   * their own before the server closes the remaining connections.
   *
   * @default {5000}
   */
  deadline?: number;
}

/**
 * What a server's `shutdown()` did.
 *
 * @example
 * ```ts
 * import type { ServerShutdownResult } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * const result: ServerShutdownResult = { forced: 0 };
 * assert.equal(result.forced, 0);
 * ```
 */
export interface ServerShutdownResult {
  /**
   * How many connections were still open at the deadline and were closed by
   * the server (0 when everything finished in time).
   */
  readonly forced: number;
}

/**
 * Options for a server's `serve(handler)` loop.
 *
 * @example
 * ```ts
 * import type { ServeOptions } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * const errors: unknown[] = [];
 * const options: ServeOptions = { onError: (error) => errors.push(error) };
 * options.onError?.(new Error("boom"));
 * assert.equal(errors.length, 1);
 * ```
 */
export interface ServeOptions {
  /**
   * Called with an error thrown by a handler, or an accept that failed. The
   * server keeps serving.
   *
   * @default {console.error}
   */
  onError?: (error: unknown) => void;
}
