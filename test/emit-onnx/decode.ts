// Test-side decoder of ONNX ModelProto bytes with protobufjs/minimal's Reader, into plain objects.
//
// Written independently of compiler/emit/onnx/proto.ts: the field numbers are spelled out again here from
// onnx/onnx.proto, so a wrong number in the encoder shows up as a missing or garbled field, not as a
// round trip through the same mistake. Fields the exporter never writes are skipped.

import protobuf from "protobufjs/minimal.js";

type Reader = protobuf.Reader;

export interface DecodedTensor {
  name: string;
  dataType: number;
  dims: number[];
  /** Values as numbers (float, int32, int64 or bool), from raw_data or the typed fields. */
  values: number[];
}

export interface DecodedAttr {
  type: number;
  f?: number;
  i?: number;
  s?: string;
  t?: DecodedTensor;
  floats: number[];
  ints: number[];
}

export interface DecodedNode {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, DecodedAttr>;
  docString: string;
}

export interface DecodedValueInfo {
  name: string;
  elemType: number;
  shape: Array<number | string>;
}

export interface DecodedGraph {
  name: string;
  nodes: DecodedNode[];
  initializers: DecodedTensor[];
  inputs: DecodedValueInfo[];
  outputs: DecodedValueInfo[];
}

export interface DecodedModel {
  irVersion: number;
  producerName: string;
  opsets: Array<{ domain: string; version: number }>;
  metadata: Record<string, string>;
  graph: DecodedGraph;
}

// int64 fields come back as Long objects; String() gives their decimal value.
const num = (v: number | object): number => (typeof v === "number" ? v : Number(String(v)));

/** Reads the fields of one message (until `end`), calling `field(number, wireType)` for each. */
function fields(r: Reader, end: number, field: (no: number, wire: number) => boolean): void {
  while (r.pos < end) {
    const t = r.uint32();
    if (!field(t >>> 3, t & 7)) r.skipType(t & 7);
  }
}

const sub = (r: Reader): number => r.uint32() + r.pos;

function packedOr(r: Reader, wire: number, one: () => number): number[] {
  if (wire !== 2) return [one()];
  const end = sub(r);
  const out: number[] = [];
  while (r.pos < end) out.push(one());
  return out;
}

function tensor(r: Reader, end: number): DecodedTensor {
  const t: DecodedTensor = { name: "", dataType: 0, dims: [], values: [] };
  let raw: Uint8Array | undefined;
  fields(r, end, (no, wire) => {
    if (no === 1) t.dims.push(...packedOr(r, wire, () => num(r.int64())));
    else if (no === 2) t.dataType = r.int32();
    else if (no === 8) t.name = r.string();
    else if (no === 9) raw = r.bytes();
    else if (no === 4) t.values.push(...packedOr(r, wire, () => r.float()));
    else if (no === 5) t.values.push(...packedOr(r, wire, () => r.int32()));
    else if (no === 7) t.values.push(...packedOr(r, wire, () => num(r.int64())));
    else return false;
    return true;
  });
  if (raw) {
    const copy = Uint8Array.from(raw); // Buffer.slice would share (and offset into) the pooled buffer
    const view = new DataView(copy.buffer);
    const width = t.dataType === 7 ? 8 : t.dataType === 9 ? 1 : 4;
    for (let at = 0; at < copy.length; at += width) {
      t.values.push(t.dataType === 1 ? view.getFloat32(at, true) : t.dataType === 6 ? view.getInt32(at, true)
        : t.dataType === 7 ? Number(view.getBigInt64(at, true)) : t.dataType === 9 ? view.getUint8(at) : NaN);
    }
  }
  return t;
}

