// The safetensors format in memory: serialize tensors to bytes and parse + validate bytes back.
//
// Layout: u64 little-endian header length N, N bytes of JSON header
//   { "__metadata__": {string: string}, name: { dtype, shape, data_offsets: [begin, end] }, … },
// then the tensors' raw little-endian bytes; offsets are relative to the end of the header.
// Determinism: names are sorted (UTF-16 code-unit order), tensors are packed in that order with no
// gaps, and the header is padded with spaces so the data starts 8-byte aligned (the format allows
// trailing spaces). Parsing validates every rule and throws CheckpointError naming the file.
// Data is copied out on load, so the returned arrays are aligned and independent of the file buffer.

// Platform-neutral (browsers too): no node: imports; the byte order is probed, not asked of node:os.

export class CheckpointError extends Error {
  override readonly name = "CheckpointError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type Dtype = "F64" | "F32" | "F16" | "BF16" | "I64" | "I32" | "I16" | "I8" | "U64" | "U32" | "U16" | "U8" | "BOOL";

export type TensorData =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | BigUint64Array
  | Uint32Array
  | Uint16Array
  | Uint8Array;

export interface Tensor {
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  readonly data: TensorData;
}

export interface TensorSpec {
  readonly dtype: Dtype;
  readonly shape: readonly number[];
}

interface DtypeInfo {
  readonly bytes: number;
  /** F16 and BF16 have no JS typed array: they travel as raw Uint16 bits. */
  readonly make: (buffer: ArrayBuffer) => TensorData;
  readonly accepts: (data: TensorData) => boolean;
}

export const DTYPES: Readonly<Record<Dtype, DtypeInfo>> = {
  F64: { bytes: 8, make: (b) => new Float64Array(b), accepts: (d) => d instanceof Float64Array },
  F32: { bytes: 4, make: (b) => new Float32Array(b), accepts: (d) => d instanceof Float32Array },
  F16: { bytes: 2, make: (b) => new Uint16Array(b), accepts: (d) => d instanceof Uint16Array },
  BF16: { bytes: 2, make: (b) => new Uint16Array(b), accepts: (d) => d instanceof Uint16Array },
  I64: { bytes: 8, make: (b) => new BigInt64Array(b), accepts: (d) => d instanceof BigInt64Array },
  I32: { bytes: 4, make: (b) => new Int32Array(b), accepts: (d) => d instanceof Int32Array },
  I16: { bytes: 2, make: (b) => new Int16Array(b), accepts: (d) => d instanceof Int16Array },
  I8: { bytes: 1, make: (b) => new Int8Array(b), accepts: (d) => d instanceof Int8Array },
  U64: { bytes: 8, make: (b) => new BigUint64Array(b), accepts: (d) => d instanceof BigUint64Array },
  U32: { bytes: 4, make: (b) => new Uint32Array(b), accepts: (d) => d instanceof Uint32Array },
  U16: { bytes: 2, make: (b) => new Uint16Array(b), accepts: (d) => d instanceof Uint16Array },
  U8: { bytes: 1, make: (b) => new Uint8Array(b), accepts: (d) => d instanceof Uint8Array },
  BOOL: { bytes: 1, make: (b) => new Uint8Array(b), accepts: (d) => d instanceof Uint8Array },
};

/** Refuse to parse absurd headers (the reference implementation's limit is 100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

function isDtype(s: unknown): s is Dtype {
  return typeof s === "string" && Object.hasOwn(DTYPES, s);
}

function elements(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

const fmt = (shape: readonly number[]): string => `[${shape.join(", ")}]`;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function assertLittleEndian(): void {
  if (!LITTLE_ENDIAN) throw new CheckpointError("safetensors I/O needs a little-endian host");
}

/** Serializes tensors (names sorted) and string metadata to safetensors bytes. */
export function serializeSafetensors(tensors: Readonly<Record<string, Tensor>>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  assertLittleEndian();
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== "string") throw new CheckpointError(`metadata ${JSON.stringify(k)} must be a string, got ${typeof v}`);
  }
  if (Object.keys(metadata).length > 0) {
    header.__metadata__ = Object.fromEntries(Object.keys(metadata).sort().map((k) => [k, metadata[k]]));
  }
  let offset = 0;
  for (const name of names) {
    const t = tensors[name]!;
    if (name === "__metadata__" || name === "") throw new CheckpointError(`invalid tensor name ${JSON.stringify(name)}`);
    if (!isDtype(t.dtype)) throw new CheckpointError(`tensor ${JSON.stringify(name)}: unknown dtype ${JSON.stringify(t.dtype)}`);
    if (!t.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new CheckpointError(`tensor ${JSON.stringify(name)}: bad shape ${fmt(t.shape)}`);
    const info = DTYPES[t.dtype];
    if (!info.accepts(t.data)) throw new CheckpointError(`tensor ${JSON.stringify(name)}: a ${t.data.constructor.name} cannot hold dtype ${t.dtype}`);
    if (t.data.length !== elements(t.shape)) {
      throw new CheckpointError(`tensor ${JSON.stringify(name)}: shape ${fmt(t.shape)} has ${elements(t.shape)} elements but the data has ${t.data.length}`);
    }
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  const jsonBytes = Buffer.byteLength(json, "utf8");
  json += " ".repeat((8 - (jsonBytes % 8)) % 8);
  const headerBytes = Buffer.from(json, "utf8");
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    const d = tensors[name]!.data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    at += d.byteLength;
  }
  return out;
}

export interface Checkpoint {
  readonly tensors: Record<string, Tensor>;
  readonly metadata: Record<string, string>;
}

/**
 * Parses and validates safetensors bytes. `file` names the source in errors. With `expected`, the set
 * of names, each dtype and each shape must match exactly.
 */
