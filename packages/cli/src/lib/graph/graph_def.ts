/**
 * The subset of TensorFlow's GraphDef JSON (as tfjs-converter writes it) that clipq reads and
 * rewrites, plus the table of the ops whose constant weights it quantizes.
 */

export interface AttrValue {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string;
  shape?: unknown;
  tensor?: { dtype?: string; tensorShape?: unknown };
  list?: { s?: string[]; i?: (string | number)[]; f?: number[]; b?: boolean[] };
}

export interface GraphNodeDef {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, AttrValue>;
  device?: string;
}

export interface GraphDefJson {
  node: GraphNodeDef[];
  library?: unknown;
  versions?: unknown;
}

/** The kind of a quantizable node, which fixes where its weight sits and how it runs. */
export type TargetKind = 'matmul' | 'conv2d' | 'depthwise';

export interface TargetOp {
  kind: TargetKind;
  /** Whether bias and activation come from `fused_ops`. */
  fused: boolean;
}

export const TARGET_OPS: Readonly<Record<string, TargetOp>> = {
  MatMul: { kind: 'matmul', fused: false },
  _FusedMatMul: { kind: 'matmul', fused: true },
  Conv2D: { kind: 'conv2d', fused: false },
  _FusedConv2D: { kind: 'conv2d', fused: true },
  DepthwiseConv2dNative: { kind: 'depthwise', fused: false },
  FusedDepthwiseConv2dNative: { kind: 'depthwise', fused: true },
};

/** The clipq custom op that replaces each kind (registered with `tf.registerOp`). */
export const CLIPQ_GRAPH_OPS: Readonly<Record<TargetKind, string>> = {
  matmul: 'ClipqQuantizedMatMul',
  conv2d: 'ClipqQuantizedConv2D',
  depthwise: 'ClipqQuantizedDepthwiseConv2D',
};

/** `name:1` → `name`; control inputs (`^name`) → null. */
export function inputNodeName(input: string): string | null {
  if (input.startsWith('^')) return null;
  const colon = input.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(input.slice(colon + 1)) ? input.slice(0, colon) : input;
}

export function decodeStringAttr(value: string): string {
  return Buffer.from(value, 'base64').toString('utf8');
}

export function encodeStringAttr(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64');
}

/** The decoded `fused_ops` list of a fused node (e.g. ['BiasAdd', 'Relu']). */
export function fusedOps(node: GraphNodeDef): string[] {
  return (node.attr?.fused_ops?.list?.s ?? []).map(decodeStringAttr);
}

/** Fused activations that clipq's int8 matmul applies itself. */
export const SUPPORTED_ACTIVATIONS: Readonly<Record<string, 'linear' | 'relu' | 'relu6'>> = {
  Relu: 'relu',
  Relu6: 'relu6',
};

/** Counts how many nodes consume each node's output (control inputs excluded). */
export function consumerCounts(nodes: GraphNodeDef[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const node of nodes) {
    for (const input of node.input ?? []) {
      const name = inputNodeName(input);
      if (name != null) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  return counts;
}
