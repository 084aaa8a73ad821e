/**
 * Finds the nodes whose constant weight clipq quantizes, and says why any other candidate stays float.
 */
import {
  consumerCounts,
  decodeStringAttr,
  fusedOps,
  type GraphNodeDef,
  inputNodeName,
  SUPPORTED_ACTIVATIONS,
  TARGET_OPS,
  type TargetKind,
} from './graph_def.js';

export interface GraphTarget {
  node: GraphNodeDef;
  kind: TargetKind;
  /** The Const node (and weight) holding the kernel. */
  weight: string;
  /** The data input (activations), as written in the node's input list. */
  activationInput: string;
  transposeB: boolean;
  hasBias: boolean;
  activation: 'linear' | 'relu' | 'relu6';
}

export interface GraphPlan {
  targets: GraphTarget[];
  /** Candidate nodes kept in float, with the reason. */
  skipped: { node: string; reason: string }[];
}

function flag(node: GraphNodeDef, name: string): boolean {
  return node.attr?.[name]?.b === true;
}

function stringAttr(node: GraphNodeDef, name: string): string | null {
  const s = node.attr?.[name]?.s;
  return s == null ? null : decodeStringAttr(s);
}

/** Why a candidate node cannot be rewritten, or null when it can. */
function unsupportedReason(
  node: GraphNodeDef,
  kind: TargetKind,
  weight: GraphNodeDef | undefined,
  consumers: number,
): string | null {
  if (weight?.op !== 'Const') return 'its weight is not a constant';
  if (consumers > 1) return `its weight '${weight.name}' is shared with other nodes`;
  if (kind === 'matmul' && flag(node, 'transpose_a')) return 'transpose_a is not supported';
  if (kind !== 'matmul') {
    const format = stringAttr(node, 'data_format');
    if (format != null && format !== 'NHWC') return `data_format ${format} is not supported`;
    if (stringAttr(node, 'padding') === 'EXPLICIT') return 'explicit padding is not supported';
  }
  const fused = TARGET_OPS[node.op]!.fused ? fusedOps(node) : [];
  const rest = fused[0] === 'BiasAdd' ? fused.slice(1) : fused;
  if (rest.length > 1 || (rest.length === 1 && SUPPORTED_ACTIVATIONS[rest[0]!] == null)) {
    return `fused ops [${fused.join(', ')}] are not supported (BiasAdd, Relu, Relu6 are)`;
  }
  return null;
}

export function planGraph(nodes: GraphNodeDef[]): GraphPlan {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const consumers = consumerCounts(nodes);
  const plan: GraphPlan = { targets: [], skipped: [] };
  for (const node of nodes) {
    const target = TARGET_OPS[node.op];
    if (target == null) continue;
    const inputs = (node.input ?? []).filter((i) => !i.startsWith('^'));
    const weightName = inputs[1] == null ? null : inputNodeName(inputs[1]);
    const weight = weightName == null ? undefined : byName.get(weightName);
    const reason = unsupportedReason(
      node,
      target.kind,
      weight,
      consumers.get(weightName ?? '') ?? 0,
    );
    if (reason != null) {
      plan.skipped.push({ node: node.name, reason });
      continue;
    }
    const fused = target.fused ? fusedOps(node) : [];
    const hasBias = fused[0] === 'BiasAdd';
    const last = fused[fused.length - 1];
    plan.targets.push({
      node,
      kind: target.kind,
      weight: weight!.name,
      activationInput: inputs[0]!,
      transposeB: target.kind === 'matmul' && flag(node, 'transpose_b'),
      hasBias,
      activation: (last && SUPPORTED_ACTIVATIONS[last]) || 'linear',
    });
  }
  return plan;
}

/**
 * The codes' layout (the clipq format's `codesShape`): output channels along `axis`. Matmul and conv
 * kernels keep their shape; a depthwise kernel [kh,kw,in,multiplier] becomes [kh,kw,in·multiplier],
 * one channel per output, as core's QAT layers store it.
 */
export function codesLayout(
  kind: TargetKind,
  shape: number[],
  transposeB: boolean,
): { codesShape: number[]; axis: number } {
  if (kind === 'matmul') return { codesShape: shape.slice(), axis: transposeB ? 0 : 1 };
  if (kind === 'conv2d') return { codesShape: shape.slice(), axis: 3 };
  return { codesShape: [shape[0]!, shape[1]!, shape[2]! * shape[3]!], axis: 2 };
}
