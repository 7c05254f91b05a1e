/**
 * The Gaussian WebAssembly primitives against direct double loops (the definition), for every
 * D from 1 to 13 and a large one (and the D ≤ 2 forms maha2 and scatter2), row counts that do and do not fill whole groups, and the
 * committed module bytes against a fresh build of gaussian.wat.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { wasmModuleSource } from '../../../../scripts/build-wasm.js';
import { ArenaLayout, makeArena } from '../../src/fast/block-kernel.js';
import { gaussianWasm, padded } from '../../src/fast/wasm/gaussian.js';

function lcg(seed: number) {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  };
}

function setup(D: number, rows: number, seed: number, Dp = padded(D)) {
  const layout = new ArenaLayout();
  const x = layout.f64s(rows * D + 4 * Dp);
  const u = layout.f64s(Dp * Dp);
  const c = layout.f64s(Dp);
  const out = layout.f64s(2 * (rows + 4));
  const w = layout.f64s(rows * Dp);
  const s = layout.f64s(Dp * Dp);
  const d = layout.f64s(rows * Dp);
  const arena = makeArena(layout.bytes);
  const f = arena.f64;
  const rnd = lcg(seed);
  for (let i = 0; i < rows * D; i++) f[x + i] = 3 * rnd();
  for (let i = 0; i < D; i++) {
    for (let j = i; j < D; j++) f[u + i * Dp + j] = rnd() + (i === j ? 2 : 0);
    f[c + i] = rnd();
  }
  for (let r = 0; r < rows; r++) for (let j = 0; j < D; j++) f[w + r * Dp + j] = rnd();
  return { arena, f, Dp, x, u, c, out, w, s, d };
}

/** An arena with softmax's regions for `rows` rows of Kp columns: L, lc, the row outputs, the exps. */
function softmaxArena(rows: number, Kp: number) {
  const layout = new ArenaLayout();
  const L = layout.f64s(rows * Kp);
  const lc = layout.f64s(Kp);
  const m = layout.f64s(rows);
  const sOut = layout.f64s(rows);
  const t = layout.f64s(rows);
  const E = layout.f64s(rows * Kp);
  const arena = makeArena(layout.bytes);
  return { arena, f: arena.f64, L, lc, m, sOut, t, E };
}

