/**
 * `--report FILE.html`: one self-contained page (inline CSS and SVG, no script, no network loads) with,
 * per model and layer, the weight and activation histograms with their [min, max], SQNR, and bytes.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ModelReport } from '../convert_result.js';
import type { LayerResult } from '../options.js';
import { escapeHtml, histogramSvg } from './svg.js';

const CSS = `body{font:14px system-ui,sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;margin:8px 0 24px}td,th{border:1px solid #ddd;padding:4px 8px;vertical-align:top}
th{background:#f0f3f8;text-align:left}.failed{color:#b00}.ok{color:#080}.num{text-align:right;font-variant-numeric:tabular-nums}`;

function db(v: number | null | undefined): string {
  if (v == null) return '–';
  return Number.isFinite(v) ? `${v.toFixed(1)} dB` : 'exact';
}

function bytes(v: number | undefined): string {
  if (v == null) return '–';
  return v >= 1024 * 1024
    ? `${(v / 1024 / 1024).toFixed(2)} MiB`
    : v >= 1024
      ? `${(v / 1024).toFixed(1)} KiB`
      : `${v} B`;
}

function layerRow(layer: LayerResult): string {
  const weight = layer.weightHistogram
    ? histogramSvg(layer.weightHistogram, `${layer.weight} weights`)
    : '';
  const activation = layer.activationHistogram
    ? histogramSvg(layer.activationHistogram, `${layer.name} activations`)
    : 'not calibrated';
  return `<tr><td>${escapeHtml(layer.name)}<br><small>${escapeHtml(layer.op)} [${layer.shape.join('×')}]<br>${escapeHtml(layer.scheme)}</small></td>
<td class="num">${db(layer.weightSqnrDb)}</td><td class="num">${db(layer.activationSqnrDb)}</td>
<td class="num">${bytes(layer.bytesBefore)} → ${bytes(layer.bytesAfter)}</td><td>${weight}</td><td>${activation}</td></tr>`;
}

function modelSection(model: ModelReport): string {
  const title = `<h2>${escapeHtml(model.file)}</h2>`;
  if (model.status !== 'converted') {
    return `${title}<p class="failed">${escapeHtml(model.status)}: ${escapeHtml(model.error ?? '')}</p>`;
  }
  const summary = `<p class="ok">${escapeHtml(model.format ?? '')} → ${escapeHtml(model.output ?? '')}: ${bytes(model.bytesBefore)} → ${bytes(model.bytesAfter)};
output SQNR ${db(model.outputSqnrDb)}; argmax agreement ${model.argmaxAgreement == null ? '–' : `${(model.argmaxAgreement * 100).toFixed(1)}%`}</p>`;
  const notes = (model.notes ?? []).map((n) => `<li>${escapeHtml(n)}</li>`).join('');
  const rows = (model.layers ?? []).map(layerRow).join('\n');
  return `${title}${summary}${notes ? `<ul>${notes}</ul>` : ''}
<table><tr><th>layer</th><th>weight SQNR</th><th>activation SQNR</th><th>bytes</th><th>weights</th><th>activations</th></tr>${rows}</table>`;
}

export function renderReport(models: ModelReport[]): string {
  const converted = models.filter((m) => m.status === 'converted').length;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>clipq conversion report</title><style>${CSS}</style></head><body>
<h1>clipq conversion report</h1><p>${converted} of ${models.length} models converted.</p>
${models.map(modelSection).join('\n')}
</body></html>
`;
}

/** Writes the report atomically and returns its absolute path. */
export async function writeReport(file: string, models: ModelReport[]): Promise<string> {
  const full = resolve(file);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(`${full}.tmp`, renderReport(models));
  await rename(`${full}.tmp`, full);
  return full;
}
