#include "gslab_vector_math.h"
#include <stdint.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

/* The bars of a block as two bit masks, bit t for value t + 1 (value 0 is the bar before the block):
 * below (fast < slow) and above (fast > slow). NaN compares false both ways, as in crossing(). */
#define MASKS_SCALAR(f, s, from, to, below, above)                                                   \
    for (size_t u = (from); u < (to); u++) {                                                         \
        below |= (uint64_t)(f[u + 1] < s[u + 1]) << u;                                               \
        above |= (uint64_t)(f[u + 1] > s[u + 1]) << u;                                               \
    }

/* Emits the crossings of one block of up to 64 bars from its masks and the bar before it. */
static inline size_t emit(uint64_t below, uint64_t above, int before_below, int before_above, size_t m, size_t base,
                          int32_t *at, uint8_t *up, size_t k) {
    uint64_t live = m == 64 ? ~(uint64_t)0 : (((uint64_t)1 << m) - 1);
    uint64_t ups = ((below << 1) | (uint64_t)before_below) & above & live;
    uint64_t downs = ((above << 1) | (uint64_t)before_above) & below & live;
    uint64_t any = ups | downs;
    while (any) {
        int t = __builtin_ctzll(any);
        at[k] = (int32_t)(base + (size_t)t);
        up[k] = (uint8_t)((ups >> t) & 1);
        k++;
        any &= any - 1;
    }
    return k;
}

#define CROSSINGS_BODY(...)                                                                  \
    size_t k = 0;                                                                                    \
    int before_below = fast[0] < slow[0], before_above = fast[0] > slow[0];                          \
    for (size_t base = 0; base < count; base += 64) {                                                \
        size_t m = count - base < 64 ? count - base : 64;                                            \
        const double *f = fast + base, *s = slow + base;                                             \
        uint64_t below = 0, above = 0;                                                               \
        __VA_ARGS__                                                                                  \
        k = emit(below, above, before_below, before_above, m, base, at, up, k);                      \
        before_below = (int)((below >> (m - 1)) & 1);                                                \
        before_above = (int)((above >> (m - 1)) & 1);                                               \
    }                                                                                                \
    return k;

#if defined(__x86_64__) && defined(__clang__)
__attribute__((target("avx2"))) static size_t crossings_avx2(const double *fast, const double *slow, size_t count,
                                                              int32_t *at, uint8_t *up) {
    CROSSINGS_BODY({
        size_t t = 0;
        if (m == 64) {
            /* A full block unrolled: every shift a constant, no loop-carried count. */
            _Pragma("clang loop unroll(full)")
            for (size_t q = 0; q < 64; q += 4) {
                __m256d a = _mm256_loadu_pd(f + q + 1), b = _mm256_loadu_pd(s + q + 1);
                below |= (uint64_t)_mm256_movemask_pd(_mm256_cmp_pd(a, b, _CMP_LT_OQ)) << q;
                above |= (uint64_t)_mm256_movemask_pd(_mm256_cmp_pd(a, b, _CMP_GT_OQ)) << q;
            }
            t = 64;
        }
        for (; t + 4 <= m; t += 4) {
            __m256d a = _mm256_loadu_pd(f + t + 1), b = _mm256_loadu_pd(s + t + 1);
            below |= (uint64_t)_mm256_movemask_pd(_mm256_cmp_pd(a, b, _CMP_LT_OQ)) << t;
            above |= (uint64_t)_mm256_movemask_pd(_mm256_cmp_pd(a, b, _CMP_GT_OQ)) << t;
        }
        MASKS_SCALAR(f, s, t, m, below, above)
    })
}
#endif

static size_t crossings_base(const double *fast, const double *slow, size_t count, int32_t *at, uint8_t *up) {
#if defined(__x86_64__)
    CROSSINGS_BODY({
        size_t t = 0;
        for (; t + 2 <= m; t += 2) {
            __m128d a = _mm_loadu_pd(f + t + 1), b = _mm_loadu_pd(s + t + 1);
            below |= (uint64_t)_mm_movemask_pd(_mm_cmplt_pd(a, b)) << t;
            above |= (uint64_t)_mm_movemask_pd(_mm_cmpgt_pd(a, b)) << t;
        }
        MASKS_SCALAR(f, s, t, m, below, above)
    })
#else
    CROSSINGS_BODY({ MASKS_SCALAR(f, s, 0, m, below, above) })
#endif
}

size_t gslab_crossings(const double *fast, const double *slow, size_t count, int32_t *at, uint8_t *up) {
#if defined(__x86_64__) && defined(__clang__)
    if (gslab_vmath_uses_avx2()) return crossings_avx2(fast, slow, count, at, up);
#endif
    return crossings_base(fast, slow, count, at, up);
}
