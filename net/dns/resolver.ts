// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * An asynchronous DNS resolver, libcoro's `net::dns::resolver`:
 * {@linkcode DnsResolver}.
 *
 * @module
 */

import { describe } from "../../combinators/_describe.ts";

/** The DNS record types {@linkcode DnsResolver.prototype.resolve} asks for. */
export type DnsRecordType = keyof DnsRecordMap;

/**
 * The record each {@linkcode DnsRecordType} resolves to, as
 * `Deno.resolveDns` returns it: addresses and names as strings, a TXT record
 * as its list of strings, MX, SRV, CAA, NAPTR and SOA records as objects.
 */
export interface DnsRecordMap {
  /** An IPv4 address, `"192.0.2.1"`. */
  A: string;
  /** An IPv6 address, `"2001:db8::1"`. */
  AAAA: string;
  /** A name (ANAME/ALIAS). */
  ANAME: string;
  /** A certification authority authorization. */
  CAA: Deno.CaaRecord;
  /** A canonical name. */
  CNAME: string;
  /** A mail exchanger: `{ preference, exchange }`. */
  MX: Deno.MxRecord;
  /** A naming authority pointer. */
  NAPTR: Deno.NaptrRecord;
  /** A name server's name. */
  NS: string;
  /** A pointer (reverse lookup) name. */
  PTR: string;
  /** A start of authority. */
  SOA: Deno.SoaRecord;
  /** A service location: `{ priority, weight, port, target }`. */
  SRV: Deno.SrvRecord;
  /** The character strings of one TXT record. */
  TXT: string[];
}

const RECORD_TYPES: ReadonlySet<string> = new Set<DnsRecordType>([
  "A",
  "AAAA",
  "ANAME",
  "CAA",
  "CNAME",
  "MX",
  "NAPTR",
  "NS",
  "PTR",
  "SOA",
  "SRV",
  "TXT",
]);

/** The DNS server a {@linkcode DnsResolver} asks. */
export interface DnsNameServer {
  /** The server's IP address. */
  ipAddr: string;
  /**
   * The server's UDP/TCP port.
   *
   * @default {53}
   */
  port?: number;
}

/** Options for {@linkcode DnsResolver}. */
export interface DnsResolverOptions {
  /**
   * The server to ask. Without it the system's resolver configuration
   * (`/etc/resolv.conf`) is used.
   *
   * @default {undefined}
   */
  nameServer?: DnsNameServer;
  /**
   * How long a lookup may take, in milliseconds, before it ends with status
   * `"timeout"` (libcoro's resolver timeout). Each call may override it.
   *
   * @default {5000}
   */
  timeout?: number;
  /**
   * Keep answers (found and not found) for this many milliseconds and answer
   * repeated lookups from memory. 0 turns the cache off.
   *
   * @default {0}
   */
  cacheTtlMs?: number;
  /**
   * The most answers the cache keeps; the oldest is dropped first.
   *
   * @default {1000}
   */
  cacheMaxEntries?: number;
}

