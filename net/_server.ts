// Copyright 2026 the coro authors. Apache-2.0 license.
// The accept-loop core shared by every stream server in net/ (TCP, TLS).
//
// API summary (for server classes that wrap a Deno.Listener-like object):
//
//   const core = new ServerCore(listener, (conn) => new MyClient(conn));
//     // wrap(conn) must build the client on `new ConnCore(conn)` (from
//     // _conn.ts; StreamClient does), which is how the server tracks and
//     // force-closes it. StreamServer (stream_server.ts) is the public face.
//   await core.accept({ timeout, signal })  -> AcceptResult<T>
//   for await (const client of core) {...}  // ends when shut down
//   await core.serve(handler, { onError })  // runs handler(client) for each
//     // client, closes the client when the handler returns; resolves once
//     // the server is shut down and the accept loop has stopped
//   core.signal                             // aborts (ShutdownError) when
//                                           // shutdown starts
//   await core.shutdown({ deadline })       -> ServerShutdownResult: stops
//     // accepting, waits for open clients to close and handlers to return
//     // until the deadline, then force-closes the rest (their pending and
//     // later reads/writes report "closed") and waits for the handlers
//   core.shuttingDown                       // whether shutdown() was called
//
// Misuse throws: Deno.errors.Busy for a second concurrent accept (use one
// acceptor: accept, the iterator or serve), RangeError for a bad timeout or
// deadline.

import { ShutdownError } from "../scheduler/errors.ts";
import { type ConnCore, coreOf, Guard, type StreamConn } from "./_conn.ts";
import type {
  AcceptResult,
  IoOptions,
  ServeOptions,
  ServerShutdownOptions,
  ServerShutdownResult,
} from "./io_status.ts";
import type { StreamListener } from "./stream_server.ts";

/** The subset of `Deno.Listener` the core needs. */
type AcceptingListener<C> = Pick<StreamListener<C>, "accept" | "close">;

const DEFAULT_DEADLINE = 5_000;

function noop(): void {}

function defaultOnError(error: unknown): void {
  // deno-lint-ignore no-console
  console.error(error);
}

/** Accepts, tracks and shuts down the clients of one listener. */
export class ServerCore<C extends StreamConn, T> {
  readonly listener: AcceptingListener<C>;
  #wrap: (conn: C) => T;
  #controller = new AbortController();
  #accepting = false;
  #pendingAccept: Promise<C> | undefined = undefined;
  #open = new Set<ConnCore<C>>();
  #cores = new WeakMap<object, ConnCore<C>>();
  #handlers = new Set<Promise<void>>();
  #idle: (() => void) | undefined = undefined;
  #shutdown: Promise<ServerShutdownResult> | undefined = undefined;

  constructor(listener: AcceptingListener<C>, wrap: (conn: C) => T) {
    this.listener = listener;
    this.#wrap = wrap;
  }

  /** Aborts with a `ShutdownError` when shutdown starts. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Whether shutdown has started. */
  get shuttingDown(): boolean {
    return this.#shutdown !== undefined;
  }

  /** How many accepted clients are still open. */
  get openCount(): number {
    return this.#open.size;
  }

