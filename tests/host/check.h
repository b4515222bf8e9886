/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Minimal assertion macros for the host unit tests. Every CHECK counts
 * itself; a failing one prints file:line and the expression (with values
 * for the _EQ forms) and exits 1. CHECK_DONE prints the summary line.
 */
#ifndef HOST_CHECK_H
#define HOST_CHECK_H

#include <stdio.h>
#include <stdlib.h>

static unsigned long check_count;

#define CHECK(cond)                                                            \
    do {                                                                       \
        check_count++;                                                         \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,  \
                    #cond);                                                    \
            exit(1);                                                           \
        }                                                                      \
    } while (0)

/* Signed comparison: use for error codes and counts. */
#define CHECK_EQ(a, b)                                                         \
    do {                                                                       \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);        \
        check_count++;                                                         \
        if (check_a_ != check_b_) {                                            \
            fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (%lld vs %lld)\n",\
                    __FILE__, __LINE__, #a, #b, check_a_, check_b_);           \
            exit(1);                                                           \
        }                                                                      \
    } while (0)

/* Unsigned comparison, printed in hex: use for addresses and sizes. */
#define CHECK_EQX(a, b)                                                        \
    do {                                                                       \
        unsigned long long check_a_ = (unsigned long long)(a),                 \
                           check_b_ = (unsigned long long)(b);                 \
        check_count++;                                                         \
        if (check_a_ != check_b_) {                                            \
            fprintf(stderr,                                                    \
                    "%s:%d: CHECK_EQX failed: %s == %s (%#llx vs %#llx)\n",    \
                    __FILE__, __LINE__, #a, #b, check_a_, check_b_);           \
            exit(1);                                                           \
        }                                                                      \
    } while (0)

#define CHECK_DONE(name)                                                       \
    do {                                                                       \
        printf("host %s: %lu checks passed\n", (name), check_count);           \
        return 0;                                                              \
    } while (0)

#endif