/** Options for one lookup. */
export interface DnsLookupOptions {
  /**
   * Milliseconds before the lookup ends with status `"timeout"`.
   *
   * @default {the resolver's `timeout`}
   */
  timeout?: number;
  /**
   * Ends the lookup early with status `"aborted"` (or `"timeout"` when the
   * reason is a `TimeoutError`, as `AbortSignal.timeout(ms)` gives).
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/** Options for {@linkcode DnsResolver.prototype.hostByName}. */
export interface HostByNameOptions extends DnsLookupOptions {
  /**
   * Which address records to ask for. Both are asked at the same time.
   *
   * @default {["A", "AAAA"]}
   */
  recordTypes?: readonly ("A" | "AAAA")[];
}

/**
 * Why a lookup found nothing:
 * - `"notFound"`: the name does not exist or has no record of the type
 *   (NXDOMAIN, an empty answer, or a server that refused).
 * - `"timeout"`: the `timeout` elapsed or the signal aborted with a
 *   `TimeoutError`.
 * - `"aborted"`: the signal aborted for another reason; `error` is its
 *   reason.
 * - `"error"`: anything else (malformed name, network error); `error` says
 *   what.
 */
export type DnsFailureStatus = "notFound" | "timeout" | "aborted" | "error";

/** A lookup that found nothing, and why. */
export interface DnsFailure {
  /** Why nothing was found. */
  readonly status: DnsFailureStatus;
  /** The cause, for `"aborted"`, `"error"` and a signal's `"timeout"`. */
  readonly error?: unknown;
}

/**
 * The result of {@linkcode DnsResolver.prototype.hostByName}, libcoro's
 * `dns::result`: `"ok"` with the addresses found (IPv4 first), or a
 * {@linkcode DnsFailure}.
 */
export type HostByNameResult =
  | { readonly status: "ok"; readonly addresses: string[] }
  | DnsFailure;

/**
 * The result of {@linkcode DnsResolver.prototype.resolve}: `"ok"` with the
 * records found, or a {@linkcode DnsFailure}.
 *
 * @typeParam T The record type asked for.
 */
export type DnsResult<T extends DnsRecordType> =
  | { readonly status: "ok"; readonly records: DnsRecordMap[T][] }
  | DnsFailure;

type Outcome =
  | { readonly status: "ok"; readonly records: unknown[] }
  | DnsFailure;

interface Flight {
  readonly promise: Promise<Outcome>;
  readonly controller: AbortController;
  waiters: number;
  settled: boolean;
}

interface Joined {
  readonly promise: Promise<Outcome>;
  leave(): void;
}

const NOT_FOUND: DnsFailure = Object.freeze({ status: "notFound" });
const TIMEOUT: DnsFailure = Object.freeze({ status: "timeout" });

/**
 * An asynchronous DNS resolver, libcoro's `net::dns::resolver`, over
 * `Deno.resolveDns`.
 *
 * - {@linkcode DnsResolver.prototype.hostByName} looks up a host's
 *   addresses (A and AAAA at once) and answers with libcoro's result shape:
 *   a status and the addresses.
 * - {@linkcode DnsResolver.prototype.resolve} looks up one record type and
 *   gives typed records (TXT, SRV, MX, ...).
 * - Identical lookups in flight at the same time share one query; a query
 *   nobody waits for any more is cancelled.
 * - With `cacheTtlMs`, answers are kept and reused for that long.
 *
 * Every lookup ends within its `timeout` (or its signal); the outcome is a
 * status, never an exception.
 *
 * @example Looking up a host by name
 * ```ts ignore
 * import { DnsResolver } from "@coro/coro/net";
 *
 * const resolver = new DnsResolver({ timeout: 2000 });
 * const result = await resolver.hostByName("example.com");
 * if (result.status === "ok") console.log(result.addresses);
 * ```
 *
 * @example An IP address needs no query
 * ```ts
 * import { DnsResolver } from "@coro/coro/net";
 * import assert from "node:assert/strict";
 *
 * const resolver = new DnsResolver();
 * assert.deepEqual(await resolver.hostByName("127.0.0.1"), {
 *   status: "ok",
 *   addresses: ["127.0.0.1"],
 * });
 * ```
 */
export class DnsResolver {
  #nameServer: { ipAddr: string; port: number } | undefined;
  #timeout: number;
  #cacheTtlMs: number;
  #cacheMaxEntries: number;
  #flights = new Map<string, Flight>();
  #cache = new Map<string, { outcome: Outcome; expires: number }>();

