// Copyright 2026 the coro authors. Apache-2.0 license.
// A tiny authoritative DNS server on 127.0.0.1 for tests: answers A, AAAA,
// TXT, SRV and MX questions from a table in DNS wire format (RFC 1035) over
// UDP, answers NXDOMAIN for names not in the table, and counts the queries
// it receives so tests can prove coalescing and caching.

/** An MX record of the test zone. */
export interface TestMx {
  preference: number;
  exchange: string;
}

/** An SRV record of the test zone. */
export interface TestSrv {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

/** The records of one name in the test zone. */
export interface TestRecords {
  A?: string[];
  AAAA?: string[];
  TXT?: string[][];
  MX?: TestMx[];
  SRV?: TestSrv[];
}

/** Options for {@linkcode DnsTestServer.start}. */
export interface DnsTestServerOptions {
  /** Never answer (a dead server that still receives and counts). */
  silent?: boolean;
  /** Delay every answer by this many milliseconds. */
  delayMs?: number;
  /** TTL written into every answer, in seconds. */
  ttl?: number;
}

const TYPE_CODES: Record<string, number> = {
  A: 1,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
};
const TYPE_NAMES = new Map(
  Object.entries(TYPE_CODES).map(([name, code]) => [code, name]),
);

/** A running test DNS server; close it (or `await using`) when done. */
export class DnsTestServer implements AsyncDisposable {
  #conn: Deno.DatagramConn;
  #zone: Map<string, TestRecords>;
  #options: DnsTestServerOptions;
  #counts = new Map<string, number>();
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #loop: Promise<void>;
  #total = 0;

  private constructor(
    conn: Deno.DatagramConn,
    zone: Map<string, TestRecords>,
    options: DnsTestServerOptions,
  ) {
    this.#conn = conn;
    this.#zone = zone;
    this.#options = options;
    this.#loop = this.#serve();
  }

  /** Starts a server for `zone` on 127.0.0.1 at an ephemeral UDP port. */
  static start(
    zone: Record<string, TestRecords>,
    options: DnsTestServerOptions = {},
  ): DnsTestServer {
    const conn = Deno.listenDatagram({
      transport: "udp",
      hostname: "127.0.0.1",
      port: 0,
    });
    const map = new Map<string, TestRecords>();
    for (const [name, records] of Object.entries(zone)) {
      map.set(normalize(name), records);
    }
    return new DnsTestServer(conn, map, options);
  }

  /** The address to pass as `nameServer`. */
  get nameServer(): { ipAddr: string; port: number } {
    return {
      ipAddr: "127.0.0.1",
      port: (this.#conn.addr as Deno.NetAddr).port,
    };
  }

  /** Total number of queries received. */
  get total(): number {
    return this.#total;
  }

  /** Number of queries received for `name` and record type `type`. */
  count(name: string, type: string): number {
    return this.#counts.get(`${normalize(name)} ${type}`) ?? 0;
  }

  /** Stops the server and waits until its receive loop has ended. */
  async close(): Promise<void> {
    for (const id of this.#timers) clearTimeout(id);
    this.#timers.clear();
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
    await this.#loop;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #serve(): Promise<void> {
    const buf = new Uint8Array(4096);
    while (true) {
      let packet: Uint8Array;
      let from: Deno.Addr;
      try {
        [packet, from] = await this.#conn.receive(buf);
      } catch {
        return;
      }
      const parsed = parseQuery(packet);
      if (parsed === undefined) continue;
      this.#total++;
      const key = `${parsed.name} ${
        TYPE_NAMES.get(parsed.type) ?? parsed.type
      }`;
      this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
      if (this.#options.silent) continue;
      const answer = this.#answer(packet, parsed);
      const delay = this.#options.delayMs ?? 0;
      if (delay > 0) {
        const id = setTimeout(() => {
          this.#timers.delete(id);
          this.#send(answer, from);
        }, delay);
        this.#timers.add(id);
      } else {
        this.#send(answer, from);
      }
    }
  }

  #send(answer: Uint8Array, to: Deno.Addr): void {
    this.#conn.send(answer, to).catch(() => {
      // The server was closed while an answer was on its way.
    });
  }

