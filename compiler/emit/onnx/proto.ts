// The ONNX model as plain data, and its protobuf encoding with protobufjs/minimal's Writer.
//
// No .proto file and no reflection: the field numbers below are copied by hand from onnx/onnx.proto
// (ONNX 1.14, IR version 8; the numbers have not changed since IR version 3) and named after the
// message and field they encode. Only the fields the exporter writes are listed. Tensor data always goes
// in `raw_data` (fixed-width little-endian, which is what every supported host is).

import protobuf from "protobufjs/minimal.js";

// ---- onnx.proto field numbers ---------------------------------------------------------------------------

/** message ModelProto */
const MODEL = { irVersion: 1, producerName: 2, producerVersion: 3, docString: 6, graph: 7, opsetImport: 8, metadataProps: 14 } as const;
/** message OperatorSetIdProto */
const OPSET_ID = { domain: 1, version: 2 } as const;
/** message StringStringEntryProto */
const STRING_ENTRY = { key: 1, value: 2 } as const;
/** message GraphProto */
const GRAPH = { node: 1, name: 2, initializer: 5, docString: 10, input: 11, output: 12 } as const;
/** message NodeProto */
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, docString: 6 } as const;
/** message AttributeProto (type = AttributeProto.AttributeType) */
const ATTRIBUTE = { name: 1, f: 2, i: 3, s: 4, t: 5, floats: 7, ints: 8, type: 20 } as const;
/** enum AttributeProto.AttributeType */
const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;
/** message TensorProto */
const TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9 } as const;
/** message ValueInfoProto */
const VALUE_INFO = { name: 1, type: 2 } as const;
/** message TypeProto (oneof value: tensor_type) and TypeProto.Tensor */
const TYPE = { tensorType: 1 } as const;
const TYPE_TENSOR = { elemType: 1, shape: 2 } as const;
/** message TensorShapeProto and TensorShapeProto.Dimension (oneof value: dim_value | dim_param) */
const SHAPE = { dim: 1 } as const;
const DIMENSION = { dimValue: 1, dimParam: 2 } as const;

/** enum TensorProto.DataType (the members the exporter uses). */
export const DATA_TYPE = { float: 1, int32: 6, int64: 7, bool: 9 } as const;
export type DataType = (typeof DATA_TYPE)[keyof typeof DATA_TYPE];

/** ONNX IR version 8 (onnx 1.10+): what every onnxruntime since 1.10 reads. */
export const IR_VERSION = 8;

// ---- the model as data ----------------------------------------------------------------------------------

export interface OnnxTensor {
  name: string;
  dataType: DataType;
  dims: number[];
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array;
}

export type OnnxAttr =
  | { name: string; kind: "int"; value: number }
  | { name: string; kind: "ints"; value: number[] }
  | { name: string; kind: "float"; value: number }
  | { name: string; kind: "floats"; value: number[] }
  | { name: string; kind: "string"; value: string }
  | { name: string; kind: "tensor"; value: OnnxTensor };

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attrs: OnnxAttr[];
  /** Where the node comes from (`file:line:col`), kept for readers such as Netron. */
  docString?: string;
}

/** A dimension: a size, or a symbolic name ("B"). */
export type OnnxDim = number | string;