  /**
   * Makes a resolver.
   *
   * @param options The name server, the default timeout and the cache.
   * @throws {TypeError} If `nameServer.ipAddr` is not a string.
   * @throws {RangeError} If a port, timeout or cache setting is out of range.
   *
   * @example A resolver for a given server, with a cache
   * ```ts
   * import { DnsResolver } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * const resolver = new DnsResolver({
   *   nameServer: { ipAddr: "127.0.0.1", port: 5353 },
   *   timeout: 1000,
   *   cacheTtlMs: 30_000,
   * });
   * assert.equal(resolver.pendingQueries, 0);
   * ```
   */
  constructor(options: DnsResolverOptions = {}) {
    const {
      nameServer,
      timeout = 5000,
      cacheTtlMs = 0,
      cacheMaxEntries = 1000,
    } = options;
    if (nameServer !== undefined) {
      const { ipAddr, port = 53 } = nameServer;
      if (typeof ipAddr !== "string") {
        throw new TypeError(
          `Cannot create DNS resolver: nameServer.ipAddr must be a string, got ${
            describe(ipAddr)
          }`,
        );
      }
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new RangeError(
          `Cannot create DNS resolver: nameServer.port must be an integer from 1 to 65535, got ${
            describe(port)
          }`,
        );
      }
      this.#nameServer = { ipAddr, port };
    }
    this.#timeout = checkTimeout("create DNS resolver", timeout);
    if (
      typeof cacheTtlMs !== "number" || !(cacheTtlMs >= 0) ||
      cacheTtlMs === Infinity
    ) {
      throw new RangeError(
        `Cannot create DNS resolver: cacheTtlMs must be a non-negative finite number, got ${
          describe(cacheTtlMs)
        }`,
      );
    }
    if (!Number.isInteger(cacheMaxEntries) || cacheMaxEntries < 1) {
      throw new RangeError(
        `Cannot create DNS resolver: cacheMaxEntries must be a positive integer, got ${
          describe(cacheMaxEntries)
        }`,
      );
    }
    this.#cacheTtlMs = cacheTtlMs;
    this.#cacheMaxEntries = cacheMaxEntries;
  }

  /**
   * The number of queries in flight (after coalescing): what is actually
   * being asked of the server right now.
   *
   * @example
   * ```ts
   * import { DnsResolver } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new DnsResolver().pendingQueries, 0);
   * ```
   */
  get pendingQueries(): number {
    return this.#flights.size;
  }