describe('gaussian.wat', () => {
  /** maha4 and scatter (Dp a multiple of 4), or maha2 (Dp = 2; scatter then at Dp = 4), against the definition. */
  function checkMahaScatter(D: number, Dp: number): Float64Array {
    const rows = 37;
    const { arena, f, x, u, c, out, w, s } = setup(D, rows, D + 1, Dp);
    const wasm = gaussianWasm(arena.memory);
    if (Dp === 2) wasm.maha2(x, Math.ceil(rows / 4), D, u, c, out, 2);
    else wasm.maha4(x, Math.ceil(rows / 4), D, Dp, u, c, out, 2);
    const distances = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let m = 0;
      for (let j = 0; j < D; j++) {
        let z = -f[c + j]!;
        for (let i = 0; i <= j; i++) z += f[x + r * D + i]! * f[u + i * Dp + j]!;
        m += z * z;
      }
      expect(Math.abs(f[out + 2 * r]! - m)).toBeLessThanOrEqual(1e-13 * m);
      distances[r] = f[out + 2 * r]!;
    }
    if (Dp === 2) return distances;
    wasm.scatter(w, x, rows, D, Dp, s);
    wasm.scatter(w, x, rows, D, Dp, s); // accumulates
    for (let j = 0; j < D; j++)
      for (let l = j; l < D; l++) {
        let want = 0;
        for (let r = 0; r < rows; r++) want += f[w + r * Dp + j]! * f[x + r * D + l]!;
        expect(Math.abs(f[s + j * Dp + l]! - 2 * want)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(want)));
      }
    return distances;
  }

  for (const D of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 50]) {
    it(`maha4 and scatter agree with the definition at D = ${D}`, () => {
      checkMahaScatter(D, Math.ceil(D / 4) * 4);
    });
  }
  for (const D of [1, 2]) {
    it(`maha2 agrees with the definition at D = ${D}, and with maha4 bit for bit`, () => {
      expect(padded(D)).toBe(2);
      expect(checkMahaScatter(D, 2)).toEqual(checkMahaScatter(D, 4));
    });
    it(`moments2 is weight then scatter bit for bit at D = ${D}, and accumulates`, () => {
      const rows = 29;
      // Dp = 4 for weight and scatter, 2 for moments2; the same data, centre and weights.
      const a = setup(D, rows, 11, 4);
      const b = setup(D, rows, 11, 2);
      const wa = gaussianWasm(a.arena.memory);
      const wb = gaussianWasm(b.arena.memory);
      for (const { f, out } of [a, b]) for (let i = 0; i < rows; i++) f[out + 2 * i] = (i % 5) / 7;
      // sx in u's first Dp entries, nk just after (u is not used here)
      const nkA = a.u + 4;
      const nkB = b.u + 2;
      a.f.fill(0, a.u, nkA);
      b.f.fill(0, b.u, nkB);
      a.f[nkA] = 0.5;
      b.f[nkB] = 0.5;
      for (let twice = 0; twice < 2; twice++) {
        wa.weight(a.x, rows, D, 4, a.c, a.out, 2, a.d, a.w, a.u, nkA);
        wa.scatter(a.w, a.d, rows, 4, 4, a.s);
        wb.moments2(b.x, rows, D, b.c, b.out, 2, b.u, b.s, nkB);
      }
      expect(b.f[nkB]).toBe(a.f[nkA]);
      for (let j = 0; j < D; j++) {
        expect(b.f[b.u + j]).toBe(a.f[a.u + j]);
        for (let l = j; l < D; l++) expect(b.f[b.s + j * 2 + l]).toBe(a.f[a.s + j * 4 + l]);
      }
      // And against the definition: S = 2 Σ r (x − c)(x − c)ᵀ.
      for (let j = 0; j < D; j++)
        for (let l = j; l < D; l++) {
          let want = 0;
          for (let i = 0; i < rows; i++)
            want += ((i % 5) / 7) * (b.f[b.x + i * D + j]! - b.f[b.c + j]!) * (b.f[b.x + i * D + l]! - b.f[b.c + l]!);
          expect(Math.abs(b.f[b.s + j * 2 + l]! - 2 * want)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(want)));
        }
    });
  }

  it('weight centres rows, scales them and sums them', () => {
    const D = 7;
    const rows = 11;
    const { arena, f, Dp, x, c, out, w, s, d } = setup(D, rows, 3);
    for (let i = 0; i < rows; i++) f[out + 2 * i] = i / 10;
    const nk = s + Dp;
    f[nk] = 0.25;
    gaussianWasm(arena.memory).weight(x, rows, D, Dp, c, out, 2, d, w, s, nk);
    let want = 0.25;
    for (let i = 0; i < rows; i++) {
      want += i / 10;
      for (let j = 0; j < D; j++) {
        const dij = f[x + i * D + j]! - f[c + j]!;
        expect(f[d + i * Dp + j]).toBe(dij);
        expect(f[w + i * Dp + j]).toBe((i / 10) * dij);
      }
    }
    for (let j = 0; j < D; j++) {
      let sx = 0;
      for (let i = 0; i < rows; i++) sx += (i / 10) * (f[x + i * D + j]! - f[c + j]!);
      expect(Math.abs(f[s + j]! - sx)).toBeLessThanOrEqual(1e-15 * (1 + Math.abs(sx)));
    }
    expect(Math.abs(f[nk]! - want)).toBeLessThanOrEqual(1e-15 * want);
  });

  it('softmax gives Math.exp responsibilities, maxima, sums and Σ r(l − m) to a few ulps', () => {
    const rows = 200;
    const Kp = 6;
    const { arena, f, L, lc, m, sOut, t, E } = softmaxArena(rows, Kp);
    const rnd = lcg(7);
    // five components and a padding column; component 3 has zero weight (lc = −∞)
    for (let k = 0; k < Kp; k++) f[lc + k] = k === 3 || k === 5 ? Number.NEGATIVE_INFINITY : rnd() * 4;
    // distances from 0 to ~3000: exp arguments from 0 down past −708 (underflow to 0)
    for (let i = 0; i < rows * Kp; i++) f[L + i] = (rnd() + 0.5) * (i % 7 === 0 ? 3000 : 40);
    const before = f.slice(L, L + rows * Kp);
    gaussianWasm(arena.memory).softmax(L, rows, 5, Kp, lc, m, sOut, t, E);
    for (let i = 0; i < rows; i++) {
      const l = Array.from({ length: Kp }, (_, k) => f[lc + k]! - 0.5 * before[i * Kp + k]!);
      const max = Math.max(...l);
      const e = l.map((v) => Math.exp(v - max));
      const sum = e.reduce((a, b) => a + b, 0);
      const tt = e.reduce((a, v, k) => (v > 0 ? a + (v / sum) * (l[k]! - max) : a), 0);
      expect(f[m + i]).toBe(max);
      expect(Math.abs(f[sOut + i]! - sum)).toBeLessThanOrEqual(4e-16 * sum);
      expect(Math.abs(f[t + i]! - tt)).toBeLessThanOrEqual(1e-15 * (1 + Math.abs(tt)));
      for (let k = 0; k < Kp; k++) {
        const want = e[k]! / sum;
        const got = f[L + i * Kp + k]!;
        if (want < 1e-300) expect(got).toBeLessThan(1e-300);
        else expect(Math.abs(got - want)).toBeLessThanOrEqual(6e-16 * want);
        if (k === 3 || k === 5) expect(got).toBe(0);
      }
    }
  });

  /**
   * The exp as gaussian.wat documents it, in scalar doubles: k rounded by adding and subtracting
   * 1.5 · 2^52, f = v − k ln2 in two parts, the degree-13 Taylor polynomial by Horner, times 2^k
   * (exact), 0 below −708 and for NaN.
   */
  const TAYLOR = Array.from({ length: 14 }, (_, i) => {
    let factorial = 1;
    for (let j = 2; j <= 13 - i; j++) factorial *= j;
    return 1 / factorial;
  });
  function documentedExp(v: number): number {
    const big = v * Math.LOG2E + 6755399441055744; // Math.LOG2E is the .wat constant 1.4426950408889634
    const k = big - 6755399441055744;
    let f = v - k * 0.6931471803691238;
    f -= k * 1.9082149292705877e-10;
    let poly = TAYLOR[0]!;
    for (let i = 1; i < 14; i++) poly = poly * f + TAYLOR[i]!;
    return v >= -708 ? poly * 2 ** k : 0;
  }

  it('softmax is the documented arithmetic bit for bit, whatever pairs the four-way exp loop leaves over, K odd and even', () => {
    for (const [K, Kp] of [
      [1, 2],
      [2, 2],
      [3, 4],
      [4, 4],
      [5, 6],
      [6, 6],
      [7, 8],
      [8, 8],
    ] as const) {
      for (let rows = 1; rows <= 9; rows++) {
        const { arena, f, L, lc, m, sOut, t, E } = softmaxArena(rows, Kp);
        const rnd = lcg(100 * K + rows);
        // the padding column (K odd), or a component of zero weight (K even, K > 2): lc = −∞
        for (let k = 0; k < Kp; k++) f[lc + k] = k === Kp - 1 && Kp > 2 ? Number.NEGATIVE_INFINITY : rnd() * 4;
        if (K < Kp) f[lc + K] = Number.NEGATIVE_INFINITY;
        for (let i = 0; i < rows * Kp; i++) f[L + i] = (rnd() + 0.5) * (i % 5 === 0 ? 3000 : 40);
        const before = f.slice(L, L + rows * Kp);
        gaussianWasm(arena.memory).softmax(L, rows, K, Kp, lc, m, sOut, t, E);
        for (let i = 0; i < rows; i++) {
          const l = Array.from({ length: Kp }, (_, k) => f[lc + k]! - 0.5 * before[i * Kp + k]!);
          const max = Math.max(...l);
          const v = l.map((x) => x - max);
          const e = v.map(documentedExp);
          // the two lanes' sums (even and odd columns), then their sum, as the f64x2 code adds
          const lane = [0, 0];
          const tLane = [0, 0];
          for (let k = 0; k < Kp; k++) {
            lane[k % 2]! += e[k]!;
            tLane[k % 2]! += e[k]! > 0 ? e[k]! * v[k]! : 0;
          }
          const s = lane[0]! + lane[1]!;
          expect(f[m + i]).toBe(max);
          expect(f[sOut + i]).toBe(s);
          expect(f[t + i]).toBe((tLane[0]! + tLane[1]!) / s);
          for (let k = 0; k < Kp; k++) expect(f[L + i * Kp + k]).toBe(e[k]! * (1 / s));
        }
      }
    }
  });

  /** The chunk reduction lse documents, in scalar doubles (as responsibilities.ts did it in JavaScript). */
  function documentedSums(
    f: Float64Array,
    L: number,
    m: number,
    sOut: number,
    t: number,
    rows: number,
    K: number,
    Kp: number,
  ) {
    let sumM = 0;
    let sumT = 0;
    let product = 1;
    let impossible = 0;
    const products: number[] = [];
    for (let r = 0; r < rows; r++) {
      const mr = f[m + r]!;
      const sr = f[sOut + r]!;
      if (!(sr > 0) || !Number.isFinite(mr)) {
        for (let k = 0; k < Kp; k++) f[L + r * Kp + k] = k < K ? 1 / K : 0;
        impossible++;
        continue;
      }
      sumM += mr;
      sumT += f[t + r]!;
      product *= sr;
      if (product > 1e200) {
        products.push(product);
        product = 1;
      }
    }
    products.push(product);
    return [sumM, sumT, impossible, products.length, ...products];
  }

  it('lse is softmax then the documented per-row sums bit for bit, impossible rows and product flushes included', () => {
    for (const [K, rows] of [
      [3, 37],
      [2, 9],
      [5, 300],
      [8, 1],
    ] as const) {
      const Kp = K + (K % 2);
      const layout = new ArenaLayout();
      const slots = () => ({
        L: layout.f64s(rows * Kp),
        m: layout.f64s(rows),
        s: layout.f64s(rows),
        t: layout.f64s(rows),
        E: layout.f64s(rows * Kp),
        rec: layout.f64s(rows + 5),
      });
      const a = slots();
      const b = slots();
      const lc = layout.f64s(Kp);
      const arena = makeArena(layout.bytes);
      const f = arena.f64;
      const rnd = lcg(31 * K + rows);
      for (let k = 0; k < Kp; k++) f[lc + k] = k < K ? (K === 5 ? 0.1 : rnd() * 4) : Number.NEGATIVE_INFINITY;
      // near-equal distances make every s close to K, so 300 rows of K = 5 flush the product
      for (let i = 0; i < rows * Kp; i++) f[a.L + i] = (rnd() + 0.5) * (K === 5 ? 0.01 : i % 5 === 0 ? 3000 : 40);
      // rows no component can produce: a NaN distance, and every distance infinite
      if (rows > 5) {
        f[a.L + 2 * Kp] = Number.NaN;
        for (let k = 0; k < Kp; k++) f[a.L + 4 * Kp + k] = Number.POSITIVE_INFINITY;
      }
      f.copyWithin(b.L, a.L, a.L + rows * Kp);
      const wasm = gaussianWasm(arena.memory);
      wasm.lse(a.L, rows, K, Kp, lc, a.m, a.s, a.t, a.E, a.rec);
      wasm.softmax(b.L, rows, K, Kp, lc, b.m, b.s, b.t, b.E);
      const want = documentedSums(f, b.L, b.m, b.s, b.t, rows, K, Kp);
      if (K === 5) expect(want[3]).toBeGreaterThan(1);
      if (rows > 5) expect(want[2]).toBe(2);
      expect(Array.from(f.subarray(a.rec, a.rec + want.length))).toEqual(want);
      expect(f.slice(a.L, a.L + rows * Kp)).toEqual(f.slice(b.L, b.L + rows * Kp));
    }
  });

  it('estep is its primitives called one by one, bit for bit: distances, lse, the copy to R, moments', () => {
    for (const D of [1, 2, 3, 5, 8]) {
      for (const [K, rows] of [
        [1, 5],
        [3, 37],
        [4, 2],
      ] as const) {
        for (const withR of [false, true]) {
          const Dp = padded(D);
          const Kp = K + (K % 2);
          const layout = new ArenaLayout();
          const x = layout.f64s(rows * D + 4 * Dp + 4 * D);
          const consts = {
            lc: layout.f64s(Kp),
            mu: layout.f64s(K * Dp),
            c: layout.f64s(K * Dp),
            u: layout.f64s(K * Dp * Dp),
          };
          const work = () => ({
            L: layout.f64s((rows + 4) * Kp),
            m: layout.f64s(rows + 4),
            s: layout.f64s(rows + 4),
            t: layout.f64s(rows + 4),
            E: layout.f64s((rows + 4) * Kp),
            d: layout.f64s((rows + 4) * Dp),
            w: layout.f64s((rows + 4) * Dp),
            sx: layout.f64s(K * Dp),
            sacc: layout.f64s(K * Dp * Dp),
            nk: layout.f64s(Kp),
            R: layout.f64s(rows * K),
            rec: layout.f64s(rows + 5),
          });
          const a = work();
          const b = work();
          const arena = makeArena(layout.bytes);
          const f = arena.f64;
          const rnd = lcg(1000 * D + 10 * K + rows);
          for (let i = 0; i < rows * D; i++) f[x + i] = 3 * rnd();
          for (let k = 0; k < K; k++) {
            f[consts.lc + k] = rnd();
            for (let j = 0; j < D; j++) {
              f[consts.mu + k * Dp + j] = rnd();
              f[consts.c + k * Dp + j] = rnd();
              for (let i = 0; i <= j; i++) f[consts.u + k * Dp * Dp + i * Dp + j] = rnd() + (i === j ? 2 : 0);
            }
          }
          if (Kp > K) f[consts.lc + K] = Number.NEGATIVE_INFINITY;
          // accumulators start non-zero: both forms add to them
          for (const o of [a, b]) {
            for (let i = 0; i < K * Dp; i++) f[o.sx + i] = i;
            for (let i = 0; i < K * Dp * Dp; i++) f[o.sacc + i] = -i;
            for (let k = 0; k < Kp; k++) f[o.nk + k] = k;
          }
          const wasm = gaussianWasm(arena.memory);
          const { lc, mu, c, u } = consts;
          wasm.estep(
            x,
            rows,
            D,
            Dp,
            K,
            Kp,
            lc,
            mu,
            c,
            u,
            a.L,
            a.m,
            a.s,
            a.t,
            a.E,
            a.d,
            a.w,
            a.sx,
            a.sacc,
            a.nk,
            withR ? a.R : -1,
            a.rec,
          );
          const groups = Math.ceil(rows / 4);
          for (let k = 0; k < K; k++) {
            if (Dp === 2) wasm.maha2(x, groups, D, u + k * 4, c + k * 2, b.L + k, Kp);
            else wasm.maha4(x, groups, D, Dp, u + k * Dp * Dp, c + k * Dp, b.L + k, Kp);
          }
          wasm.lse(b.L, rows, K, Kp, lc, b.m, b.s, b.t, b.E, b.rec);
          if (withR)
            for (let r = 0; r < rows; r++) for (let k = 0; k < K; k++) f[b.R + r * K + k] = f[b.L + r * Kp + k]!;
          for (let k = 0; k < K; k++) {
            if (Dp === 2) wasm.moments2(x, rows, D, mu + k * 2, b.L + k, Kp, b.sx + k * 2, b.sacc + k * 4, b.nk + k);
            else {
              wasm.weight(x, rows, D, Dp, mu + k * Dp, b.L + k, Kp, b.d, b.w, b.sx + k * Dp, b.nk + k);
              wasm.scatter(b.w, b.d, rows, Dp, Dp, b.sacc + k * Dp * Dp);
            }
          }
          const region = (o: typeof a, key: keyof typeof a, n: number) => f.slice(o[key], o[key] + n);
          for (const [key, n] of [
            ['L', rows * Kp],
            ['m', rows],
            ['s', rows],
            ['t', rows],
            ['sx', K * Dp],
            ['sacc', K * Dp * Dp],
            ['nk', Kp],
            ['R', rows * K],
            ['rec', 4 + f[b.rec + 3]!],
          ] as const)
            expect(region(a, key, n), `D ${D} K ${K} rows ${rows} ${key}`).toEqual(region(b, key, n));
          if (!withR) expect(region(a, 'R', rows * K).every((v) => v === 0)).toBe(true);
        }
      }
    }
  });

  it('the committed module is the build of gaussian.wat', async () => {
    const dir = new URL('../../src/fast/wasm/', import.meta.url);
    const wat = readFileSync(new URL('gaussian.wat', dir), 'utf8');
    expect(readFileSync(new URL('gaussian-wasm.ts', dir), 'utf8')).toBe(await wasmModuleSource('gaussian', wat));
  });
});
