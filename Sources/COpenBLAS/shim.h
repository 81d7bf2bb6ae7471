// CBLAS plus the Fortran-ABI LAPACK routines inside libopenblas (no LAPACKE on
// Debian's package): column-major, every argument by pointer, blasint = Int32.
#ifndef GSLAB_COPENBLAS_SHIM_H
#define GSLAB_COPENBLAS_SHIM_H
#include <cblas.h>
#include <f77blas.h>
#endif
