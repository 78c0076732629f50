// IDX reading on small files the test writes itself (gzipped and plain), and every error it names.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { DataError } from "../../../runtime/data/errors.js";
import { loadIdxImages, loadMnistIdxDir, parseIdx, readIdx } from "../../../runtime/data/idx.js";

const dir = mkdtempSync(join(tmpdir(), "dlm-idx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Builds IDX bytes by hand: magic, big-endian dims, big-endian payload. */
function idx(typeCode: number, dims: number[], values: number[], bytesPer = 1): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = typeCode;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  const body = Buffer.alloc(values.length * bytesPer);
  values.forEach((v, i) => {
    if (typeCode === 0x08) body.writeUInt8(v, i);
    else if (typeCode === 0x0b) body.writeInt16BE(v, 2 * i);
    else if (typeCode === 0x0c) body.writeInt32BE(v, 4 * i);
    else if (typeCode === 0x0d) body.writeFloatBE(v, 4 * i);
  });
  return Buffer.concat([head, body]);
}

const pixels = Array.from({ length: 3 * 2 * 4 }, (_, i) => (i * 37) % 256);
const labels = [7, 0, 9];

describe("parseIdx", () => {
  it("reads u8 images and labels, plain and gzipped", () => {
    for (const wrap of [(b: Buffer) => b, (b: Buffer) => gzipSync(b)]) {
      const img = parseIdx(wrap(idx(0x08, [3, 2, 4], pixels)), "img");
      expect(img.type).toBe("u8");
      expect(img.dims).toEqual([3, 2, 4]);
      expect(Array.from(img.data)).toEqual(pixels);
      const lab = parseIdx(wrap(idx(0x08, [3], labels)), "lab");
      expect(Array.from(lab.data)).toEqual(labels);
    }
  });

  it("decodes big-endian i16, i32 and f32 payloads", () => {
    expect(Array.from(parseIdx(idx(0x0b, [3], [-2, 300, 7], 2), "f").data)).toEqual([-2, 300, 7]);
    expect(Array.from(parseIdx(idx(0x0c, [2], [-70000, 123456789], 4), "f").data)).toEqual([-70000, 123456789]);
    expect(Array.from(parseIdx(idx(0x0d, [2], [1.5, -0.25], 4), "f").data)).toEqual([1.5, -0.25]);
  });

  it("names the file and the problem", () => {
    const expectData = (f: () => unknown, re: RegExp): void => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(DataError);
        expect((e as Error).message).toMatch(re);
        return;
      }
      expect.fail("no error thrown");
    };
    expectData(() => parseIdx(new Uint8Array([0, 0]), "a.idx"), /^a\.idx: too short .*2 bytes/);
    expectData(() => parseIdx(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]), "b.idx"), /^b\.idx: bad magic number 0x504b0304/);
    expectData(() => parseIdx(new Uint8Array([0, 0, 0x07, 1, 0, 0, 0, 0]), "c.idx"), /bad magic number 0x00000701/);
    expectData(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1]), "d.idx"), /too short: 8 bytes, .* needs 16/);
    expectData(() => parseIdx(idx(0x08, [3, 2, 4], pixels).subarray(0, 30), "e.idx"), /^e\.idx: dims \[3, 2, 4\] need 24 data bytes but the file has 14 \(truncated\?\)/);
    expectData(() => parseIdx(gzipSync(idx(0x08, [1], [1])).subarray(0, 12), "f.gz"), /^f\.gz: gzip data is corrupt/);
    expectData(() => readIdx(join(dir, "missing.idx")), /missing\.idx: cannot read \(ENOENT\)/);
  });
});

describe("loadIdxImages", () => {
  it("scales pixels to [0,1] and checks that the counts agree", () => {
    const ip = join(dir, "train-images-idx3-ubyte.gz");
    const lp = join(dir, "train-labels-idx1-ubyte");
    writeFileSync(ip, gzipSync(idx(0x08, [3, 2, 4], pixels)));
    writeFileSync(lp, idx(0x08, [3], labels));
    const set = loadIdxImages(ip, lp);
    expect(set.count).toBe(3);
    expect(set.shape).toEqual([2, 4]);
    expect(Array.from(set.labels)).toEqual(labels);
    expect(Array.from(set.images)).toEqual(pixels.map((p) => Math.fround(p / 255)));
    // the directory loader finds the same files by their standard names, .gz or not
    expect(Array.from(loadMnistIdxDir(dir, "train").labels)).toEqual(labels);
    expect(() => loadMnistIdxDir(dir, "test")).toThrow(/t10k-images-idx3-ubyte: not found/);

    const bad = join(dir, "bad-labels");
    writeFileSync(bad, idx(0x08, [2], [1, 2]));
    expect(() => loadIdxImages(ip, bad)).toThrow(/bad-labels: has 2 labels but .*train-images-idx3-ubyte\.gz has 3 images/);
    expect(() => loadIdxImages(lp, lp)).toThrow(/expected u8 images of rank 3/);
  });
});
