/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A read-only flattened device tree walker. Pure: it never allocates and
 * checks every offset against the blob's size, so a corrupt tree gives an
 * error, not a wild read. The host unit tests run it on dtc-built blobs.
 */
#ifndef LIB_FDT_H
#define LIB_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fdt {
    const uint8_t *blob;
    uint32_t size;
    const uint8_t *structs;
    uint32_t structs_size;
    const char *strings;
    uint32_t strings_size;
    uint32_t rsvmap_off;
};

/* A node, as the walker hands it out: its offset and the #cells that apply to its reg. */
struct fdt_node {
    int off;                     /* offset of its BEGIN_NODE token in structs */
    int depth;                   /* root is 0 */
    uint32_t addr_cells;         /* parent's #address-cells */
    uint32_t size_cells;         /* parent's #size-cells */
};

typedef bool (*fdt_visit_fn)(const struct fdt *f, const struct fdt_node *n, void *ctx);

int fdt_open(struct fdt *f, const void *blob, size_t max_size);
uint32_t fdt_blob_size(const void *blob);
/* Calls fn for every node in document order until it returns false. */
int fdt_walk(const struct fdt *f, fdt_visit_fn fn, void *ctx);
const char *fdt_node_name(const struct fdt *f, const struct fdt_node *n);
const void *fdt_prop(const struct fdt *f, const struct fdt_node *n, const char *name, uint32_t *len);
bool fdt_prop_u32(const struct fdt *f, const struct fdt_node *n, const char *name, uint32_t *out);
bool fdt_prop_cells(const struct fdt *f, const struct fdt_node *n, const char *name, uint32_t idx,
                    uint32_t cells, uint64_t *out);
bool fdt_compatible(const struct fdt *f, const struct fdt_node *n, const char *compat);
bool fdt_reg(const struct fdt *f, const struct fdt_node *n, uint32_t idx, uint64_t *base, uint64_t *size);
bool fdt_find_phandle(const struct fdt *f, uint32_t phandle, struct fdt_node *out);
bool fdt_find_path(const struct fdt *f, const char *path, struct fdt_node *out);
bool fdt_memreserve(const struct fdt *f, uint32_t idx, uint64_t *base, uint64_t *size);
uint64_t fdt_read_cells(const void *p, uint32_t cells);

#endif
