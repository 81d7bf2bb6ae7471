// HDF5 macros that expand to `H5open()` plus a global do not import into Swift
// (and the `_g` globals are rejected by Swift 6 as shared mutable state).
// One `static inline` function per macro we use; see ../shared/NATIVE.md.
#ifndef GSLAB_CHDF5_SHIM_H
#define GSLAB_CHDF5_SHIM_H
#include <hdf5.h>

static inline unsigned gslab_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned gslab_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned gslab_H5F_ACC_EXCL(void) { return H5F_ACC_EXCL; }
static inline hid_t gslab_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t gslab_H5P_LINK_CREATE(void) { return H5P_LINK_CREATE; }
static inline hid_t gslab_H5P_GROUP_CREATE(void) { return H5P_GROUP_CREATE; }
static inline hid_t gslab_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t gslab_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t gslab_H5T_NATIVE_UINT8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t gslab_H5T_NATIVE_INT32(void) { return H5T_NATIVE_INT32; }
static inline hid_t gslab_H5T_C_S1(void) { return H5T_C_S1; }
static inline hid_t gslab_H5T_STD_I64LE(void) { return H5T_STD_I64LE; }
static inline hid_t gslab_H5T_IEEE_F64LE(void) { return H5T_IEEE_F64LE; }
static inline hid_t gslab_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }

#endif
