// gatherRows (Embedding lookup) and scatterAddRows (its gradient) over a [V × D] table.
//
// An index outside [0, V) is a data error (a token id the vocabulary does not have), so it throws a
// RangeError naming the position, the index and V rather than reading garbage.

function badIndex(where: string, pos: number, index: number, V: number): RangeError {
  return new RangeError(`${where}: index ${index} at position ${pos} is outside the table of ${V} rows (valid: 0..${V - 1})`);
}

/** out[p, :] = table[idx[p], :] for p < n. */
export function gatherRows(
  table: Float32Array,
  idx: Int32Array,
  out: Float32Array,
  V: number,
  D: number,
  n: number,
): void {
  for (let p = 0; p < n; p++) {
    const r = idx[p]!;
    if (r < 0 || r >= V) throw badIndex("gatherRows", p, r, V);
    const src = r * D;
    const dst = p * D;
    for (let j = 0; j < D; j++) out[dst + j] = table[src + j]!;
  }
}

/** dTable[idx[p], :] += dOut[p, :] for p < n (always accumulates; zero dTable first if needed). */
export function scatterAddRows(
  dOut: Float32Array,
  idx: Int32Array,
  dTable: Float32Array,
  V: number,
  D: number,
  n: number,
): void {
  for (let p = 0; p < n; p++) {
    const r = idx[p]!;
    if (r < 0 || r >= V) throw badIndex("scatterAddRows", p, r, V);
    const src = p * D;
    const dst = r * D;
    for (let j = 0; j < D; j++) dTable[dst + j] = dTable[dst + j]! + dOut[src + j]!;
  }
}
