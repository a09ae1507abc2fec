// Copyright 2026 the coro authors. Apache-2.0 license.
// Worker-side functions for tests/scheduler/thread_pool_test.ts.

import process from "node:process";
import {
  type ThreadPoolTaskContext,
  transfer,
} from "../../../scheduler/mod.ts";

/** Adds two numbers. */
export function add(a: number, b: number): number {
  return a + b;
}

/** Adds two numbers after a turn of the event loop. */
export async function addLater(a: number, b: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  return a + b;
}

/** Returns the index of the worker that ran it. */
export function whoAmI(this: ThreadPoolTaskContext): number {
  return this.threadIndex;
}

/** Returns the index of the worker that ran it, after `ms` milliseconds. */
export async function whoAmILater(
  this: ThreadPoolTaskContext,
  ms: number,
): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return this.threadIndex;
}

/** Sleeps `ms` milliseconds, or until cancelled (then rejects with the reason). */
export function sleep(
  this: ThreadPoolTaskContext,
  ms: number,
): Promise<string> {
  const signal = this.signal;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => resolve("slept"), ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/** Busy-waits `ms` milliseconds, blocking its worker. */
export function spin(ms: number): number {
  const end = Date.now() + ms;
  let n = 0;
  while (Date.now() < end) n++;
  return n;
}

/** An error class the caller does not have. */
export class QuotaError extends Error {
  code = "E_QUOTA";
  constructor(message: string) {
    super(message);
    this.name = "QuotaError";
  }
}

/** Throws a named error with a code. */
export function failNamed(message: string): never {
  throw new QuotaError(message);
}

/** Throws a RangeError from a nested function (so its stack has two frames). */
export async function failRange(): Promise<never> {
  await Promise.resolve();
  return innerFail();
}

function innerFail(): never {
  throw new RangeError("value out of range in worker");
}

/** Throws a value that is not an Error. */
export function failPlain(): never {
  throw { reason: "plain object" };
}

/** Kills its worker with an uncaught error after replying nothing. */
export function crash(): Promise<never> {
  setTimeout(() => {
    throw new Error("worker blew up");
  }, 0);
  return new Promise(() => {});
}

/** Kills its worker with self.close(). */
export function closeSelf(): Promise<never> {
  (globalThis as unknown as { close(): void }).close();
  return new Promise(() => {});
}

/** Kills its worker with process.exit(). */
export function exitProcess(code: number): Promise<never> {
  setTimeout(() => process.exit(code), 0);
  return new Promise(() => {});
}

/** Returns a value that cannot be cloned. */
export function returnsFunction(): () => void {
  return () => {};
}

/** Sums a byte array and returns it transferred back, filled with `fill`. */
export function sumAndFill(
  data: Uint8Array,
  fill: number,
): { sum: number; data: Uint8Array } {
  let sum = 0;
  for (const b of data) sum += b;
  data.fill(fill);
  return transfer({ sum, data }, [data.buffer as ArrayBuffer]);
}

/** Not a function. */
export const notAFunction = 42;

/** Returns the order in which this worker started calls. */
const log: number[] = [];
export function record(n: number): number[] {
  log.push(n);
  return log.slice();
}

/** Sleeps then yields cooperatively, counting how many others ran. */
export async function cooperative(
  this: ThreadPoolTaskContext,
  n: number,
): Promise<number> {
  for (let i = 0; i < n; i++) await this.yield();
  return n;
}

let abortedWith: string | undefined;
/** Waits for cancellation and remembers the reason it saw. */
export function recordAbort(this: ThreadPoolTaskContext): Promise<never> {
  const signal = this.signal;
  return new Promise((_resolve, reject) => {
    signal.addEventListener("abort", () => {
      abortedWith = String((signal.reason as Error)?.message ?? signal.reason);
      reject(signal.reason);
    }, { once: true });
  });
}

/** The reason the last cancelled `recordAbort` saw. */
export function lastAbort(): string | undefined {
  return abortedWith;
}

let waiting: (() => void)[] = [];
/** Resolves once `n` calls to it are running at the same time in this worker. */
export function gather(n: number): Promise<number> {
  return new Promise((resolve) => {
    waiting.push(() => resolve(n));
    if (waiting.length === n) {
      const all = waiting;
      waiting = [];
      for (const wake of all) wake();
    }
  });
}

/** Never settles, and ignores its signal. */
export function neverEnds(): Promise<never> {
  return new Promise(() => {});
}
