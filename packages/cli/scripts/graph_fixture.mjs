/** A tfjs-converter graph model written directly as GraphDef JSON (no TensorFlow needed). */
import { concatBytes, randomArray } from './fixture_util.mjs';

export const GRAPH_INPUT_SHAPE = [8, 8, 2];

const b64 = (s) => Buffer.from(s).toString('base64');
const dims = (shape) => ({ dim: shape.map((d) => ({ size: String(d) })) });
const T = { type: 'DT_FLOAT' };

function constNode(name, shape, dtype = 'DT_FLOAT') {
  return {
    name,
    op: 'Const',
    attr: { value: { tensor: { dtype, tensorShape: dims(shape) } }, dtype: { type: dtype } },
  };
}

/**
 * A graph model as GraphDef JSON: x [-1,8,8,2] → _FusedConv2D(3×3×2×8, BiasAdd, Relu) →
 * DepthwiseConv2dNative(3×3×8×1, stride 2) → Reshape [-1,128] → _FusedMatMul(128×32, BiasAdd, Relu)
 * → MatMul(transpose_b, 10×32) → Identity.
 */
export function graphArtifacts(seed = 11, hidden = 32) {
  const w = (shape, fanIn, s) =>
    randomArray(
      shape.reduce((a, b) => a * b, 1),
      s,
      Math.sqrt(2 / fanIn),
    );
  const weights = [
    ['conv/kernel', [3, 3, 2, 8], w([3, 3, 2, 8], 18, seed)],
    ['conv/bias', [8], randomArray(8, seed + 1, 0.1)],
    ['dw/kernel', [3, 3, 8, 1], w([3, 3, 8, 1], 9, seed + 2)],
    ['flat/shape', [2], new Int32Array([-1, 128])],
    ['fc1/kernel', [128, hidden], w([128, hidden], 128, seed + 3)],
    ['fc1/bias', [hidden], randomArray(hidden, seed + 4, 0.1)],
    ['fc2/kernel', [10, hidden], w([10, hidden], hidden, seed + 5)],
  ];
  const nodes = [
    {
      name: 'x',
      op: 'Placeholder',
      attr: { dtype: T, shape: { shape: dims([-1, ...GRAPH_INPUT_SHAPE]) } },
    },
    ...weights.map(([name, shape, data]) =>
      constNode(name, shape, data instanceof Int32Array ? 'DT_INT32' : 'DT_FLOAT'),
    ),
    {
      name: 'conv',
      op: '_FusedConv2D',
      input: ['x', 'conv/kernel', 'conv/bias'],
      attr: {
        T,
        strides: { list: { i: ['1', '1', '1', '1'] } },
        padding: { s: b64('SAME') },
        data_format: { s: b64('NHWC') },
        dilations: { list: { i: ['1', '1', '1', '1'] } },
        fused_ops: { list: { s: [b64('BiasAdd'), b64('Relu')] } },
        num_args: { i: '1' },
        epsilon: { f: 0 },
      },
    },
    {
      name: 'dw',
      op: 'DepthwiseConv2dNative',
      input: ['conv', 'dw/kernel'],
      attr: {
        T,
        strides: { list: { i: ['1', '2', '2', '1'] } },
        padding: { s: b64('SAME') },
        data_format: { s: b64('NHWC') },
        dilations: { list: { i: ['1', '1', '1', '1'] } },
      },
    },
    {
      name: 'flat',
      op: 'Reshape',
      input: ['dw', 'flat/shape'],
      attr: { T, Tshape: { type: 'DT_INT32' } },
    },
    {
      name: 'fc1',
      op: '_FusedMatMul',
      input: ['flat', 'fc1/kernel', 'fc1/bias'],
      attr: {
        T,
        transpose_a: { b: false },
        transpose_b: { b: false },
        fused_ops: { list: { s: [b64('BiasAdd'), b64('Relu')] } },
        num_args: { i: '1' },
        epsilon: { f: 0 },
      },
    },
    {
      name: 'fc2',
      op: 'MatMul',
      input: ['fc1', 'fc2/kernel'],
      attr: { T, transpose_a: { b: false }, transpose_b: { b: true } },
    },
    { name: 'logits', op: 'Identity', input: ['fc2'], attr: { T } },
  ];
  const parts = weights.map(([, , data]) => new Uint8Array(data.buffer));
  const data = new Uint8Array(concatBytes(parts));
  return {
    format: 'graph-model',
    generatedBy: 'clipq fixtures',
    convertedBy: 'clipq fixtures',
    modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
    weightSpecs: weights.map(([name, shape, d]) => ({
      name,
      shape,
      dtype: d instanceof Int32Array ? 'int32' : 'float32',
    })),
    weightData: data.buffer,
  };
}