export function parseSafetensors(bytes: Uint8Array, file: string, expected?: Readonly<Record<string, TensorSpec>>): Checkpoint {
  assertLittleEndian();
  const fail = (msg: string): never => {
    throw new CheckpointError(`${file}: ${msg}`);
  };
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8)) fail(`header length ${n} runs past the end of the file (${bytes.length} bytes)`);
  if (n > BigInt(MAX_HEADER_BYTES)) fail(`header length ${n} is over the ${MAX_HEADER_BYTES}-byte limit`);
  const headerLen = Number(n);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) fail("header is not a JSON object");
  const entries = header as Record<string, unknown>;
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;

  const metadata: Record<string, string> = {};
  const meta = entries.__metadata__;
  if (meta !== undefined) {
    if (typeof meta !== "object" || meta === null || Array.isArray(meta)) fail("__metadata__ is not an object");
    for (const [k, v] of Object.entries(meta as Record<string, unknown>)) {
      if (typeof v !== "string") fail(`__metadata__ ${JSON.stringify(k)} is not a string`);
      metadata[k] = v as string;
    }
  }

  const spans: { name: string; begin: number; end: number }[] = [];
  const tensors: Record<string, Tensor> = {};
  for (const [name, raw] of Object.entries(entries)) {
    if (name === "__metadata__") continue;
    const q = JSON.stringify(name);
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail(`tensor ${q}: entry is not an object`);
    const e = raw as Record<string, unknown>;
    if (!isDtype(e.dtype)) fail(`tensor ${q}: unknown dtype ${JSON.stringify(e.dtype)}`);
    const dtype = e.dtype as Dtype;
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      fail(`tensor ${q}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
    }
    const offs = e.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
      fail(`tensor ${q}: data_offsets ${JSON.stringify(offs)} is not a pair of non-negative integers`);
    }
    const [begin, end] = offs as [number, number];
    if (begin > end || end > dataLen) fail(`tensor ${q}: data_offsets [${begin}, ${end}] out of range (the data section has ${dataLen} bytes)`);
    const want = elements(shape as number[]) * DTYPES[dtype].bytes;
    if (end - begin !== want) {
      fail(`tensor ${q}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes but ${dtype} ${fmt(shape as number[])} needs ${want}`);
    }
    spans.push({ name, begin, end });
    // a fresh, aligned buffer (Buffer#slice would share memory with the whole file, and maybe a pool)
    const copy = new Uint8Array(end - begin);
    copy.set(bytes.subarray(dataStart + begin, dataStart + end));
    tensors[name] = { dtype, shape: shape as number[], data: DTYPES[dtype].make(copy.buffer) };
  }
  // The format requires the data section to be covered exactly: no overlaps, no holes.
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const s of spans) {
    if (s.begin < covered) fail(`tensor ${JSON.stringify(s.name)}: data_offsets [${s.begin}, ${s.end}] overlap another tensor's bytes`);
    if (s.begin > covered) fail(`bytes ${covered}..${s.begin} of the data section belong to no tensor`);
    covered = s.end;
  }
  if (covered !== dataLen) fail(`bytes ${covered}..${dataLen} of the data section belong to no tensor`);

  if (expected !== undefined) checkExpected(tensors, expected, fail);
  return { tensors, metadata };
}

function checkExpected(tensors: Record<string, Tensor>, expected: Readonly<Record<string, TensorSpec>>, fail: (m: string) => never): void {
  const missing = Object.keys(expected).filter((k) => !Object.hasOwn(tensors, k)).sort();
  const extra = Object.keys(tensors).filter((k) => !Object.hasOwn(expected, k)).sort();
  if (missing.length > 0 || extra.length > 0) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`missing tensors ${missing.map((s) => JSON.stringify(s)).join(", ")}`);
    if (extra.length > 0) parts.push(`unexpected tensors ${extra.map((s) => JSON.stringify(s)).join(", ")}`);
    fail(`${parts.join("; ")} (is this a checkpoint of another model?)`);
  }
  for (const name of Object.keys(expected).sort()) {
    const want = expected[name]!;
    const got = tensors[name]!;
    if (got.dtype !== want.dtype) fail(`tensor ${JSON.stringify(name)}: dtype ${got.dtype} in the file, expected ${want.dtype}`);
    if (got.shape.length !== want.shape.length || got.shape.some((d, i) => d !== want.shape[i])) {
      fail(`tensor ${JSON.stringify(name)}: shape ${fmt(got.shape)} in the file, expected ${fmt(want.shape)}`);
    }
  }
}

const f16Scratch = new DataView(new ArrayBuffer(4));

/** IEEE half-precision bits → number (subnormals, infinities and NaN included). */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** bfloat16 bits → number (the upper half of a float32). */
export function bfloat16ToNumber(bits: number): number {
  f16Scratch.setUint32(0, (bits & 0xffff) << 16);
  return f16Scratch.getFloat32(0);
}

/**
 * A tensor's values as float32 whatever its dtype (e.g. to load weights saved as F16, BF16 or F64 by
 * another tool). Integers convert exactly up to 2²⁴; 64-bit integers via Number.
 */
export function tensorToFloat32(t: Tensor): Float32Array {
  const out = new Float32Array(t.data.length);
  if (t.dtype === "F16" || t.dtype === "BF16") {
    const conv = t.dtype === "F16" ? halfToNumber : bfloat16ToNumber;
    const bits = t.data as Uint16Array;
    for (let i = 0; i < bits.length; i++) out[i] = conv(bits[i]!);
  } else if (t.data instanceof BigInt64Array || t.data instanceof BigUint64Array) {
    for (let i = 0; i < t.data.length; i++) out[i] = Number(t.data[i]!);
  } else {
    out.set(t.data);
  }
  return out;
}
