// Copyright 2026 the coro authors. Apache-2.0 license.
// Runs every deterministic example as a subprocess and compares its whole
// standard output with the expected text in tests/testdata/examples/<name>.txt.
import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);
const expectedDir = new URL("testdata/examples/", import.meta.url);

const names: string[] = [];
for (const entry of Deno.readDirSync(expectedDir)) {
  if (entry.isFile && entry.name.endsWith(".txt")) {
    names.push(entry.name.slice(0, -".txt".length));
  }
}
names.sort();

for (const name of names) {
  Deno.test(`examples/${name}.ts prints the expected output`, async () => {
    const expected = await Deno.readTextFile(
      new URL(`${name}.txt`, expectedDir),
    );
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--unstable-net", `examples/${name}.ts`],
      cwd: root,
      env: { NO_COLOR: "1" },
      signal: AbortSignal.timeout(60_000),
    }).output();
    const err = new TextDecoder().decode(stderr);
    assert.equal(code, 0, `exit code ${code}; stderr:\n${err}`);
    assert.equal(new TextDecoder().decode(stdout), expected);
  });
}
