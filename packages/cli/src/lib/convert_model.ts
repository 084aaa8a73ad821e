/** One model, read and converted (no file is written here; the main thread writes atomically). */
import { convertGraphModel } from './graph/convert_graph.js';
import { convertLayersModel } from './layers/convert_layers.js';
import { DEFAULT_LIMITS } from './model_io/limits.js';
import { readModel } from './model_io/read_model.js';
import type { ConversionOptions, ModelConversion } from './options.js';

export interface ConvertedModel extends ModelConversion {
  inputBytes: number;
}

export async function convertModelFile(file: string, options: ConversionOptions): Promise<ConvertedModel> {
  const model = await readModel(file, { ...DEFAULT_LIMITS, maxWeightBytes: options.maxWeightBytes });
  const conversion =
    model.format === 'graph-model' ? await convertGraphModel(model, options) : await convertLayersModel(model, options);
  return { ...conversion, inputBytes: model.jsonBytes + model.weightBytes };
}