function attribute(r: Reader, end: number): [string, DecodedAttr] {
  let name = "";
  const a: DecodedAttr = { type: 0, floats: [], ints: [] };
  fields(r, end, (no, wire) => {
    if (no === 1) name = r.string();
    else if (no === 20) a.type = r.int32();
    else if (no === 2) a.f = r.float();
    else if (no === 3) a.i = num(r.int64());
    else if (no === 4) a.s = new TextDecoder().decode(r.bytes());
    else if (no === 5) a.t = tensor(r, sub(r));
    else if (no === 7) a.floats.push(...packedOr(r, wire, () => r.float()));
    else if (no === 8) a.ints.push(...packedOr(r, wire, () => num(r.int64())));
    else return false;
    return true;
  });
  return [name, a];
}

function node(r: Reader, end: number): DecodedNode {
  const n: DecodedNode = { opType: "", name: "", inputs: [], outputs: [], attrs: {}, docString: "" };
  fields(r, end, (no) => {
    if (no === 1) n.inputs.push(r.string());
    else if (no === 2) n.outputs.push(r.string());
    else if (no === 3) n.name = r.string();
    else if (no === 4) n.opType = r.string();
    else if (no === 5) {
      const [k, v] = attribute(r, sub(r));
      n.attrs[k] = v;
    } else if (no === 6) n.docString = r.string();
    else return false;
    return true;
  });
  return n;
}

function valueInfo(r: Reader, end: number): DecodedValueInfo {
  const v: DecodedValueInfo = { name: "", elemType: 0, shape: [] };
  fields(r, end, (no) => {
    if (no === 1) v.name = r.string();
    else if (no === 2) {
      // TypeProto { tensor_type = 1: Tensor { elem_type = 1, shape = 2: TensorShapeProto { dim = 1 } } }
      fields(r, sub(r), (tp) => {
        if (tp !== 1) return false;
        fields(r, sub(r), (tt) => {
          if (tt === 1) v.elemType = r.int32();
          else if (tt === 2) {
            fields(r, sub(r), (sd) => {
              if (sd !== 1) return false;
              fields(r, sub(r), (d) => {
                if (d === 1) v.shape.push(num(r.int64()));
                else if (d === 2) v.shape.push(r.string());
                else return false;
                return true;
              });
              return true;
            });
          } else return false;
          return true;
        });
        return true;
      });
    } else return false;
    return true;
  });
  return v;
}

function graph(r: Reader, end: number): DecodedGraph {
  const g: DecodedGraph = { name: "", nodes: [], initializers: [], inputs: [], outputs: [] };
  fields(r, end, (no) => {
    if (no === 1) g.nodes.push(node(r, sub(r)));
    else if (no === 2) g.name = r.string();
    else if (no === 5) g.initializers.push(tensor(r, sub(r)));
    else if (no === 11) g.inputs.push(valueInfo(r, sub(r)));
    else if (no === 12) g.outputs.push(valueInfo(r, sub(r)));
    else return false;
    return true;
  });
  return g;
}

export function decodeModel(bytes: Uint8Array): DecodedModel {
  const r = protobuf.Reader.create(bytes);
  const m: DecodedModel = { irVersion: 0, producerName: "", opsets: [], metadata: {}, graph: { name: "", nodes: [], initializers: [], inputs: [], outputs: [] } };
  fields(r, bytes.length, (no) => {
    if (no === 1) m.irVersion = num(r.int64());
    else if (no === 2) m.producerName = r.string();
    else if (no === 7) m.graph = graph(r, sub(r));
    else if (no === 8) {
      const o = { domain: "", version: 0 };
      fields(r, sub(r), (f) => {
        if (f === 1) o.domain = r.string();
        else if (f === 2) o.version = num(r.int64());
        else return false;
        return true;
      });
      m.opsets.push(o);
    } else if (no === 14) {
      let [k, v] = ["", ""];
      fields(r, sub(r), (f) => {
        if (f === 1) k = r.string();
        else if (f === 2) v = r.string();
        else return false;
        return true;
      });
      m.metadata[k] = v;
    } else return false;
    return true;
  });
  return m;
}
