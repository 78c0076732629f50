// Arena views: aliasing into one buffer, and the alignment/range checks that catch a bad memory plan.

import { describe, expect, it } from "vitest";
import { alignUp, carve, createArena, viewF32, viewI32 } from "../../runtime/arena.js";

describe("arena", () => {
  it("carves aligned views that share the one buffer", () => {
    const buf = createArena(256);
    const v = carve(buf, {
      a: { dtype: "f32", byteOffset: 0, length: 4 },
      b: { dtype: "i32", byteOffset: 64, length: 3 },
      c: { dtype: "f64", byteOffset: 128, length: 2 },
      d: { dtype: "u8", byteOffset: 255, length: 1 },
    });
    expect(v.a).toBeInstanceOf(Float32Array);
    expect(v.b).toBeInstanceOf(Int32Array);
    expect(v.c.length).toBe(2);
    expect(v.a.buffer).toBe(buf);
    v.b[0] = 7;
    expect(new Int32Array(buf, 64, 1)[0]).toBe(7);
    expect(viewF32(buf, 0, 4)).not.toBe(v.a); // a new view object, same memory
  });

  it("rejects misaligned, out-of-range and non-integer views, naming the view", () => {
    const buf = createArena(64);
    expect(() => viewF32(buf, 2, 1, "h1")).toThrow(/"h1" \(f32\[1\] at byte 2\): offset is not aligned to 4 bytes/);
    expect(() => viewI32(buf, 60, 2, "h2")).toThrow(/ends at byte 68, past the arena's 64 bytes/);
    expect(() => viewF32(buf, -4, 1)).toThrow(/non-negative integer/);
    expect(() => viewF32(buf, 0, 1.5)).toThrow(/length must be/);
    expect(() => carve(buf, { x: { dtype: "f16" as "f32", byteOffset: 0, length: 1 } })).toThrow(/unknown dtype "f16"/);
  });

  it("aligns offsets up", () => {
    expect([alignUp(0), alignUp(1), alignUp(64), alignUp(65), alignUp(5, 4)]).toEqual([0, 64, 64, 128, 8]);
  });
});
