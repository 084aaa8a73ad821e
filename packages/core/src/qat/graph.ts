/**
 * Walks a LayersModel (Sequential or functional) as a graph of layer calls, so that prepareQat can
 * rebuild it with different layers. Each layer must be called once inside the model (shared layers are
 * not supported), which is the common case for Sequential and functional models alike.
 */
import type * as tfl from '@tensorflow/tfjs-layers';

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
    const node: GraphNode = { layer, inputs: inbound[0]!.inputTensors, outputs: inbound[0]!.outputTensors };
    for (const t of node.outputs) known.add(t.id);
    for (const t of node.inputs) consumers.set(t.id, [...(consumers.get(t.id) ?? []), node]);
    nodes.push(node);
  }
  return { inputs: model.inputs, outputs: model.outputs, nodes, consumers, outputIds: new Set(model.outputs.map((t) => t.id)) };
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
