// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// libcoro's coro_generator example: a native generator function yields an
// incrementing number each time it is asked for one.
import { syncWait, task } from "@coro/coro/combinators";

function countTo(countTo: number) {
  return task(() => {
    // A generator that yields an incrementing number forever.
    function* gen(): Generator<number, never, void> {
      let i = 0;
      while (true) {
        yield i;
        ++i;
      }
    }

    // Take the next number until it reaches countTo.
    let line = "";
    for (const val of gen()) {
      line += `${val}, `;
      if (val >= countTo) break;
    }
    // libcoro writes "val, " each time; the README shows the line without its
    // trailing space.
    console.log(line.trimEnd());
  });
}

syncWait(countTo(100));