  async accept(options?: IoOptions): Promise<AcceptResult<T>> {
    if (this.#accepting) {
      throw new Deno.errors.Busy(
        "Cannot accept: another accept is in progress on this server",
      );
    }
    if (this.#shutdown !== undefined) {
      this.#dropPendingAccept();
      return { status: "closed" };
    }
    let guard: Guard | undefined;
    if (options !== undefined) {
      const { timeout, signal } = options;
      if (
        timeout !== undefined &&
        (typeof timeout !== "number" || Number.isNaN(timeout) || timeout < 0)
      ) {
        throw new RangeError(
          `Cannot accept: timeout must be a non-negative number of milliseconds, got ${timeout}`,
        );
      }
      if (signal?.aborted) {
        return { status: "aborted", error: signal.reason };
      }
      if (timeout !== undefined || signal !== undefined) {
        guard = new Guard(timeout, signal);
      }
    }
    this.#accepting = true;
    let pending = this.#pendingAccept;
    if (pending === undefined) {
      pending = this.listener.accept();
      // An accept left pending by a timeout may fail while nobody awaits it.
      pending.catch(noop);
      this.#pendingAccept = pending;
    }
    let conn: C;
    try {
      const outcome = guard === undefined
        ? await pending
        : await guard.race(pending);
      if (!("read" in outcome)) {
        return outcome.error === undefined
          ? { status: outcome.status }
          : { status: outcome.status, error: outcome.error };
      }
      conn = outcome;
    } catch (error) {
      this.#pendingAccept = undefined;
      if (this.#shutdown !== undefined) return { status: "closed" };
      return {
        status: error instanceof Deno.errors.BadResource ? "closed" : "error",
        error,
      };
    } finally {
      this.#accepting = false;
      guard?.dispose();
    }
    this.#pendingAccept = undefined;
    if (this.#shutdown !== undefined) {
      conn.close();
      return { status: "closed" };
    }
    try {
      return { status: "ok", client: this.#track(conn) };
    } catch (error) {
      return { status: "error", error };
    }
  }

  #track(conn: C): T {
    let client: T;
    try {
      client = this.#wrap(conn);
    } catch (error) {
      conn.close();
      throw error;
    }
    const core = coreOf(conn);
    if (core === undefined) {
      conn.close();
      throw new TypeError(
        "Cannot accept: the server's wrap function must return a StreamClient of the accepted connection",
      );
    }
    this.#open.add(core);
    this.#cores.set(client as object, core);
    core.onClose(() => {
      this.#open.delete(core);
      this.#checkIdle();
    });
    return client;
  }

  #dropPendingAccept(): void {
    const pending = this.#pendingAccept;
    if (pending === undefined || this.#accepting) return;
    this.#pendingAccept = undefined;
    pending.then((conn) => conn.close(), noop);
  }

  #checkIdle(): void {
    if (
      this.#idle !== undefined && this.#open.size === 0 &&
      this.#handlers.size === 0
    ) {
      const idle = this.#idle;
      this.#idle = undefined;
      idle();
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterableIterator<T> {
    for (;;) {
      const result = await this.accept();
      if (result.status === "ok") yield result.client;
      else if (result.status === "closed") return;
      else throw result.error;
    }
  }

  async serve(
    handler: (client: T) => void | Promise<void>,
    options?: ServeOptions,
  ): Promise<void> {
    if (typeof handler !== "function") {
      throw new TypeError(
        `Cannot serve: handler must be a function, got ${typeof handler}`,
      );
    }
    const onError = options?.onError ?? defaultOnError;
    for (;;) {
      const result = await this.accept();
      if (result.status === "closed") return;
      if (result.status !== "ok") {
        onError(result.error);
        // A persistent failure (too many open files) must not spin.
        await new Promise((resolve) => setTimeout(resolve, 10));
        continue;
      }
      const client = result.client;
      const run = this.#run(handler, client, onError);
      this.#handlers.add(run);
      run.then(() => {
        this.#handlers.delete(run);
        this.#checkIdle();
      });
    }
  }

  async #run(
    handler: (client: T) => void | Promise<void>,
    client: T,
    onError: (error: unknown) => void,
  ): Promise<void> {
    try {
      await handler(client);
    } catch (error) {
      try {
        onError(error);
      } catch {
        // An onError that throws must not stop the server.
      }
    } finally {
      this.#cores.get(client as object)?.close();
    }
  }

  shutdown(options?: ServerShutdownOptions): Promise<ServerShutdownResult> {
    if (this.#shutdown !== undefined) return this.#shutdown;
    const deadline = options?.deadline ?? DEFAULT_DEADLINE;
    if (
      typeof deadline !== "number" || Number.isNaN(deadline) || deadline < 0
    ) {
      throw new RangeError(
        `Cannot shut down server: deadline must be a non-negative number of milliseconds, got ${deadline}`,
      );
    }
    this.#shutdown = this.#shutDown(deadline);
    return this.#shutdown;
  }

  async #shutDown(deadline: number): Promise<ServerShutdownResult> {
    try {
      this.listener.close();
    } catch {
      // Already closed.
    }
    this.#dropPendingAccept();
    this.#controller.abort(
      new ShutdownError("The server is shutting down"),
    );
    const idle = () =>
      new Promise<void>((resolve) => {
        this.#idle = resolve;
        this.#checkIdle();
      });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<"expired">((resolve) => {
      timer = setTimeout(() => resolve("expired"), deadline);
    });
    const outcome = await Promise.race([idle(), expired]);
    clearTimeout(timer);
    if (outcome !== "expired") return { forced: 0 };
    this.#idle = undefined;
    const forced = [...this.#open];
    for (const core of forced) core.close(true);
    await idle();
    return { forced: forced.length };
  }
}
