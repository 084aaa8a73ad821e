/** One model, read and converted (no file is written here; the main thread writes atomically). */
import { DEFAULT_LIMITS } from './model_io/limits.js';
import { readModel } from './model_io/read_model.js';
import type { ConversionOptions, ModelConversion, StageReporter } from './options.js';

export interface ConvertedModel extends ModelConversion {
  inputBytes: number;
}

export async function convertModelFile(
  file: string,
  options: ConversionOptions,
  stage: StageReporter = () => {},
): Promise<ConvertedModel> {
  stage('reading', 0.05);
  const model = await readModel(file, {
    ...DEFAULT_LIMITS,
    maxWeightBytes: options.maxWeightBytes,
  });
  // Each format loads only its own tfjs package (converter or layers): workers start faster.
  const conversion =
    model.format === 'graph-model'
      ? await (await import('./graph/convert_graph.js')).convertGraphModel(model, options, stage)
      : await (await import('./layers/convert_layers.js')).convertLayersModel(
          model,
          options,
          stage,
        );
  return { ...conversion, inputBytes: model.jsonBytes + model.weightBytes };
}
