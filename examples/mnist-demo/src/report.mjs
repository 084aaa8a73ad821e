/** The demo's acceptance checks (issue 6) and its summary table (stdout). */
const pct = (v) => `${v.toFixed(2)}%`;
const width = (w) => (w ? `${w.activation.toFixed(3)} / ${w.weight.toFixed(4)}` : '-');

export function printTable(report) {
  const float = report.results[0];
  const rows = report.results.map((r) => [
    r.variant,
    pct(r.accuracy),
    r === float
      ? ''
      : `${r.accuracy - float.accuracy >= 0 ? '+' : ''}${(r.accuracy - float.accuracy).toFixed(2)}`,
    String(r.bytes.weights),
    String(r.bytes.total),
    width(r.meanRangeWidth),
    width(r.meanRangeWidthChange),
  ]);
  const header = [
    'variant',
    'test acc',
    'Δ float',
    'weight bytes',
    'bytes on disk',
    'mean range width (act / w)',
    'mean |Δwidth| in QAT',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\n${line(header)}`);
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  const i = report.int8;
  console.log(
    `\nint8 (QAT λ=0, converted): accuracy ${pct(i.int8Accuracy)}, argmax agreement with the fake-quant model ${pct(i.argmaxAgreementPercent)}, ` +
      `save→load bit-identical: ${i.saveLoadBitIdentical}, weight bytes ${(100 * i.weightBytesRatioToFloat).toFixed(1)}% of float; ` +
      `loaded with { pack: true }: ${i.residentBytesPerParameter} bytes per parameter resident (packed for ${i.packedFor})`,
  );
  console.log(
    `acceptance: ${Object.entries(report.acceptance)
      .map(([k, v]) => `${v ? 'ok' : 'FAIL'} ${k}`)
      .join(', ')}`,
  );
  console.log(
    `time: ${Object.entries(report.timingsSeconds)
      .map(([k, v]) => `${k} ${v}s`)
      .join(', ')} (wall); process CPU time ${report.cpuSeconds}s`,
  );
}

/** The issue's acceptance criteria, from the measured rows (results[0] is float). */
export function checkAcceptance(results, qat8, qat8Penalty, int8) {
  const float = results[0];
  const byName = (prefix) => results.find((r) => r.variant.startsWith(prefix));
  const qatW4A4 = byName('QAT W4A4');
  return {
    qatInt8WithinPoint3OfFloat: float.accuracy - qat8.accuracy <= 0.3,
    qatW4A4WithinOnePoint5OfFloat: float.accuracy - qatW4A4.accuracy <= 1.5,
    qatW4A4NotBelowPtqW4A4: qatW4A4.accuracy >= byName('PTQ W4A4').accuracy,
    rangesMoved: qat8.meanRangeWidthChange.activation > 0 && qat8.meanRangeWidthChange.weight > 0,
    penaltyNarrowsRanges:
      qat8Penalty.meanRangeWidth.activation < qat8.meanRangeWidth.activation &&
      qat8Penalty.meanRangeWidth.weight < qat8.meanRangeWidth.weight,
    penaltyCostAtMostPoint3: qat8.accuracy - qat8Penalty.accuracy <= 0.3,
    int8ArgmaxAgreementAtLeast99Point9: int8.argmaxAgreementPercent >= 99.9,
    saveLoadBitIdentical: int8.saveLoadBitIdentical,
    int8WeightBytesAtMost26PercentOfFloat: qat8.bytes.weights / float.bytes.weights <= 0.26,
  };
}
