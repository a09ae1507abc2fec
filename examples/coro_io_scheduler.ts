// deno-lint-ignore-file no-console
// Copyright 2026 the coro authors. Apache-2.0 license.
// libcoro's io_scheduler example: a TCP server task and a TCP client task on
// one IoScheduler exchange a request and a response.
//
// libcoro runs the tasks on a two-thread pool and prints its workers' start
// and stop lines too. Sockets live on the thread that opened them in Deno, so
// here the tasks run inline on the scheduler's event loop, and only the
// scheduler's own (deterministic) lines are printed.
import { task, whenAll } from "@coro/coro/combinators";
import { IoScheduler } from "@coro/coro/scheduler";
import { TcpClient, TcpServer } from "@coro/coro/net";

const scheduler = new IoScheduler({
  // Called when the scheduler starts processing events, and when it stops.
  onIoThreadStart: () =>
    console.log("io_scheduler::process event thread start"),
  onIoThreadStop: () => console.log("io_scheduler::process event thread stop"),
});

// Create the server before either task runs, so it is already listening when
// the client connects (127.0.0.1, on a port the system picks).
const server = new TcpServer();

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const makeServerTask = (scheduler: IoScheduler) =>
  task(async () => {
    // Move onto the scheduler.
    await scheduler.schedule();

    // Wait for an incoming connection and accept it.
    const accepted = await server.accept({ timeout: 10_000 });
    if (accepted.status !== "ok") return; // see AcceptResult for the states
    using client = accepted.client;

    // Receive the client's message: small enough for one read.
    const request = new Uint8Array(256);
    const received = await client.readSome(request, { timeout: 10_000 });
    if (received.status !== "ok") return; // see IoStatus for the states
    console.log(
      `server: ${decoder.decode(request.subarray(0, received.bytes))}`,
    );

    // Send the response; writeAll loops until every byte is sent.
    const sent = await client.writeAll(encoder.encode("Hello from server."));
    if (sent.status !== "ok") return;
  });

const makeClientTask = (scheduler: IoScheduler) =>
  task(async () => {
    await scheduler.schedule();

    // Connect, send the request, and wait for the response. Each step
    // returns a status and the bytes done; checks are omitted here.
    using client = await TcpClient.connect({ port: server.localAddr.port });
    await client.writeAll(encoder.encode("Hello from client."));
    const response = new Uint8Array(256);
    const received = await client.readSome(response, { timeout: 10_000 });
    console.log(
      `client: ${decoder.decode(response.subarray(0, received.bytes))}`,
    );
  });

// Run both tasks and wait for both to finish.
await whenAll(makeServerTask(scheduler), makeClientTask(scheduler));
await server.shutdown();
await scheduler.shutdown();
