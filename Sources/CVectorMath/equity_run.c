#include "gslab_vector_math.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#pragma clang fp contract(off)

/* One bar: valid (close > 0 and finite, equity > 0), then added as EquitySummary.add(_:at:) does. */
static inline int one_bar(const double *close, size_t i, double cash, double units, double entry, gslab_equity_run *r) {
    double c = close[i];
    double e = units == 0 ? cash : cash + units * (c - entry);
    if (!(c > 0 && c < __builtin_inf() && e > 0)) return 0;
    r->lanes[i & 3] += e;
    if (e > r->peak) {
        if (r->peak > -__builtin_inf()) {
            double d = 1 - r->low / r->peak;
            r->worst = d >= r->worst ? d : r->worst; /* Swift.max(worst, d) */
        }
        r->peak = e;
        r->low = e;
    } else {
        r->low = e < r->low ? e : r->low;
    }
    r->last = e;
    return 1;
}

/* Four bars from i (i a multiple of 4) with no new peak: the lowest of them, as Swift's
 * min(min(a, b), min(c, d)) (all finite and positive here, so any order gives these bits). */
#define SEE_FOUR(a, b, c, d)                                                                         \
    do {                                                                                             \
        if (a <= r->peak && b <= r->peak && c <= r->peak && d <= r->peak) {                          \
            double ab = b < a ? b : a, cd = d < c ? d : c, m = cd < ab ? cd : ab;                    \
            r->low = m < r->low ? m : r->low;                                                        \
        } else {                                                                                     \
            double see_[4] = {a, b, c, d};                                                                \
            for (int k = 0; k < 4; k++) {                                                            \
                if (see_[k] > r->peak) {                                                                \
                    if (r->peak > -__builtin_inf()) {                                                \
                        double dd = 1 - r->low / r->peak;                                            \
                        r->worst = dd >= r->worst ? dd : r->worst;                                   \
                    }                                                                                \
                    r->peak = see_[k];                                                                  \
                    r->low = see_[k];                                                                   \
                } else {                                                                             \
                    r->low = see_[k] < r->low ? see_[k] : r->low;                                          \
                }                                                                                    \
            }                                                                                        \
        }                                                                                            \
        r->last = d;                                                                                 \
    } while (0)

/* The running figures live in a local copy (`r`), so that they stay in registers: stores through the
 * caller's pointer could alias the closes. */
#define RUN_BODY(...)                                                                                \
    gslab_equity_run local = *run, *r = &local;                                                     \
    size_t i = from;                                                                                 \
    int stopped = 0;                                                                                 \
    while (i < to && (i & 3) != 0) {                                                                 \
        if (!one_bar(close, i, cash, units, entry, r)) { stopped = 1; break; }                       \
        i++;                                                                                         \
    }                                                                                                \
    if (!stopped) { __VA_ARGS__ }                                                                    \
    while (!stopped && i < to) {                                                                     \
        if (!one_bar(close, i, cash, units, entry, r)) break;                                        \
        i++;                                                                                         \
    }                                                                                                \
    *run = local;                                                                                    \
    return i;

#if defined(__x86_64__) && defined(__clang__)
__attribute__((target("avx2"))) static size_t run_avx2(const double *close, size_t from, size_t to, double cash, double units,
                                                        double entry, gslab_equity_run *run) {
    RUN_BODY({
        /* The low since the peak as four lane minima (the lowest of a set is the same whatever the
         * order: the values are finite and positive), folded into one where a bar makes a new peak. */
        __m256d sums = _mm256_loadu_pd(r->lanes);
        const __m256d vcash = _mm256_set1_pd(cash), vunits = _mm256_set1_pd(units), ventry = _mm256_set1_pd(entry);
        const __m256d zero = _mm256_setzero_pd(), inf = _mm256_set1_pd(__builtin_inf());
        __m256d peak = _mm256_set1_pd(r->peak), low = _mm256_set1_pd(r->low), e = zero;
        const int flat = units == 0;
        size_t begin = i;
        while (i + 4 <= to) {
            __m256d c = _mm256_loadu_pd(close + i);
            __m256d v = flat ? vcash : _mm256_add_pd(vcash, _mm256_mul_pd(vunits, _mm256_sub_pd(c, ventry)));
            __m256d ok = _mm256_and_pd(_mm256_and_pd(_mm256_cmp_pd(c, zero, _CMP_GT_OQ), _mm256_cmp_pd(c, inf, _CMP_LT_OQ)),
                                       _mm256_cmp_pd(v, zero, _CMP_GT_OQ));
            if (_mm256_movemask_pd(ok) != 15) break;
            e = v;
            sums = _mm256_add_pd(sums, e);
            if (_mm256_movemask_pd(_mm256_cmp_pd(e, peak, _CMP_LE_OQ)) == 15) {
                low = _mm256_min_pd(low, e);
            } else {
                double lows[4], values[4];
                _mm256_storeu_pd(lows, low);
                _mm256_storeu_pd(values, e);
                double l01 = lows[1] < lows[0] ? lows[1] : lows[0], l23 = lows[3] < lows[2] ? lows[3] : lows[2];
                r->low = l23 < l01 ? l23 : l01;
                SEE_FOUR(values[0], values[1], values[2], values[3]);
                peak = _mm256_set1_pd(r->peak);
                low = _mm256_set1_pd(r->low);
            }
            i += 4;
        }
        _mm256_storeu_pd(r->lanes, sums);
        double lows[4], values[4];
        _mm256_storeu_pd(lows, low);
        _mm256_storeu_pd(values, e);
        double l01 = lows[1] < lows[0] ? lows[1] : lows[0], l23 = lows[3] < lows[2] ? lows[3] : lows[2];
        r->low = l23 < l01 ? l23 : l01;
        if (i > begin) r->last = values[3];
    })
}
#endif

static size_t run_base(const double *close, size_t from, size_t to, double cash, double units, double entry,
                       gslab_equity_run *run) {
    RUN_BODY({
        double s0 = r->lanes[0], s1 = r->lanes[1], s2 = r->lanes[2], s3 = r->lanes[3];
        while (i + 4 <= to) {
            double v[4];
            int ok = 1;
            for (int k = 0; k < 4; k++) {
                double c = close[i + k];
                v[k] = units == 0 ? cash : cash + units * (c - entry);
                ok &= c > 0 && c < __builtin_inf() && v[k] > 0;
            }
            if (!ok) break;
            s0 += v[0];
            s1 += v[1];
            s2 += v[2];
            s3 += v[3];
            SEE_FOUR(v[0], v[1], v[2], v[3]);
            i += 4;
        }
        r->lanes[0] = s0;
        r->lanes[1] = s1;
        r->lanes[2] = s2;
        r->lanes[3] = s3;
    })
}

size_t gslab_equity_run_add(const double *close, size_t from, size_t to, double cash, double units, double entry,
                            gslab_equity_run *run) {
#if defined(__x86_64__) && defined(__clang__)
    if (gslab_vmath_uses_avx2()) return run_avx2(close, from, to, cash, units, entry, run);
#endif
    return run_base(close, from, to, cash, units, entry, run);
}
