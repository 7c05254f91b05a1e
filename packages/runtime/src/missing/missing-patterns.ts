/**
 * Missingness patterns: the rows of an [n, d] data matrix grouped by which coordinates are
 * observed, computed once when the data are bound. The E-step then factors each pattern's
 * observed block (and its conditional regression) once per component and iteration, instead of
 * once per row. Rows with every entry missing carry no information about the params: they are
 * kept apart (`empty`), and the rows that remain are numbered compactly in their original order.
 */

export interface MissingPattern {
  /** The observed coordinates, increasing. */
  readonly observed: Int32Array;
  /** The missing coordinates, increasing (empty for complete rows). */
  readonly missing: Int32Array;
  /** The compact indices (into `MissingPatterns.rows`) of the rows with this pattern, increasing. */
  readonly members: Int32Array;
}

export interface MissingPatterns {
  /** Patterns in order of first appearance. */
  readonly patterns: readonly MissingPattern[];
  /** The original row index of each compact row (rows with at least one observed entry). */
  readonly rows: Int32Array;
  /** The original indices of the rows with every entry missing. */
  readonly empty: Int32Array;
  /** Per coordinate: how many rows observe it. */
  readonly observedPerColumn: Int32Array;
}

/**
 * Groups the rows of `missing` by pattern (a Map keyed by the row's mask).
 * @param missing shape [n, d], 1 where an entry is missing (absent: nothing is missing)
 */
export function findMissingPatterns(missing: Uint8Array | undefined, n: number, d: number): MissingPatterns {
  const keyed = new Map<string, { observed: number[]; missing: number[]; members: number[] }>();
  const rows: number[] = [];
  const empty: number[] = [];
  const observedPerColumn = new Int32Array(d);
  for (let i = 0; i < n; i++) {
    let key = '';
    let seen = 0;
    for (let j = 0; j < d; j++) {
      const absent = missing !== undefined && missing[i * d + j] === 1;
      key += absent ? '0' : '1';
      if (!absent) {
        seen++;
        observedPerColumn[j]!++;
      }
    }
    if (seen === 0) {
      empty.push(i);
      continue;
    }
    let group = keyed.get(key);
    if (!group) {
      group = { observed: [], missing: [], members: [] };
      for (let j = 0; j < d; j++) (key[j] === '1' ? group.observed : group.missing).push(j);
      keyed.set(key, group);
    }
    group.members.push(rows.length);
    rows.push(i);
  }
  const patterns = [...keyed.values()].map((g) => ({
    observed: Int32Array.from(g.observed),
    missing: Int32Array.from(g.missing),
    members: Int32Array.from(g.members),
  }));
  return { patterns, rows: Int32Array.from(rows), empty: Int32Array.from(empty), observedPerColumn };
}
