// packBuffers keeps its placed buffers sorted by offset instead of sorting the live ones per request
// (compile time of unrolled sequence models). The plan must be exactly the one of the plain algorithm:
// the reference below is that algorithm written the obvious way, compared on random requests and on a
// large unrolled-looking set.

import fc from "fast-check";
import { expect, it } from "vitest";
import { checkPlan, livesOverlap, packBuffers, type BufferRequest, type MemoryPlan, type Slot } from "../../compiler/plan/plan-memory.js";

function referencePack(requests: readonly BufferRequest[], align = 64): MemoryPlan {
  const up = (n: number): number => Math.ceil(n / align) * align;
  const order = requests.map((_, i) => i).sort((i, j) => requests[j]!.bytes - requests[i]!.bytes || i - j);
  const placed: Slot[] = [];
  const offsets: number[] = requests.map(() => 0);
  let arena = 0;
  for (const i of order) {
    const r = requests[i]!;
    const busy = placed.filter((p) => p.bytes > 0 && livesOverlap(p, r)).sort((p, q) => p.offset - q.offset);
    let offset = 0;
    for (const p of busy) {
      if (offset + r.bytes <= p.offset) break;
      offset = Math.max(offset, up(p.offset + p.bytes));
    }
    offsets[i] = offset;
    placed.push({ ...r, offset });
    arena = Math.max(arena, offset + r.bytes);
  }
  return { arenaBytes: up(arena), slots: requests.map((r, i) => ({ ...r, offset: offsets[i]! })) };
}

it("property: the same plan as the plain first-fit algorithm", () => {
  const request = fc.record({ bytes: fc.integer({ min: 0, max: 3000 }), first: fc.integer({ min: 0, max: 30 }), len: fc.integer({ min: 0, max: 12 }), always: fc.boolean() });
  fc.assert(
    fc.property(fc.array(request, { maxLength: 60 }), (rs) => {
      const reqs: BufferRequest[] = rs.map((r, i) => ({ key: `k${i}`, bytes: r.bytes, first: r.always ? 0 : r.first, last: r.always ? Number.MAX_SAFE_INTEGER : r.first + r.len }));
      expect(packBuffers(reqs)).toEqual(referencePack(reqs));
    }),
    { numRuns: 300 },
  );
});

it("the same plan on 1,200 buffers shaped like an unrolled sequence model", () => {
  // Long-lived forward values (kept for the backward pass), short-lived temporaries, whole-life state.
  let s = 12345;
  const rand = (n: number): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
  const reqs: BufferRequest[] = [];
  for (let i = 0; i < 1200; i++) {
    const kind = rand(10);
    const first = rand(2400);
    const bytes = [256, 512, 4096, 16384][rand(4)]!;
    if (kind === 0 && i < 60) reqs.push({ key: `state${i}`, bytes: bytes * 4, first: 0, last: Number.MAX_SAFE_INTEGER });
    else if (kind < 5) reqs.push({ key: `keep${i}`, bytes, first, last: first + 1200 + rand(1200) });
    else reqs.push({ key: `tmp${i}`, bytes, first, last: first + rand(5) });
  }
  const plan = packBuffers(reqs);
  expect(plan).toEqual(referencePack(reqs));
  expect(checkPlan(plan)).toEqual([]);
});
