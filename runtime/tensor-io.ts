// Validating user inputs to a compiled model's `predict` (and similar entry points).
//
// Users pass plain arrays or typed arrays; the model needs exactly `shape`'s element count of the right
// kind. A mismatch is the user's error, reported with the input's name, the expected shape and both
// sizes, never a silent truncation or a garbage read.

export class InputError extends Error {
  override readonly name = "InputError";
}

export type InputDtype = "f32" | "i32";

function shapeText(dtype: InputDtype, shape: readonly number[]): string {
  return `${dtype}[${shape.join(", ")}]`;
}

function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Throws InputError unless `value` is array-like with exactly the element count of `shape`. */
export function checkInput(name: string, value: unknown, dtype: InputDtype, shape: readonly number[]): ArrayLike<number> {
  const expected = elementCount(shape);
  const isArrayLike =
    Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array));
  if (!isArrayLike) {
    const got = value === null ? "null" : typeof value === "object" ? (value as object).constructor?.name ?? "object" : typeof value;
    throw new InputError(`input ${JSON.stringify(name)}: expected an array or typed array of ${expected} numbers (${shapeText(dtype, shape)}), got ${got}`);
  }
  const arr = value as ArrayLike<number>;
  if (arr.length !== expected) {
    throw new InputError(`input ${JSON.stringify(name)}: expected ${expected} values (${shapeText(dtype, shape)}), got ${arr.length}`);
  }
  return arr;
}

/**
 * Validates and copies `value` into the model's preallocated input view. Plain arrays are checked
 * element by element (numbers; integers in range for i32); typed arrays only for i32 targets fed from
 * float arrays.
 */
export function copyInput(name: string, value: unknown, dst: Float32Array | Int32Array, shape: readonly number[]): void {
  const dtype: InputDtype = dst instanceof Int32Array ? "i32" : "f32";
  const src = checkInput(name, value, dtype, shape);
  if (dst.length < src.length) throw new RangeError(`copyInput: the view for ${JSON.stringify(name)} holds ${dst.length} values, fewer than ${src.length}`);
  const plain = Array.isArray(src);
  const needIntCheck = dtype === "i32" && !(src instanceof Int32Array || src instanceof Int16Array || src instanceof Int8Array || src instanceof Uint16Array || src instanceof Uint8Array || src instanceof Uint8ClampedArray);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (plain && typeof v !== "number") {
      throw new InputError(`input ${JSON.stringify(name)}: element ${i} is ${v === null ? "null" : typeof v}, not a number`);
    }
    if (needIntCheck && (!Number.isInteger(v) || (v as number) < -2147483648 || (v as number) > 2147483647)) {
      throw new InputError(`input ${JSON.stringify(name)}: element ${i} is ${v}, not a 32-bit integer (${shapeText(dtype, shape)})`);
    }
    dst[i] = v as number;
  }
}
