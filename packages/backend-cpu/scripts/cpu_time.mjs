/**
 * A/B timing by CPU time: the sides are called alternately, one call each, until every side has used
 * `budgetMs` of this process's CPU time (and at least `minCalls` calls). CPU time rather than wall
 * time, because the machine is shared: other processes inflate wall time at random, not CPU time.
 * Returns the mean CPU ms per call of each side. Sides may be async (awaited).
 */
export async function alternate(sides, { budgetMs = 400, minCalls = 10, warmup = 5 } = {}) {
  const spent = sides.map(() => 0);
  const calls = sides.map(() => 0);
  for (let i = 0; i < warmup; i++) for (const side of sides) await side();
  while (Math.min(...spent) < budgetMs * 1000 || Math.min(...calls) < minCalls) {
    for (let s = 0; s < sides.length; s++) {
      const start = process.cpuUsage();
      await sides[s]();
      const used = process.cpuUsage(start);
      spent[s] += used.user + used.system;
      calls[s]++;
    }
  }
  return spent.map((us, s) => us / 1000 / calls[s]);
}
