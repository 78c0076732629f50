// Checkpoints: round trip, deterministic bytes, every validation error, and atomic saves.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCheckpoint, loadCheckpointSync, saveCheckpoint, saveCheckpointSync } from "../../runtime/checkpoint.js";
import type { Tensor } from "../../runtime/safetensors.js";
import { CheckpointError, parseSafetensors, serializeSafetensors, tensorToFloat32 } from "../../runtime/safetensors.js";

const dir = mkdtempSync(join(tmpdir(), "dlm-ckpt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tensors: Record<string, Tensor> = {
  "layer2.weight": { dtype: "F32", shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 0, 1e-8, -0]) },
  "layer1.bias": { dtype: "F32", shape: [3], data: Float32Array.from([0.25, 0.5, 0.75]) },
  step: { dtype: "I32", shape: [], data: Int32Array.from([1234]) },
  rng: { dtype: "I32", shape: [4], data: Int32Array.from([-1, 2, -3, 4]) },
  mean: { dtype: "F64", shape: [1], data: Float64Array.from([Math.PI]) },
};

/** Builds a file from a header object and a data section, as a hostile writer might. */
function rawFile(header: unknown, data: Uint8Array = new Uint8Array(0), headerText?: string): Uint8Array {
  const json = Buffer.from(headerText ?? JSON.stringify(header), "utf8");
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function expectCheckpointError(f: () => unknown, re: RegExp): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    expect((e as Error).message).toMatch(re);
    return;
  }
  expect.fail("no error thrown");
}

