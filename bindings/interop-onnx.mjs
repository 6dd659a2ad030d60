// interop-onnx.mjs - a descent model as an ONNX model (opset 13).
//
// toOnnx(model) resolves to the bytes of an ONNX ModelProto: one float input
// "input" of shape [N, inputs], one output "output" of shape [N, outputs],
// and per dense layer a Gemm (x·W + b, the weights as float32 initializers)
// followed by its activation: Relu, LeakyRelu (alpha = descent's slope),
// Sigmoid, Tanh or Softmax (axis -1); a linear layer is the Gemm alone. The
// model's scalers are folded into the first and last layer's weights
// (interop-fold.mjs), so the graph takes raw inputs and gives outputs in
// target units; the recipe (scalers, names, task) is in metadata_props under
// the key "descent", as JSON.
//
// The wire format is written by protobufjs's minimal Writer (varints,
// lengths, floats); this file only says which field of which message holds
// what (ONNX_FIELDS below, from onnx.proto3's field numbers). It uses no
// generated code and no eval, so it runs under a strict Content Security
// Policy. protobufjs comes from options.protobuf if given, else from
// globalThis.protobuf (a page loads protobufjs's dist/minimal/protobuf.min.js
// with a <script> tag), else from the package 'protobufjs/minimal.js' (Node,
// bundlers).

import { foldModel } from './interop-fold.mjs';

const OPSET = 13;
const IR_VERSION = 7; // the IR of ONNX 1.8, which introduced opset 13
const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR_FLOAT = 1; // AttributeProto.AttributeType
const ATTR_INT = 2;

// The messages and fields descent writes: name: [field number, type, repeated?].
// Scalar types are protobuf's; any other type is a message named here.
const ONNX_FIELDS = {
  ModelProto: {
    ir_version: [1, 'int64'], producer_name: [2, 'string'], producer_version: [3, 'string'],
    doc_string: [6, 'string'], graph: [7, 'GraphProto'], opset_import: [8, 'OperatorSetIdProto', true],
    metadata_props: [14, 'StringStringEntryProto', true],
  },
  OperatorSetIdProto: { domain: [1, 'string'], version: [2, 'int64'] },
  StringStringEntryProto: { key: [1, 'string'], value: [2, 'string'] },
  GraphProto: {
    node: [1, 'NodeProto', true], name: [2, 'string'], initializer: [5, 'TensorProto', true],
    input: [11, 'ValueInfoProto', true], output: [12, 'ValueInfoProto', true],
  },
  NodeProto: {
    input: [1, 'string', true], output: [2, 'string', true], name: [3, 'string'], op_type: [4, 'string'],
    attribute: [5, 'AttributeProto', true],
  },
  AttributeProto: { name: [1, 'string'], f: [2, 'float'], i: [3, 'int64'], type: [20, 'int32'] },
  TensorProto: { dims: [1, 'int64', true], data_type: [2, 'int32'], name: [8, 'string'], raw_data: [9, 'bytes'] },
  ValueInfoProto: { name: [1, 'string'], type: [2, 'TypeProto'] },
  TypeProto: { tensor_type: [1, 'TypeProtoTensor'] },
  TypeProtoTensor: { elem_type: [1, 'int32'], shape: [2, 'TensorShapeProto'] },
  TensorShapeProto: { dim: [1, 'TensorShapeDimension', true] },
  TensorShapeDimension: { dim_value: [1, 'int64'], dim_param: [2, 'string'] },
};

const WIRE = { int64: 0, int32: 0, float: 5, string: 2, bytes: 2 };

/** Writes message (a plain object of ONNX_FIELDS[type]'s fields) to writer, fields in number order. */
function encode(type, message, writer) {
  const fields = ONNX_FIELDS[type];
  const keys = Object.keys(message).filter((k) => message[k] !== undefined && message[k] !== null);
  for (const key of keys) if (!fields[key]) throw new Error(`toOnnx: internal: ${type} has no field ${key}`);
  keys.sort((a, b) => fields[a][0] - fields[b][0]);
  for (const key of keys) {
    const [number, kind, repeated] = fields[key];
    for (const value of repeated ? message[key] : [message[key]]) {
      const scalar = Object.hasOwn(WIRE, kind);
      writer.uint32(((number << 3) | (scalar ? WIRE[kind] : 2)) >>> 0);
      if (scalar) {
        writer[kind](value);
      } else {
        writer.fork();
        encode(kind, value, writer);
        writer.ldelim();
      }
    }
  }
  return writer;
}