  #answer(query: Uint8Array, q: ParsedQuery): Uint8Array {
    const records = this.#zone.get(q.name);
    const out = new Writer();
    const flags = (query[2]! << 8) | query[3]!;
    const rd = flags & 0x0100;
    const rcode = records === undefined ? 3 : 0;
    const answers = records === undefined ? [] : rdataFor(records, q.type);
    out.u16((query[0]! << 8) | query[1]!);
    out.u16(0x8000 | 0x0400 | rd | 0x0080 | rcode);
    out.u16(1);
    out.u16(answers.length);
    out.u16(0);
    out.u16(0);
    out.bytes(query.subarray(12, q.end));
    const ttl = this.#options.ttl ?? 60;
    for (const rdata of answers) {
      out.u16(0xc00c);
      out.u16(q.type);
      out.u16(1);
      out.u32(ttl);
      out.u16(rdata.length);
      out.bytes(rdata);
    }
    return out.finish();
  }
}

interface ParsedQuery {
  name: string;
  type: number;
  /** Offset just past the question section. */
  end: number;
}

function parseQuery(packet: Uint8Array): ParsedQuery | undefined {
  if (packet.length < 12) return undefined;
  const qdcount = (packet[4]! << 8) | packet[5]!;
  if (qdcount !== 1) return undefined;
  const labels: string[] = [];
  let i = 12;
  while (i < packet.length && packet[i] !== 0) {
    const len = packet[i]!;
    labels.push(new TextDecoder().decode(packet.subarray(i + 1, i + 1 + len)));
    i += 1 + len;
  }
  if (i + 5 > packet.length) return undefined;
  const type = (packet[i + 1]! << 8) | packet[i + 2]!;
  return { name: normalize(labels.join(".")), type, end: i + 5 };
}

function rdataFor(records: TestRecords, type: number): Uint8Array[] {
  switch (TYPE_NAMES.get(type)) {
    case "A":
      return (records.A ?? []).map((ip) =>
        new Uint8Array(ip.split(".").map(Number))
      );
    case "AAAA":
      return (records.AAAA ?? []).map(ipv6Bytes);
    case "TXT":
      return (records.TXT ?? []).map((strings) => {
        const w = new Writer();
        for (const s of strings) {
          const b = new TextEncoder().encode(s);
          w.u8(b.length);
          w.bytes(b);
        }
        return w.finish();
      });
    case "MX":
      return (records.MX ?? []).map((mx) => {
        const w = new Writer();
        w.u16(mx.preference);
        w.name(mx.exchange);
        return w.finish();
      });
    case "SRV":
      return (records.SRV ?? []).map((srv) => {
        const w = new Writer();
        w.u16(srv.priority);
        w.u16(srv.weight);
        w.u16(srv.port);
        w.name(srv.target);
        return w.finish();
      });
    default:
      return [];
  }
}

function ipv6Bytes(ip: string): Uint8Array {
  const [head = "", tail] = ip.split("::");
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":");
  const zeros = 8 - headGroups.length - tailGroups.length;
  const groups = [
    ...headGroups,
    ...Array<string>(tail === undefined ? 0 : zeros).fill("0"),
    ...tailGroups,
  ];
  const out = new Uint8Array(16);
  groups.forEach((g, k) => {
    const v = parseInt(g, 16);
    out[2 * k] = v >> 8;
    out[2 * k + 1] = v & 0xff;
  });
  return out;
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

class Writer {
  #parts: number[] = [];
  u8(v: number): void {
    this.#parts.push(v & 0xff);
  }
  u16(v: number): void {
    this.#parts.push((v >> 8) & 0xff, v & 0xff);
  }
  u32(v: number): void {
    this.u16(v >>> 16);
    this.u16(v & 0xffff);
  }
  bytes(b: Uint8Array): void {
    for (const x of b) this.#parts.push(x);
  }
  name(name: string): void {
    for (const label of normalize(name).split(".")) {
      if (label === "") continue;
      const b = new TextEncoder().encode(label);
      this.u8(b.length);
      this.bytes(b);
    }
    this.u8(0);
  }
  finish(): Uint8Array {
    return new Uint8Array(this.#parts);
  }
}
