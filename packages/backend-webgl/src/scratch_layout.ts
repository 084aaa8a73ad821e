/**
 * How one shared scratch texture serves matmuls of every shape. A scratch matrix of the integer path
 * (A's packed codes: kBlocks texels per row, one texel row per matrix row; the accumulators:
 * columnBlocks texels per 8-row block) is folded into slabs laid side by side: slab s holds rows
 * [s·slabRows, (s+1)·slabRows) at texel columns [s·width, (s+1)·width). A layer then needs about its
 * own area (width × rows) whatever the texture's aspect, so one texture sized for the largest layer
 * serves all of them. Sizing by the widest layer times the tallest one instead (a dense layer's 392 × 1
 * and a first conv's 3 × 98 blocks) costs far more than every layer's own scratch together.
 */

/** A scratch matrix to fold: `width` texels per row, `rows` rows (in the texture's row unit). */
export interface ScratchNeed {
  width: number;
  rows: number;
}

/** How a need folds into a texture `height` rows tall: slab count and rows per slab. */
export interface Fold {
  slabs: number;
  slabRows: number;
}

/** The fold of `need` with the fewest slabs that fits `height` (balanced slabs, none taller). */
export function foldInto(need: ScratchNeed, height: number): Fold {
  const slabs = Math.ceil(need.rows / height);
  return { slabs, slabRows: Math.ceil(need.rows / slabs) };
}

/** True when `need` folds into a `width` × `height` texture. */
export function foldFits(need: ScratchNeed, width: number, height: number): boolean {
  return need.width * foldInto(need, height).slabs <= width;
}

/**
 * The smallest texture (area, then fewer slabs) into which every need folds, within `maxWidth` ×
 * `maxHeight`. Heights are tried from 1 up to the tallest need (beyond it nothing changes); a height within
 * 1/16 of the smallest area is preferred when it is taller, since fewer slabs mean fewer fragments
 * taking the slab division. Null if no size fits the limit.
 */
export function scratchSize(
  needs: Iterable<ScratchNeed>,
  maxWidth: number,
  maxHeight: number,
): { width: number; height: number } | null {
  const list = [...needs];
  const tallest = Math.min(maxHeight, Math.max(1, ...list.map((need) => need.rows)));
  const candidates: Array<{ width: number; height: number; area: number }> = [];
  for (let height = 1; height <= tallest; height++) {
    let width = 1;
    for (const need of list) width = Math.max(width, need.width * Math.ceil(need.rows / height));
    if (width <= maxWidth) candidates.push({ width, height, area: width * height });
  }
  if (candidates.length === 0) return null;
  const smallest = Math.min(...candidates.map((c) => c.area));
  const near = candidates.filter((c) => c.area <= smallest * (17 / 16));
  const best = near.reduce((a, b) => (b.height > a.height ? b : a));
  return { width: best.width, height: best.height };
}
