// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// libcoro's coro_task example: tasks awaiting tasks, and tasks returning large
// values. JavaScript passes objects by reference, so where libcoro's
// move-only struct prints from its move constructor and move assignment, this
// port prints the same lines at the same points: when the task stores its
// return value, when syncWait hands it to the caller, and when the caller
// takes it.
import { syncWait, type Task, task } from "@coro/coro/combinators";

// A task that awaits the doubling of its input, then adds 5.
function doubleAndAdd5Task(input: number): Task<number> {
  return task(async () => {
    // A task that takes a value and doubles it.
    const doubleTask = (x: number): Task<number> => task(() => x * 2);

    const doubled = await doubleTask(input);
    return doubled + 5;
  });
}

// This body awaits, so its value arrives through the event loop: await it.
const output = await doubleAndAdd5Task(2);
console.log(`Task1 output = ${output}`);

class ExpensiveStruct {
  id = "";
  records: string[] = [];

  /** Hands the contents to a new owner, like libcoro's move constructor. */
  static moveFrom(other: ExpensiveStruct): ExpensiveStruct {
    const moved = new ExpensiveStruct();
    moved.id = other.id;
    moved.records = other.records;
    console.log("expensive_struct() move constructor called");
    return moved;
  }

  /** Takes over the contents of `other`, like libcoro's move assignment. */
  moveAssign(other: ExpensiveStruct): this {
    if (other !== this) {
      this.id = other.id;
      this.records = other.records;
    }
    console.log("expensive_struct() move assignment called");
    return this;
  }
}

// Make a very large object and return it without copying its contents.
function moveOutputTask(): Task<ExpensiveStruct> {
  return task(() => {
    const data = new ExpensiveStruct();
    data.id = "12345678-1234-5678-9012-123456781234";
    for (let i = 10_000; i < 100_000; ++i) {
      data.records.push(String(i));
    }
    // co_return moves the value into the task's result.
    return ExpensiveStruct.moveFrom(data);
  });
}

// sync_wait moves the result out of the task into a temporary and then into
// the caller's variable.
const fromTask = new ExpensiveStruct().moveAssign(syncWait(moveOutputTask()));
const data = ExpensiveStruct.moveFrom(fromTask);
console.log(`${data.id} has ${data.records.length} records.`);

// A boxed value works the same way (libcoro uses std::unique_ptr).
function uniquePtrTask(): Task<{ value: number } | null> {
  return task(() => ({ value: 42 }));
}

const answerToEverything = syncWait(uniquePtrTask());
if (answerToEverything !== null) {
  console.log(`Answer to everything = ${answerToEverything.value}`);
}