describe("safetensors bytes", () => {
  it("round-trips tensors and metadata", () => {
    const bytes = serializeSafetensors(tensors, { epoch: "3", model: "Cnn" });
    const back = parseSafetensors(bytes, "mem");
    expect(back.metadata).toEqual({ epoch: "3", model: "Cnn" });
    expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      const b = back.tensors[name]!;
      expect(b.dtype).toBe(t.dtype);
      expect(b.shape).toEqual(t.shape);
      expect(b.data.constructor).toBe(t.data.constructor);
      expect(Array.from(b.data as Float32Array)).toEqual(Array.from(t.data as Float32Array));
    }
  });

  it("writes the documented layout: sorted names, packed data, 8-byte aligned header", () => {
    const bytes = serializeSafetensors(tensors, { b: "2", a: "1" });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const headerText = Buffer.from(bytes.subarray(8, 8 + n)).toString("utf8");
    expect(headerText).toMatch(/ *$/);
    const header = JSON.parse(headerText) as Record<string, { data_offsets: [number, number] }>;
    const names = Object.keys(header).filter((k) => k !== "__metadata__");
    expect(names).toEqual([...names].sort());
    expect(header["layer1.bias"]!.data_offsets).toEqual([0, 12]);
    // bytes of layer1.bias are the float32 little-endian encoding of its values
    const view = new DataView(bytes.buffer, 8 + n);
    expect([0, 4, 8].map((o) => view.getFloat32(o, true))).toEqual([0.25, 0.5, 0.75]);
    // independent of insertion order
    const reordered = Object.fromEntries(Object.entries(tensors).reverse());
    expect(Buffer.from(serializeSafetensors(reordered, { a: "1", b: "2" })).equals(Buffer.from(bytes))).toBe(true);
  });

  it("rejects bad tensors on save", () => {
    expect(() => serializeSafetensors({ w: { dtype: "F32", shape: [2, 2], data: new Float32Array(3) } })).toThrow(/has 4 elements but the data has 3/);
    expect(() => serializeSafetensors({ w: { dtype: "I32", shape: [1], data: new Float32Array(1) } })).toThrow(/Float32Array cannot hold dtype I32/);
  });

  it("names each kind of corruption", () => {
    expectCheckpointError(() => parseSafetensors(new Uint8Array(5), "a.st"), /^a\.st: file is 5 bytes, too short/);
    const longHeader = new Uint8Array(16);
    new DataView(longHeader.buffer).setBigUint64(0, 1000n, true);
    expectCheckpointError(() => parseSafetensors(longHeader, "b.st"), /header length 1000 runs past the end of the file \(16 bytes\)/);
    expectCheckpointError(() => parseSafetensors(rawFile(null, undefined, "{not json"), "c.st"), /header is not valid JSON/);
    expectCheckpointError(() => parseSafetensors(rawFile([1, 2]), "d.st"), /header is not a JSON object/);
    expectCheckpointError(() => parseSafetensors(rawFile({ w: { dtype: "F8", shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), "e.st"), /tensor "w": unknown dtype "F8"/);
    expectCheckpointError(
      () => parseSafetensors(rawFile({ w: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }, new Uint8Array(4)), "f.st"),
      /tensor "w": data_offsets \[0, 8\] out of range \(the data section has 4 bytes\)/,
    );
    expectCheckpointError(
      () => parseSafetensors(rawFile({ w: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), "g.st"),
      /tensor "w": data_offsets \[0, 8\] hold 8 bytes but F32 \[3\] needs 12/,
    );
    expectCheckpointError(
      () =>
        parseSafetensors(
          rawFile({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [2], data_offsets: [4, 12] } }, new Uint8Array(12)),
          "h.st",
        ),
      /tensor "b": data_offsets \[4, 12\] overlap/,
    );
    expectCheckpointError(
      () => parseSafetensors(rawFile({ a: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), "i.st"),
      /bytes 0\.\.4 of the data section belong to no tensor/,
    );
    expectCheckpointError(() => parseSafetensors(rawFile({ a: { dtype: "F32", shape: [-1], data_offsets: [0, 0] } }), "j.st"), /shape \[-1\] is not a list/);
    expectCheckpointError(() => parseSafetensors(rawFile({ __metadata__: { epoch: 3 } }), "k.st"), /__metadata__ "epoch" is not a string/);
  });

  it("checks names, dtypes and shapes against what the model expects", () => {
    const bytes = serializeSafetensors({
      w: { dtype: "F32", shape: [3, 4], data: new Float32Array(12) },
      b: { dtype: "F32", shape: [4], data: new Float32Array(4) },
    });
    const ok = parseSafetensors(bytes, "m.st", { w: { dtype: "F32", shape: [3, 4] }, b: { dtype: "F32", shape: [4] } });
    expect(ok.tensors.w!.shape).toEqual([3, 4]);
    expectCheckpointError(() => parseSafetensors(bytes, "m.st", { w: { dtype: "F32", shape: [4, 3] }, b: { dtype: "F32", shape: [4] } }), /tensor "w": shape \[3, 4\] in the file, expected \[4, 3\]/);
    expectCheckpointError(() => parseSafetensors(bytes, "m.st", { w: { dtype: "F32", shape: [3, 4] } }), /unexpected tensors "b"/);
    expectCheckpointError(
      () => parseSafetensors(bytes, "m.st", { w: { dtype: "F32", shape: [3, 4] }, b: { dtype: "F32", shape: [4] }, c: { dtype: "F32", shape: [1] } }),
      /missing tensors "c"/,
    );
    expectCheckpointError(() => parseSafetensors(bytes, "m.st", { w: { dtype: "F64", shape: [3, 4] }, b: { dtype: "F32", shape: [4] } }), /dtype F32 in the file, expected F64/);
  });
});

describe("checkpoint files", () => {
  it("saves and loads (async and sync) with identical bytes", async () => {
    const p1 = join(dir, "a.safetensors");
    const p2 = join(dir, "b.safetensors");
    await saveCheckpoint(p1, tensors, { epoch: "1" });
    saveCheckpointSync(p2, tensors, { epoch: "1" });
    expect(readFileSync(p1).equals(readFileSync(p2))).toBe(true);
    const loaded = await loadCheckpoint(p1);
    expect(Array.from(loaded.tensors["layer2.weight"]!.data as Float32Array)).toEqual(Array.from(tensors["layer2.weight"]!.data as Float32Array));
    expect(loadCheckpointSync(p2).metadata).toEqual({ epoch: "1" });
    await expect(loadCheckpoint(join(dir, "none"))).rejects.toThrow(/cannot read checkpoint .*none \(ENOENT\)/);
  });

  it("a save that fails mid-way leaves the previous file intact and no temp file", async () => {
    const p = join(dir, "keep.safetensors");
    await saveCheckpoint(p, tensors, { epoch: "1" });
    const before = readFileSync(p);
    let tmpSeen = "";
    const boom = (tmp: string): void => {
      tmpSeen = tmp;
      writeFileSync(tmp, "partial");
      throw new Error("disk on fire");
    };
    await expect(saveCheckpoint(p, { x: { dtype: "F32", shape: [1], data: new Float32Array(1) } }, {}, { onTempFile: boom })).rejects.toThrow(
      /cannot save checkpoint .*keep\.safetensors: disk on fire/,
    );
    expect(() => saveCheckpointSync(p, { x: { dtype: "F32", shape: [1], data: new Float32Array(1) } }, {}, { onTempFile: boom })).toThrow(CheckpointError);
    expect(tmpSeen.startsWith(p)).toBe(true);
    expect(existsSync(tmpSeen)).toBe(false);
    expect(readFileSync(p).equals(before)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.startsWith("keep"))).toEqual(["keep.safetensors"]);
    // invalid tensors fail before anything is written
    await expect(saveCheckpoint(p, { w: { dtype: "F32", shape: [2], data: new Float32Array(1) } })).rejects.toThrow(CheckpointError);
    expect(readFileSync(p).equals(before)).toBe(true);
  });

  it("reports an unwritable destination", async () => {
    await expect(saveCheckpoint(join(dir, "no", "such", "dir", "c.safetensors"), tensors)).rejects.toThrow(/cannot save checkpoint .*ENOENT/);
  });
});

describe("tensorToFloat32", () => {
  it("decodes half and bfloat16 bit patterns and widens other dtypes", () => {
    const half = Uint16Array.from([0x3c00, 0xc000, 0x7bff, 0x0001, 0x3555, 0x7c00, 0xfc00, 0x0000, 0x8000]);
    const got = tensorToFloat32({ dtype: "F16", shape: [9], data: half });
    expect(Array.from(got.subarray(0, 5))).toEqual([1, -2, 65504, Math.fround(2 ** -24), Math.fround(0.333251953125)]);
    expect([got[5], got[6], got[7]]).toEqual([Infinity, -Infinity, 0]);
    expect(Object.is(got[8], -0)).toBe(true);
    expect(tensorToFloat32({ dtype: "F16", shape: [1], data: Uint16Array.of(0x7e00) })[0]).toBeNaN();
    // bfloat16 is the top half of a float32: compare with a Float32Array's own bytes
    const f = Float32Array.from([1, -3.5, 1e30]);
    const top = Uint16Array.from(new Uint32Array(f.buffer), (u) => u >>> 16);
    const truncated = new Float32Array(Uint32Array.from(top, (h) => (h << 16) >>> 0).buffer);
    const bf = tensorToFloat32({ dtype: "BF16", shape: [3], data: top });
    expect(Array.from(bf)).toEqual(Array.from(truncated));
    expect([bf[0], bf[1]]).toEqual([1, -3.5]);
    expect(Math.abs(bf[2]! / 1e30 - 1)).toBeLessThan(2 ** -7);
    expect(Array.from(tensorToFloat32({ dtype: "I64", shape: [2], data: BigInt64Array.of(-5n, 7n) }))).toEqual([-5, 7]);
    expect(Array.from(tensorToFloat32({ dtype: "F64", shape: [1], data: Float64Array.of(0.1) }))).toEqual([Math.fround(0.1)]);
  });
});
