/* From the project's shared benchmark kit (../shared/bench/micro/microbench.c), copied unchanged below. */
/* Machine-throughput micro-benchmarks used for the EM "physical limit" estimates.
 * gcc -O3 -march=native -fopenmp microbench.c -o microbench -lm
 * Prints one JSON object. Threads: OMP_NUM_THREADS (1 or 2).
 *   fma_peak_gflops   : register-resident independent FMA chains (upper bound on FP rate)
 *   dot_l1_gflops     : dot product of two 2048-double (L1-resident) arrays, omp simd reduction
 *   stream_read_gbs   : sum over a 512 MiB array (memory bandwidth, read-only)
 *   exp_ns, log_ns    : glibc exp()/log() per call, latency-free array loop (no -ffast-math)
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }

#define NACC 32
static double fma_peak(long reps) {
  double tot = 0;
#pragma omp parallel reduction(+:tot)
  {
    double acc[NACC], m = 0.999999, c = 1e-7;
    for (int j = 0; j < NACC; j++) acc[j] = j * 0.001 + omp_get_thread_num();
    for (long r = 0; r < reps; r++) {
#pragma omp simd
      for (int j = 0; j < NACC; j++) acc[j] = fma(acc[j], m, c);
    }
    for (int j = 0; j < NACC; j++) tot += acc[j];
  }
  return tot;
}

static double dot_l1(const double *a, const double *b, int n, long reps) {
  double tot = 0;
#pragma omp parallel reduction(+:tot)
  {
    double s = 0;
    for (long r = 0; r < reps; r++) {
      double t[16] = {0};            /* 16 partial sums = 4 independent AVX2 chains */
      for (int i = 0; i < n; i += 16) {
#pragma omp simd
        for (int j = 0; j < 16; j++) t[j] = fma(a[i + j], b[i + j], t[j]);
      }
      for (int j = 0; j < 16; j++) s += t[j];
      __asm__ volatile("" ::: "memory");
    }
    tot += s;
  }
  return tot;
}

static double stream_sum(const double *x, long n) {
  double s = 0;
#pragma omp parallel for simd reduction(+:s) schedule(static)
  for (long i = 0; i < n; i++) s += x[i];
  return s;
}

static int cmpd(const void *a, const void *b) { double d = *(double *)a - *(double *)b; return (d > 0) - (d < 0); }
static double med5(double *v) { qsort(v, 5, sizeof(double), cmpd); return v[2]; }

int main(void) {
  int nt = omp_get_max_threads();
  double sink = 0, t, v[5];
  /* FMA peak */
  long reps = 100000000L;
  for (int r = 0; r < 5; r++) { t = now(); sink += fma_peak(reps); v[r] = now() - t; }
  double fma_gf = 2.0 * NACC * reps * nt / med5(v) / 1e9;
  /* dot, L1 resident */
  int n = 2048; double *a = aligned_alloc(64, n * 8), *b = aligned_alloc(64, n * 8);
  for (int i = 0; i < n; i++) { a[i] = 1.0 / (i + 1); b[i] = 0.5 + i * 1e-4; }
  long dreps = 200000;
  for (int r = 0; r < 5; r++) { t = now(); sink += dot_l1(a, b, n, dreps); v[r] = now() - t; }
  double dot_gf = 2.0 * n * dreps * nt / med5(v) / 1e9;
  /* streaming read */
  long N = 64L * 1024 * 1024; double *x = aligned_alloc(64, N * 8);
#pragma omp parallel for schedule(static)
  for (long i = 0; i < N; i++) x[i] = (double)(i & 1023);
  for (int r = 0; r < 5; r++) { t = now(); sink += stream_sum(x, N); v[r] = now() - t; }
  double bw = N * 8.0 / med5(v) / 1e9;
  /* exp / log throughput (glibc, per thread count) */
  long M = 1L << 24; double *y = aligned_alloc(64, M * 8), *z = aligned_alloc(64, M * 8);
  for (long i = 0; i < M; i++) y[i] = -20.0 + 20.0 * (double)i / M;
  for (int r = 0; r < 5; r++) {
    t = now();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < M; i++) z[i] = exp(y[i]);
    v[r] = now() - t; sink += z[M / 3];
  }
  double exp_ns = med5(v) / M * 1e9;
  for (long i = 0; i < M; i++) y[i] = 1e-3 + (double)i;
  for (int r = 0; r < 5; r++) {
    t = now();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < M; i++) z[i] = log(y[i]);
    v[r] = now() - t; sink += z[M / 3];
  }
  double log_ns = med5(v) / M * 1e9;
  printf("{\"tool\": \"microbench.c\", \"threads\": %d, \"fma_peak_gflops\": %.2f, \"dot_l1_gflops\": %.2f, "
         "\"stream_read_gbs\": %.2f, \"exp_ns\": %.3f, \"log_ns\": %.3f, \"sink\": %.3g}\n",
         nt, fma_gf, dot_gf, bw, exp_ns, log_ns, sink);
  return 0;
}
