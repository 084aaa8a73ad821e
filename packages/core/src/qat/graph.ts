/**
 * Walks a LayersModel (Sequential or functional) as a graph of layer calls, so that prepareQat can
 * rebuild it with different layers. Each layer must be called once inside the model (shared layers are
 * not supported), which is the common case for Sequential and functional models alike.
 */
import * as tfl from '@tensorflow/tfjs-layers';

/** One call of a layer inside the model. */
export interface GraphNode {
  layer: tfl.layers.Layer;
  inputs: tfl.SymbolicTensor[];
  outputs: tfl.SymbolicTensor[];
}

export interface ModelGraph {
  inputs: tfl.SymbolicTensor[];
  outputs: tfl.SymbolicTensor[];
  /** In topological order, input layers excluded. */
  nodes: GraphNode[];
  /** The nodes that read each tensor (by SymbolicTensor id). */
  consumers: Map<number, GraphNode[]>;
  /** Ids of the model's output tensors. */
  outputIds: Set<number>;
}

interface LayerNode {
  inputTensors: tfl.SymbolicTensor[];
  outputTensors: tfl.SymbolicTensor[];
}

export function modelGraph(model: tfl.LayersModel, opName: string): ModelGraph {
  const known = new Set(model.inputs.map((t) => t.id));
  const nodes: GraphNode[] = [];
  const consumers = new Map<number, GraphNode[]>();
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const inbound = (layer as unknown as { inboundNodes: LayerNode[] }).inboundNodes.filter(
      (node) => node.inputTensors.length > 0 && node.inputTensors.every((t) => known.has(t.id)),
    );
    if (inbound.length !== 1) {
      throw new Error(
        `${opName}: layer '${layer.name}' is called ${inbound.length} times in the model; ` +
          'shared or nested layers are not supported',
      );
    }
    const node: GraphNode = {
      layer,
      inputs: inbound[0]!.inputTensors,
      outputs: inbound[0]!.outputTensors,
    };
    for (const t of node.outputs) known.add(t.id);
    for (const t of node.inputs) consumers.set(t.id, [...(consumers.get(t.id) ?? []), node]);
    nodes.push(node);
  }
  return {
    inputs: model.inputs,
    outputs: model.outputs,
    nodes,
    consumers,
    outputIds: new Set(model.outputs.map((t) => t.id)),
  };
}

/** The single node that reads `tensor`, when nothing else (including the model outputs) does. */
export function soleConsumer(graph: ModelGraph, tensor: tfl.SymbolicTensor): GraphNode | null {
  const readers = graph.consumers.get(tensor.id) ?? [];
  return readers.length === 1 && !graph.outputIds.has(tensor.id) ? readers[0]! : null;
}

/** A copy of a layer (same class and config, fresh weights). */
export function cloneLayer(layer: tfl.layers.Layer): tfl.layers.Layer {
  const cls = layer.constructor as unknown as {
    fromConfig(cls: unknown, config: ReturnType<tfl.layers.Layer['getConfig']>): tfl.layers.Layer;
  };
  return cls.fromConfig(cls, layer.getConfig());
}

/**
 * Rebuilds a model node by node: `replace` returns the layer to call in place of each node's layer
 * (already configured; weights are the caller's business), or null to drop a single-input layer
 * (its output becomes its input).
 */
export function rebuildModel(
  model: tfl.LayersModel,
  name: string,
  opName: string,
  replace: (node: GraphNode) => tfl.layers.Layer | null,
): tfl.LayersModel {
  const graph = modelGraph(model, opName);
  const mapped = new Map<number, tfl.SymbolicTensor>();
  const inputs = graph.inputs.map((t) => {
    const input = tfl.input({
      shape: t.shape.slice(1) as number[],
      dtype: t.dtype,
      name: t.sourceLayer.name,
    });
    mapped.set(t.id, input);
    return input;
  });
  for (const node of graph.nodes) {
    const args = node.inputs.map((t) => mapped.get(t.id)!);
    const layer = replace(node);
    if (layer === null) {
      mapped.set(node.outputs[0]!.id, args[0]!);
      continue;
    }
    const result = layer.apply(args.length === 1 ? args[0]! : args);
    const outputs = Array.isArray(result)
      ? (result as tfl.SymbolicTensor[])
      : [result as tfl.SymbolicTensor];
    for (const [i, t] of node.outputs.entries()) mapped.set(t.id, outputs[i]!);
  }
  return tfl.model({ inputs, outputs: graph.outputs.map((t) => mapped.get(t.id)!), name });
}
