#include "gslab_vector_math.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#pragma clang fp contract(off)

static const double LN2_HI = 6.93147180369123816490e-01;
static const double LN2_LO = 1.90821492927058770002e-10;
static const double MAGIC = 6755399441055744.0; /* 1.5 * 2^52 */

static inline int64_t bits_of(double d) { int64_t b; memcpy(&b, &d, 8); return b; }
static inline double double_of(int64_t b) { double d; memcpy(&d, &b, 8); return d; }

#include "tables.h"

/* ln2/64 split so that k * EXP_L_HI is exact for |k| < 2^20. */
static const double EXP_L_HI = 6.93147180369123816490e-01 / 64.0;
static const double EXP_L_LO = 1.90821492927058770002e-10 / 64.0;

/* The kernels: branch-free over a block so the compiler vectorises them.
 * exp: x = (64·m + j)·ln2/64 + r, |r| ≤ ln2/128; e^x = 2^m · 2^(j/64) · p(r), p the degree-6 Taylor
 *      polynomial of e^r (truncation < 3e-20 relative); 2^(j/64) from a correctly rounded table.
 * log: x = 2^e·m, m ∈ [√½, √2); c = 1 + j/128 the nearest table point (|m − c| ≤ 1/256);
 *      log m = log c + 2·atanh(s), s = (m − c)/(m + c), |s| < 0.002, series to s^7. */
#define EXP_KERNEL                                                                                   \
    for (size_t i = 0; i < n; i++) {                                                                 \
        double x = v[i];                                                                             \
        double shifted = x * (64.0 / 0.69314718055994530942) + MAGIC;                                \
        double kd = shifted - MAGIC;                                                                 \
        int64_t k = bits_of(shifted) - bits_of(MAGIC);                                               \
        double r = (x - kd * EXP_L_HI) - kd * EXP_L_LO;                                              \
        double p = 1.0 / 720.0;                                                                      \
        p = p * r + 1.0 / 120.0;                                                                     \
        p = p * r + 1.0 / 24.0;                                                                      \
        p = p * r + 1.0 / 6.0;                                                                       \
        p = p * r + 0.5;                                                                             \
        p = p * r + 1.0;                                                                             \
        p = p * r + 1.0;                                                                             \
        double t = EXP2_TABLE[k & 63];                                                               \
        v[i] = (t * p) * double_of(((k >> 6) + 1023) << 52);                                        \
    }

#define LOG_KERNEL                                                                                   \
    for (size_t i = 0; i < n; i++) {                                                                 \
        int64_t b = bits_of(v[i]);                                                                   \
        int64_t e = (b >> 52) - 1023;                                                                \
        double m = double_of((b & 0x000FFFFFFFFFFFFFLL) | 0x3FF0000000000000LL);                    \
        int64_t big = m > 1.4142135623730951 ? 1 : 0;                                                \
        m = big ? m * 0.5 : m;                                                                       \
        e += big;                                                                                    \
        double shifted = (m - 1.0) * 128.0 + MAGIC;                                                  \
        double jd = shifted - MAGIC;                                                                 \
        int64_t j = bits_of(shifted) - bits_of(MAGIC);                                               \
        double c = 1.0 + jd * (1.0 / 128.0);                                                         \
        double s = (m - c) / (m + c);                                                                \
        double s2 = s * s;                                                                           \
        double p = 1.0 / 7.0;                                                                        \
        p = p * s2 + 1.0 / 5.0;                                                                      \
        p = p * s2 + 1.0 / 3.0;                                                                      \
        p = p * s2 + 1.0;                                                                            \
        double ed = double_of(e + bits_of(MAGIC)) - MAGIC;                                           \
        v[i] = ed * LN2_HI + (LOG_TABLE[j + 38] + (2.0 * s * p + ed * LN2_LO));                      \
    }

#if defined(__x86_64__) && defined(__clang__)
__attribute__((target("avx2"))) static void exp_avx2(double *restrict v, size_t n) { EXP_KERNEL }
__attribute__((target("avx2"))) static void log_avx2(double *restrict v, size_t n) { LOG_KERNEL }
#endif
static void exp_base(double *restrict v, size_t n) { EXP_KERNEL }
static void log_base(double *restrict v, size_t n) { LOG_KERNEL }

static int forced_baseline = 0;

void gslab_vmath_force_baseline(int baseline) { forced_baseline = baseline; }

int gslab_vmath_uses_avx2(void) {
#if defined(__x86_64__) && defined(__clang__)
    static int cached = -1;
    if (cached < 0) cached = __builtin_cpu_supports("avx2") ? 1 : 0;
    return cached && !forced_baseline;
#else
    return 0;
#endif
}

/* Blocks of 256 values: the range check and the kernel stay in cache. */
#define BLOCK 256

/* Runs `kernel` over blocks of `x`; lanes outside the kernel's range (`IN_RANGE(w)` false) are
 * recomputed with `libm` from their saved originals, the others keep the kernel's bits. */
#if defined(__x86_64__) && defined(__clang__)
#define PICK(fast, base, v, count) do { if (gslab_vmath_uses_avx2()) fast(v, count); else base(v, count); } while (0)
#else
#define PICK(fast, base, v, count) base(v, count)
#endif
#define BLOCKWISE(x, n, IN_RANGE, fast, base, libm)                                                  \
    do {                                                                                             \
        double original[BLOCK];                                                                      \
        for (size_t start = 0; start < (n); start += BLOCK) {                                        \
            size_t count = (n) - start < BLOCK ? (n) - start : BLOCK;                                \
            double *v = (x) + start;                                                                 \
            int special = 0;                                                                         \
            for (size_t i = 0; i < count; i++) special |= !IN_RANGE(v[i]);                          \
            if (special) memcpy(original, v, count * sizeof(double));                                \
            PICK(fast, base, v, count);                                                              \
            if (special)                                                                             \
                for (size_t i = 0; i < count; i++)                                                   \
                    if (!IN_RANGE(original[i])) v[i] = libm(original[i]);                            \
        }                                                                                            \
    } while (0)

#define EXP_IN_RANGE(w) ((w) > -700.0 && (w) < 700.0)
#define LOG_IN_RANGE(w) ((w) > 1e-300 && (w) < 1e300)

void gslab_vexp(double *x, size_t n) { BLOCKWISE(x, n, EXP_IN_RANGE, exp_avx2, exp_base, exp); }

void gslab_vlog(double *x, size_t n) { BLOCKWISE(x, n, LOG_IN_RANGE, log_avx2, log_base, log); }
