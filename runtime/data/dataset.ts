// In-memory datasets of named fields, seeded splits, and a Batcher that fills preallocated buffers.
//
// A Dataset holds, per field, one typed array of count × (per-example size) elements and the
// per-example shape. Splits and subsets copy (they are made once, before training).
//
// The compiled model has a fixed batch size B, so the last, partial batch of an epoch needs a policy:
// - "drop" (training): the partial batch is skipped; with shuffling, every example is still seen in
//   other epochs.
// - "pad" (evaluation): the partial batch is returned with its real count; rows past it are zeros and
//   `mask` is 0 there, so metrics and losses must use only the first `count` rows (or weight by mask).

import type { Rng } from "../rng.js";
import { DataError } from "./errors.js";

export type FieldArray = Float32Array | Int32Array;

export interface FieldSpec {
  readonly data: FieldArray;
  /** Shape of one example (e.g. [1, 28, 28]; [] for a scalar label). */
  readonly shape: readonly number[];
}

export interface Field extends FieldSpec {
  readonly name: string;
  /** Elements per example: the product of shape. */
  readonly size: number;
}

function product(shape: readonly number[]): number {
  let p = 1;
  for (const d of shape) p *= d;
  return p;
}

export class Dataset {
  readonly count: number;
  readonly fields: ReadonlyMap<string, Field>;

  constructor(fields: Record<string, FieldSpec>) {
    const map = new Map<string, Field>();
    let count = -1;
    for (const [name, spec] of Object.entries(fields)) {
      if (!spec.shape.every((d) => Number.isInteger(d) && d >= 1)) {
        throw new DataError("", `field ${JSON.stringify(name)}: bad per-example shape [${spec.shape.join(", ")}]`);
      }
      const size = product(spec.shape);
      if (spec.data.length % size !== 0) {
        throw new DataError("", `field ${JSON.stringify(name)}: ${spec.data.length} values are not a whole number of examples of shape [${spec.shape.join(", ")}]`);
      }
      const n = spec.data.length / size;
      if (count >= 0 && n !== count) {
        const first = map.keys().next().value as string;
        throw new DataError("", `field ${JSON.stringify(name)} has ${n} examples but ${JSON.stringify(first)} has ${count}`);
      }
      count = n;
      map.set(name, { name, data: spec.data, shape: [...spec.shape], size });
    }
    if (count < 0) throw new DataError("", "a dataset needs at least one field");
    this.count = count;
    this.fields = map;
  }

  /**
   * An image set (loadMnist, loadIdxImages) as fields `image` (per-example shape [rows, cols]) and
   * `label` (a scalar i32). The arrays are shared, not copied.
   */
  static fromImages(set: { images: Float32Array; labels: Int32Array; shape: readonly number[] }): Dataset {
    return new Dataset({ image: { data: set.images, shape: set.shape }, label: { data: set.labels, shape: [] } });
  }

  field(name: string): Field {
    const f = this.fields.get(name);
    if (f === undefined) throw new DataError("", `no field ${JSON.stringify(name)} (fields: ${[...this.fields.keys()].join(", ")})`);
    return f;
  }

  /** The same data with one field's per-example shape changed (same element count), e.g. [784] → [1,28,28]. */
  reshape(name: string, shape: readonly number[]): Dataset {
    const f = this.field(name);
    if (product(shape) !== f.size) {
      throw new DataError("", `cannot reshape field ${JSON.stringify(name)} from [${f.shape.join(", ")}] to [${shape.join(", ")}]: sizes differ`);
    }
    const specs: Record<string, FieldSpec> = {};
    for (const [n, g] of this.fields) specs[n] = n === name ? { data: g.data, shape } : g;
    return new Dataset(specs);
  }

  /** A copy holding the examples at `indices`, in that order. */
  subset(indices: Int32Array): Dataset {
    const specs: Record<string, FieldSpec> = {};
    for (const [name, f] of this.fields) {
      const data = f.data instanceof Int32Array ? new Int32Array(indices.length * f.size) : new Float32Array(indices.length * f.size);
      for (let r = 0; r < indices.length; r++) {
        const src = indices[r]!;
        if (src < 0 || src >= this.count) throw new RangeError(`Dataset.subset: index ${src} outside 0..${this.count - 1}`);
        for (let j = 0; j < f.size; j++) data[r * f.size + j] = f.data[src * f.size + j]!;
      }
      specs[name] = { data, shape: f.shape };
    }
    return new Dataset(specs);
  }