/** Little-endian float32 bytes, whatever the platform's order. */
function floatBytes(values) {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return bytes;
}

async function protobufWriter(options) {
  let pb = options.protobuf ?? globalThis.protobuf;
  if (!pb) pb = await import('protobufjs/minimal.js');
  pb = pb.default && pb.default.Writer ? pb.default : pb;
  if (!pb || typeof pb.Writer !== 'function') {
    throw new Error('toOnnx: protobufjs is not loaded: pass options.protobuf, or load protobufjs/minimal first');
  }
  return pb.Writer;
}

function tensorType(columns) {
  const dim = [{ dim_param: 'N' }, { dim_value: columns }];
  return { tensor_type: { elem_type: FLOAT, shape: { dim } } };
}

/** The ModelProto's fields (before encoding) for a folded model. */
function graphOf(folded) {
  const { inputs, layers, recipe } = folded;
  const nodes = [];
  const initializer = [];
  let previous = 'input';
  layers.forEach((layer, l) => {
    const last = l === layers.length - 1;
    const linear = layer.activation === 'linear';
    const gemmOut = last && linear ? 'output' : `dense${l}`;
    const w = `dense${l}.kernel`;
    initializer.push({ dims: [layer.fanIn, layer.units], data_type: FLOAT, name: w, raw_data: floatBytes(layer.kernel) });
    const gemmInputs = [previous, w];
    if (layer.bias) {
      const b = `dense${l}.bias`;
      initializer.push({ dims: [layer.units], data_type: FLOAT, name: b, raw_data: floatBytes(layer.bias) });
      gemmInputs.push(b);
    }
    nodes.push({ input: gemmInputs, output: [gemmOut], name: `dense${l}.gemm`, op_type: 'Gemm' });
    previous = gemmOut;
    if (linear) return;
    const out = last ? 'output' : `dense${l}.${layer.activation}`;
    const node = { input: [previous], output: [out], name: `dense${l}.${layer.activation}` };
    if (layer.activation === 'relu') node.op_type = 'Relu';
    else if (layer.activation === 'sigmoid') node.op_type = 'Sigmoid';
    else if (layer.activation === 'tanh') node.op_type = 'Tanh';
    else if (layer.activation === 'softmax') {
      node.op_type = 'Softmax';
      node.attribute = [{ name: 'axis', i: -1, type: ATTR_INT }];
    } else if (layer.activation === 'leaky_relu') {
      node.op_type = 'LeakyRelu';
      node.attribute = [{ name: 'alpha', f: layer.alpha, type: ATTR_FLOAT }];
    } else {
      throw new Error(`toOnnx: layer ${l} has activation ${layer.activation}, which has no ONNX operator here`);
    }
    nodes.push(node);
    previous = out;
  });
  return {
    ir_version: IR_VERSION,
    producer_name: 'descent',
    producer_version: '1',
    doc_string: 'A descent model: dense layers, the input standardization and target scaling folded into the weights',
    graph: {
      node: nodes,
      name: 'descent',
      initializer,
      input: [{ name: 'input', type: tensorType(inputs) }],
      output: [{ name: 'output', type: tensorType(layers[layers.length - 1].units) }],
    },
    opset_import: [{ domain: '', version: OPSET }],
    metadata_props: [{ key: 'descent', value: JSON.stringify({ format: 'descent-interop 1', ...recipe }) }],
  };
}

/** Resolves to the model as ONNX bytes (a Uint8Array); the model is not changed. */
export async function toOnnx(model, options = {}) {
  const folded = foldModel(model, 'toOnnx');
  const Writer = await protobufWriter(options);
  const bytes = encode('ModelProto', graphOf(folded), Writer.create()).finish();
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice();
}
