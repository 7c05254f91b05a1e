// From the project's shared benchmark kit (../shared/bench/micro/nodebench.mjs), copied unchanged below.
// Plain Node.js Float64Array throughput, for comparison with microbench.c.
// node nodebench.mjs  -> one JSON line. Single-threaded (JS main thread).
const now = () => Number(process.hrtime.bigint()) / 1e9;
const med = (f, r = 5) => { const v = []; let s = 0; for (let i = 0; i < r; i++) { const t = now(); s += f(); v.push(now() - t); } v.sort((a, b) => a - b); globalThis.__sink = s; return v[r >> 1]; };

// 1) independent multiply-add chains (JS has no fused FMA: a*m+c is 2 flops, 2 roundings)
const NACC = 32, REPS = 20_000_000;
const acc = new Float64Array(NACC);
function fmaLoop() {
  for (let j = 0; j < NACC; j++) acc[j] = j * 1e-3;
  const m = 0.999999, c = 1e-7;
  for (let r = 0; r < REPS; r++) for (let j = 0; j < NACC; j++) acc[j] = acc[j] * m + c;
  let s = 0; for (let j = 0; j < NACC; j++) s += acc[j]; return s;
}
// 1b) same with 8 scalar locals (lets V8 keep them in registers)
function fmaLocals() {
  let a0 = 0, a1 = 1e-3, a2 = 2e-3, a3 = 3e-3, a4 = 4e-3, a5 = 5e-3, a6 = 6e-3, a7 = 7e-3;
  const m = 0.999999, c = 1e-7;
  for (let r = 0; r < REPS * 4; r++) {
    a0 = a0 * m + c; a1 = a1 * m + c; a2 = a2 * m + c; a3 = a3 * m + c;
    a4 = a4 * m + c; a5 = a5 * m + c; a6 = a6 * m + c; a7 = a7 * m + c;
  }
  return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
}
// 2) dot product of two L1-resident 2048-element arrays, 4 partial sums
const N = 2048, DREPS = 100_000;
const a = new Float64Array(N), b = new Float64Array(N);
for (let i = 0; i < N; i++) { a[i] = 1 / (i + 1); b[i] = 0.5 + i * 1e-4; }
function dot() {
  let s = 0;
  for (let r = 0; r < DREPS; r++) {
    let t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    for (let i = 0; i < N; i += 4) { t0 += a[i] * b[i]; t1 += a[i + 1] * b[i + 1]; t2 += a[i + 2] * b[i + 2]; t3 += a[i + 3] * b[i + 3]; }
    s += t0 + t1 + t2 + t3;
  }
  return s;
}
// 3) streaming read of 512 MiB
const M = 64 * 1024 * 1024; const x = new Float64Array(M); for (let i = 0; i < M; i++) x[i] = i & 1023;
function stream() { let s0 = 0, s1 = 0, s2 = 0, s3 = 0; for (let i = 0; i < M; i += 4) { s0 += x[i]; s1 += x[i + 1]; s2 += x[i + 2]; s3 += x[i + 3]; } return s0 + s1 + s2 + s3; }
// 4) Math.exp / Math.log over 16M values
const E = 1 << 24; const y = new Float64Array(E), z = new Float64Array(E);
function expLoop() { for (let i = 0; i < E; i++) y[i] = -20 + 20 * i / E; for (let i = 0; i < E; i++) z[i] = Math.exp(y[i]); return z[E / 3]; }
function logLoop() { for (let i = 0; i < E; i++) y[i] = 1e-3 + i; for (let i = 0; i < E; i++) z[i] = Math.log(y[i]); return z[E / 3]; }
function fillOnly() { for (let i = 0; i < E; i++) y[i] = -20 + 20 * i / E; return y[7]; }

fmaLoop(); fmaLocals(); dot(); // warm up JIT
const tF = med(fmaLoop), tL = med(fmaLocals), tD = med(dot), tS = med(stream);
const tFill = med(fillOnly), tE = med(expLoop), tLg = med(logLoop);
console.log(JSON.stringify({
  tool: "nodebench.mjs", node: process.version, threads: 1,
  muladd_array_gflops: +(2 * NACC * REPS / tF / 1e9).toFixed(2),
  muladd_locals_gflops: +(2 * 8 * REPS * 4 / tL / 1e9).toFixed(2),
  dot_l1_gflops: +(2 * N * DREPS / tD / 1e9).toFixed(2),
  stream_read_gbs: +(M * 8 / tS / 1e9).toFixed(2),
  exp_ns: +((tE - tFill) / E * 1e9).toFixed(3), log_ns: +((tLg - tFill) / E * 1e9).toFixed(3),
}));
