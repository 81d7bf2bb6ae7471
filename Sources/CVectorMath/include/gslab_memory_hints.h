// Cache hints for the bar loops (LabExecution): no effect on any result, only on when memory is read.
#ifndef GSLAB_MEMORY_HINTS_H
#define GSLAB_MEMORY_HINTS_H

/// Starts loading the cache line that holds `p` (for reading, kept in every cache level) so that a
/// later load of it does not wait for memory. `p` need not be valid: a prefetch never faults.
static inline void gslab_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

#endif