  /**
   * Looks up the addresses of a host, libcoro's `host_by_name`. The record
   * types are asked for at the same time; the addresses found are listed in
   * the order of `recordTypes`. The status is `"ok"` when any address was
   * found. An IP address is returned as is, without a query.
   *
   * @param name The host name, `"example.com"`.
   * @param options The record types, a timeout and a signal.
   * @returns `"ok"` with the addresses, or why none were found.
   * @throws {TypeError} If `name` is not a string or a record type is not
   * `"A"` or `"AAAA"`.
   * @throws {RangeError} If `timeout` is negative.
   *
   * @example
   * ```ts
   * import { DnsResolver } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * const resolver = new DnsResolver();
   * const result = await resolver.hostByName("::1", { recordTypes: ["AAAA"] });
   * assert.deepEqual(result, { status: "ok", addresses: ["::1"] });
   * ```
   */
  async hostByName(
    name: string,
    options: HostByNameOptions = {},
  ): Promise<HostByNameResult> {
    checkName("look up host", name);
    const { recordTypes = ["A", "AAAA"] } = options;
    if (
      !Array.isArray(recordTypes) ||
      recordTypes.some((t) => t !== "A" && t !== "AAAA")
    ) {
      throw new TypeError(
        `Cannot look up host: recordTypes must list "A" and/or "AAAA", got ${
          describe(recordTypes)
        }`,
      );
    }
    const literal = ipLiteralType(name);
    if (literal !== undefined) {
      return recordTypes.includes(literal)
        ? { status: "ok", addresses: [name] }
        : NOT_FOUND;
    }
    const outcomes = await this.#lookup(
      "look up host",
      name,
      recordTypes,
      options,
    );
    if (!Array.isArray(outcomes)) return outcomes;
    const addresses: string[] = [];
    for (const outcome of outcomes) {
      if (outcome.status === "ok") {
        addresses.push(...(outcome.records as string[]));
      }
    }
    if (addresses.length > 0) return { status: "ok", addresses };
    const failures = outcomes as DnsFailure[];
    return failures.find((o) => o.status === "error") ??
      failures.find((o) => o.status === "timeout") ?? NOT_FOUND;
  }

  /**
   * Looks up the records of one type: typed records for TXT, SRV, MX and
   * the rest, as `Deno.resolveDns` gives them.
   *
   * @typeParam T The record type.
   * @param name The name to look up.
   * @param recordType The record type, `"TXT"`, `"SRV"`, `"MX"`, ...
   * @param options A timeout and a signal.
   * @returns `"ok"` with the records, or why none were found.
   * @throws {TypeError} If `name` is not a string or `recordType` is not a
   * {@linkcode DnsRecordType}.
   * @throws {RangeError} If `timeout` is negative.
   *
   * @example A lookup that its signal ends
   * ```ts
   * import { DnsResolver } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * const resolver = new DnsResolver();
   * const result = await resolver.resolve("example.com", "MX", {
   *   signal: AbortSignal.abort(new Error("not now")),
   * });
   * assert.equal(result.status, "aborted");
   * ```
   */
  async resolve<T extends DnsRecordType>(
    name: string,
    recordType: T,
    options: DnsLookupOptions = {},
  ): Promise<DnsResult<T>> {
    checkName("resolve DNS records", name);
    if (!RECORD_TYPES.has(recordType)) {
      throw new TypeError(
        `Cannot resolve DNS records: recordType must be one of ${
          [...RECORD_TYPES].join(", ")
        }, got ${describe(recordType)}`,
      );
    }
    const outcomes = await this.#lookup(
      "resolve DNS records",
      name,
      [recordType],
      options,
    );
    return (Array.isArray(outcomes) ? outcomes[0]! : outcomes) as DnsResult<
      T
    >;
  }

  /**
   * Forgets every cached answer.
   *
   * @example
   * ```ts
   * import { DnsResolver } from "@coro/coro/net";
   * import assert from "node:assert/strict";
   *
   * const resolver = new DnsResolver({ cacheTtlMs: 1000 });
   * resolver.clearCache();
   * assert.equal(resolver.pendingQueries, 0);
   * ```
   */
  clearCache(): void {
    this.#cache.clear();
  }

  // Waits for one outcome per record type, all within one timeout and
  // signal. Returns a single failure when the wait itself ended.
  #lookup(
    what: string,
    name: string,
    types: readonly DnsRecordType[],
    options: DnsLookupOptions,
  ): Promise<Outcome[] | DnsFailure> {
    const timeout = options.timeout === undefined
      ? this.#timeout
      : checkTimeout(what, options.timeout);
    const signal = options.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new TypeError(
        `Cannot ${what}: signal must be an AbortSignal, got ${
          describe(signal)
        }`,
      );
    }
    if (signal?.aborted) return Promise.resolve(stopOf(signal));
    const key = name.toLowerCase().replace(/\.$/, "");
    const cached = types.map((type) => this.#cached(`${type} ${key}`));
    if (cached.every((outcome) => outcome !== undefined)) {
      return Promise.resolve(cached as Outcome[]);
    }
    return new Promise((resolve) => {
      const joined = types.map((type, k) => {
        const hit = cached[k];
        return hit === undefined
          ? this.#join(`${type} ${key}`, name, type)
          : { promise: Promise.resolve(hit), leave: noop };
      });
      let done = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (result: Outcome[] | DnsFailure): void => {
        if (done) return;
        done = true;
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        if (!Array.isArray(result)) { for (const j of joined) j.leave(); }
        resolve(result);
      };
      const onAbort = (): void => finish(stopOf(signal!));
      if (timeout !== Infinity) {
        timer = setTimeout(() => finish(TIMEOUT), timeout);
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      Promise.all(joined.map((j) => j.promise)).then(finish);
    });
  }

  #cached(key: string): Outcome | undefined {
    const entry = this.#cache.get(key);
    if (entry === undefined) return undefined;
    if (entry.expires > Date.now()) return entry.outcome;
    this.#cache.delete(key);
    return undefined;
  }

  // Joins the query in flight for `key`, or starts one. The query is
  // cancelled when its last waiter leaves before it settles.
  #join(key: string, name: string, type: DnsRecordType): Joined {
    let flight = this.#flights.get(key);
    if (flight === undefined) {
      const controller = new AbortController();
      const started: Flight = {
        controller,
        waiters: 0,
        settled: false,
        promise: this.#query(name, type, controller.signal).then((outcome) => {
          started.settled = true;
          if (this.#flights.get(key) === started) this.#flights.delete(key);
          if (
            this.#cacheTtlMs > 0 && !controller.signal.aborted &&
            (outcome.status === "ok" || outcome.status === "notFound")
          ) {
            this.#remember(key, outcome);
          }
          return outcome;
        }),
      };
      flight = started;
      this.#flights.set(key, flight);
    }
    const joined = flight;
    joined.waiters++;
    let left = false;
    return {
      promise: joined.promise,
      leave: () => {
        if (left || joined.settled) return;
        left = true;
        if (--joined.waiters > 0) return;
        if (this.#flights.get(key) === joined) this.#flights.delete(key);
        joined.controller.abort();
      },
    };
  }

  #remember(key: string, outcome: Outcome): void {
    this.#cache.delete(key);
    if (this.#cache.size >= this.#cacheMaxEntries) {
      const oldest = this.#cache.keys().next();
      if (!oldest.done) this.#cache.delete(oldest.value);
    }
    this.#cache.set(key, { outcome, expires: Date.now() + this.#cacheTtlMs });
  }

  async #query(
    name: string,
    type: DnsRecordType,
    signal: AbortSignal,
  ): Promise<Outcome> {
    const options: Deno.ResolveDnsOptions = { signal };
    if (this.#nameServer !== undefined) options.nameServer = this.#nameServer;
    try {
      const records: unknown[] = await Deno.resolveDns(
        name,
        type as "A",
        options,
      );
      if (records.length === 0) return NOT_FOUND;
      // Deno gives MX, SRV, ... as null-prototype objects; plain objects
      // compare and print like any other.
      return { status: "ok", records: records.map(plain) };
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return NOT_FOUND;
      if (error instanceof Deno.errors.TimedOut) {
        return { status: "timeout", error };
      }
      if (signal.aborted) return { status: "aborted", error: signal.reason };
      return { status: "error", error };
    }
  }
}

function stopOf(signal: AbortSignal): DnsFailure {
  const error = signal.reason;
  const status = error instanceof DOMException && error.name === "TimeoutError"
    ? "timeout"
    : "aborted";
  return { status, error };
}

function checkTimeout(what: string, timeout: unknown): number {
  if (typeof timeout !== "number" || !(timeout >= 0)) {
    throw new RangeError(
      `Cannot ${what}: timeout must be a non-negative number of milliseconds, got ${
        describe(timeout)
      }`,
    );
  }
  return timeout;
}

function checkName(what: string, name: unknown): void {
  if (typeof name !== "string") {
    throw new TypeError(
      `Cannot ${what}: name must be a string, got ${describe(name)}`,
    );
  }
}

const IPV4 =
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function ipLiteralType(name: string): "A" | "AAAA" | undefined {
  if (IPV4.test(name)) return "A";
  if (name.includes(":") && /^[0-9a-f:.]+$/i.test(name)) {
    try {
      // The URL parser accepts exactly the valid IPv6 literals.
      new URL(`http://[${name}]/`);
      return "AAAA";
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function plain(record: unknown): unknown {
  return typeof record === "object" && record !== null &&
      !Array.isArray(record)
    ? { ...record }
    : record;
}

function noop(): void {}
