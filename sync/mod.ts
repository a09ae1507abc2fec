// Copyright 2026 the coro authors. Apache-2.0 license.
/**
 * Placeholder, filled in by the sync work.
 *
 * @module
 */

export {};