export interface OnnxValueInfo {
  name: string;
  elemType: DataType;
  shape: OnnxDim[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  docString?: string;
}

export interface OnnxModel {
  irVersion: number;
  opset: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  metadata: Record<string, string>;
  graph: OnnxGraph;
}

// ---- encoding -------------------------------------------------------------------------------------------

type Writer = protobuf.Writer;

const VARINT = 0;
const FIXED32 = 5;
const LENGTH_DELIMITED = 2;

const tag = (w: Writer, field: number, wire: number): Writer => w.uint32((field << 3) | wire);
const str = (w: Writer, field: number, s: string): void => void tag(w, field, LENGTH_DELIMITED).string(s);
const int = (w: Writer, field: number, v: number): void => void tag(w, field, VARINT).int64(v);

/** An embedded message: tag, then the length-prefixed body written by `body`. */
function message(w: Writer, field: number, body: (w: Writer) => void): void {
  tag(w, field, LENGTH_DELIMITED).fork();
  body(w);
  w.ldelim();
}

function writeTensor(w: Writer, t: OnnxTensor): void {
  // proto2 repeated scalars are unpacked by default (onnx.proto declares no [packed] on dims).
  for (const d of t.dims) int(w, TENSOR.dims, d);
  int(w, TENSOR.dataType, t.dataType);
  str(w, TENSOR.name, t.name);
  tag(w, TENSOR.rawData, LENGTH_DELIMITED).bytes(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

function writeAttr(w: Writer, a: OnnxAttr): void {
  str(w, ATTRIBUTE.name, a.name);
  switch (a.kind) {
    case "int":
      int(w, ATTRIBUTE.i, a.value);
      break;
    case "ints":
      // AttributeProto.ints is proto2 without [packed]: one tag per value.
      for (const v of a.value) int(w, ATTRIBUTE.ints, v);
      break;
    case "float":
      tag(w, ATTRIBUTE.f, FIXED32).float(a.value);
      break;
    case "floats":
      for (const v of a.value) tag(w, ATTRIBUTE.floats, FIXED32).float(v);
      break;
    case "string":
      tag(w, ATTRIBUTE.s, LENGTH_DELIMITED).bytes(new TextEncoder().encode(a.value));
      break;
    case "tensor":
      message(w, ATTRIBUTE.t, (m) => writeTensor(m, a.value));
      break;
  }
  int(w, ATTRIBUTE.type, ATTRIBUTE_TYPE[a.kind]);
}

function writeNode(w: Writer, n: OnnxNode): void {
  for (const i of n.inputs) str(w, NODE.input, i);
  for (const o of n.outputs) str(w, NODE.output, o);
  str(w, NODE.name, n.name);
  str(w, NODE.opType, n.opType);
  for (const a of n.attrs) message(w, NODE.attribute, (m) => writeAttr(m, a));
  if (n.docString) str(w, NODE.docString, n.docString);
}

function writeValueInfo(w: Writer, v: OnnxValueInfo): void {
  str(w, VALUE_INFO.name, v.name);
  message(w, VALUE_INFO.type, (t) =>
    message(t, TYPE.tensorType, (tt) => {
      int(tt, TYPE_TENSOR.elemType, v.elemType);
      message(tt, TYPE_TENSOR.shape, (s) => {
        for (const d of v.shape) {
          message(s, SHAPE.dim, (dim) => (typeof d === "number" ? int(dim, DIMENSION.dimValue, d) : str(dim, DIMENSION.dimParam, d)));
        }
      });
    }),
  );
}

function writeGraph(w: Writer, g: OnnxGraph): void {
  for (const n of g.nodes) message(w, GRAPH.node, (m) => writeNode(m, n));
  str(w, GRAPH.name, g.name);
  for (const t of g.initializers) message(w, GRAPH.initializer, (m) => writeTensor(m, t));
  if (g.docString) str(w, GRAPH.docString, g.docString);
  for (const v of g.inputs) message(w, GRAPH.input, (m) => writeValueInfo(m, v));
  for (const v of g.outputs) message(w, GRAPH.output, (m) => writeValueInfo(m, v));
}

/** The serialized ModelProto (what a `.onnx` file holds). */
export function encodeModel(model: OnnxModel): Uint8Array {
  const w = protobuf.Writer.create();
  int(w, MODEL.irVersion, model.irVersion);
  str(w, MODEL.producerName, model.producerName);
  str(w, MODEL.producerVersion, model.producerVersion);
  if (model.docString) str(w, MODEL.docString, model.docString);
  message(w, MODEL.graph, (m) => writeGraph(m, model.graph));
  // The default domain ("" = ai.onnx) is written explicitly: some readers reject a missing field.
  message(w, MODEL.opsetImport, (m) => (str(m, OPSET_ID.domain, ""), int(m, OPSET_ID.version, model.opset)));
  for (const [key, value] of Object.entries(model.metadata)) {
    message(w, MODEL.metadataProps, (m) => (str(m, STRING_ENTRY.key, key), str(m, STRING_ENTRY.value, value)));
  }
  return w.finish();
}
