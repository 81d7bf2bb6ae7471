// Natural log and exp over buffers for LabCore.VectorMath, the crossings of two averages for
// LabSignals, and a cache hint for LabExecution. The kernels are one algorithm, compiled twice (AVX2
// and baseline x86-64), chosen at run time. No fused multiply-add and no reassociation, so both
// builds give bit-identical results on every machine.
#ifndef GSLAB_VECTOR_MATH_H
#define GSLAB_VECTOR_MATH_H
#include <stddef.h>
#include <stdint.h>

/// x[i] = log(x[i]); lanes outside (1e-300, 1e300) are computed by libm.
void gslab_vlog(double *x, size_t n);
/// x[i] = exp(x[i]); lanes outside (-700, 700) are computed by libm.
void gslab_vexp(double *x, size_t n);

/// The crossings of two averages over a block of `count` bars: `fast` and `slow` hold count + 1
/// values, value 0 the bar before the block. Bar j (0-based) crosses up when fast[j] < slow[j] and
/// fast[j+1] > slow[j+1], down when slow[j] < fast[j] and slow[j+1] > fast[j+1] (NaN compares false):
/// writes each crossing bar in order to `at` and 1 (up) or 0 (down) to `up` (room for `count` each)
/// and returns how many. Comparisons only, so every build gives the same result.
size_t gslab_crossings(const double *fast, const double *slow, size_t count, int32_t *at, uint8_t *up);

/// The running figures of ``EquitySummary`` between two period ends: Σ equity in four lanes by bar
/// index mod 4, the peak, the lowest equity since it, the deepest settled drawdown, the last value.
typedef struct {
    double lanes[4];
    double peak, low, worst, last;
} gslab_equity_run;

/// Adds to `run` the equity after each bar i of from..<to of a position held unchanged —
/// `cash` when `units` is 0, else `cash + units · (close[i] − entry)` — as EquitySummary.add(_:at:)
/// does, while the bar is valid (close > 0 and finite, equity > 0); returns the first bar not added
/// (`to` when all were). The operations and their order are those of the Swift loop, in every build.
size_t gslab_equity_run_add(const double *close, size_t from, size_t to, double cash, double units, double entry,
                            gslab_equity_run *run);

/// Whether the kernels take their AVX2 build (the machine has it and no test forced the baseline).
int gslab_vmath_uses_avx2(void);

/// Tests only: 1 forces the baseline build of the kernels even where AVX2 is available.
void gslab_vmath_force_baseline(int baseline);

/// A cache hint for the execution loop (no effect on any result, only on when memory is read):
/// starts loading the cache line that holds `p` (for reading, kept in every cache level) so that a
/// later load of it does not wait for memory. `p` need not be valid: a prefetch never faults.
static inline void gslab_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

#endif
