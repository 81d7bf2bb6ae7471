// Natural log and exp over buffers for LabCore.VectorMath, and a cache hint for LabExecution. The
// kernels are one algorithm, compiled twice (AVX2 and baseline x86-64), chosen at run time. No fused
// multiply-add and no reassociation, so both builds give bit-identical results on every machine.
#ifndef GSLAB_VECTOR_MATH_H
#define GSLAB_VECTOR_MATH_H
#include <stddef.h>

/// x[i] = log(x[i]); lanes outside (1e-300, 1e300) are computed by libm.
void gslab_vlog(double *x, size_t n);
/// x[i] = exp(x[i]); lanes outside (-700, 700) are computed by libm.
void gslab_vexp(double *x, size_t n);

/// Tests only: 1 forces the baseline build of the kernels even where AVX2 is available.
void gslab_vmath_force_baseline(int baseline);

/// A cache hint for the execution loop (no effect on any result, only on when memory is read):
/// starts loading the cache line that holds `p` (for reading, kept in every cache level) so that a
/// later load of it does not wait for memory. `p` need not be valid: a prefetch never faults.
static inline void gslab_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

#endif