  /**
   * Splits into named parts, in the order given. Sizes are either all fractions (each in (0,1], summing
   * to at most 1: boundaries are round(cumulative fraction · count), so they add up exactly when the
   * fractions sum to 1) or all whole counts (summing to at most count). Examples left over are dropped.
   * With an rng, examples are shuffled first (pass `createRng(seed).fork("split")`); without, in order.
   */
  split(parts: Record<string, number>, rng: Rng | null): Record<string, Dataset> {
    const entries = Object.entries(parts);
    if (entries.length === 0) throw new DataError("", "split needs at least one part");
    // Any non-integer size means fractions; all integers mean counts, except that a lone 1 means "all".
    const total = entries.reduce((sum, [, v]) => sum + v, 0);
    const fractions = entries.some(([, v]) => !Number.isInteger(v)) || (entries.length === 1 && total === 1);
    if (!entries.every(([, v]) => Number.isFinite(v) && v >= 0 && (fractions ? v <= 1 : Number.isInteger(v)))) {
      throw new DataError("", `split sizes must be all fractions in [0, 1] or all whole counts, got ${entries.map(([k, v]) => `${k}: ${v}`).join(", ")}`);
    }
    const order = Int32Array.from({ length: this.count }, (_, i) => i);
    if (rng !== null) rng.shuffle(order);
    const out: Record<string, Dataset> = {};
    let start = 0;
    if (fractions) {
      if (total > 1 + 1e-9) throw new DataError("", `split fractions sum to ${total}, more than 1`);
      let cum = 0;
      for (const [name, f] of entries) {
        cum += f;
        const end = Math.min(this.count, Math.round(cum * this.count));
        out[name] = this.subset(order.subarray(start, end));
        start = end;
      }
    } else {
      if (total > this.count) throw new DataError("", `split asks for ${total} examples but the dataset has ${this.count}`);
      for (const [name, n] of entries) {
        out[name] = this.subset(order.subarray(start, start + n));
        start += n;
      }
    }
    return out;
  }
}

export type PartialBatch = "drop" | "pad";

/**
 * Walks a dataset in batches of a fixed size, copying each batch into buffers allocated once here.
 * Per batch nothing is allocated. Usage per epoch: `startEpoch()`, then `while ((n = next()) > 0) …`.
 */
export class Batcher {
  readonly batchSize: number;
  readonly partial: PartialBatch;
  /** One buffer per field: batchSize × field size, refilled by next(). */
  readonly buffers: Readonly<Record<string, FieldArray>>;
  /** 1 for rows that hold a real example in the current batch, 0 for padding. */
  readonly mask: Float32Array;
  readonly batchesPerEpoch: number;
  private readonly dataset: Dataset;
  private readonly rng: Rng | null;
  private readonly order: Int32Array;
  private readonly fieldList: Field[];
  private readonly bufferList: FieldArray[];
  private cursor = 0;

  constructor(dataset: Dataset, batchSize: number, options: { shuffle: Rng | null; partial: PartialBatch }) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`Batcher: batch size must be a positive integer, got ${batchSize}`);
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.partial = options.partial;
    this.rng = options.shuffle;
    this.order = Int32Array.from({ length: dataset.count }, (_, i) => i);
    this.fieldList = [...dataset.fields.values()];
    this.bufferList = this.fieldList.map((f) => (f.data instanceof Int32Array ? new Int32Array(batchSize * f.size) : new Float32Array(batchSize * f.size)));
    const buffers: Record<string, FieldArray> = {};
    this.fieldList.forEach((f, k) => (buffers[f.name] = this.bufferList[k]!));
    this.buffers = buffers;
    this.mask = new Float32Array(batchSize);
    const full = Math.floor(dataset.count / batchSize);
    this.batchesPerEpoch = options.partial === "pad" && dataset.count % batchSize !== 0 ? full + 1 : full;
    this.cursor = dataset.count; // nothing to return until startEpoch
  }

  /** Rewinds; with an rng, reshuffles the example order (the same rng gives the same epochs). */
  startEpoch(): void {
    if (this.rng !== null) this.rng.shuffle(this.order);
    this.cursor = 0;
  }

  /** Fills the buffers with the next batch; returns how many rows are real (0 when the epoch is over). */
  next(): number {
    const remaining = this.dataset.count - this.cursor;
    if (remaining <= 0) return 0;
    const B = this.batchSize;
    if (remaining < B && this.partial === "drop") {
      this.cursor = this.dataset.count;
      return 0;
    }
    const n = remaining < B ? remaining : B;
    for (let k = 0; k < this.fieldList.length; k++) {
      const f = this.fieldList[k]!;
      const buf = this.bufferList[k]!;
      const src = f.data;
      const size = f.size;
      for (let r = 0; r < n; r++) {
        const from = this.order[this.cursor + r]! * size;
        const to = r * size;
        for (let j = 0; j < size; j++) buf[to + j] = src[from + j]!;
      }
      if (n < B) buf.fill(0, n * size, B * size);
    }
    this.mask.fill(1, 0, n);
    this.mask.fill(0, n, B);
    this.cursor += n;
    return n;
  }
}
