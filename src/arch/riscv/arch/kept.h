/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The callee-saved user registers the kernel keeps for a caller while its
 * call is away (docs/ipc.md, "The register contract"), as a type of its
 * own: core/frame.h holds one per depth without seeing the trap frame.
 */
#ifndef ARCH_KEPT_H
#define ARCH_KEPT_H

#include <stdint.h>

/*
 * The registers a call keeps for its caller (docs/ipc.md, "The register
 * contract"): ra, gp, tp and s0-s11, taken at the call and given back
 * when it returns, however it returns, so user code saves nothing around
 * a call. 16 words, the size of a struct frame, so that trap.S reaches
 * kept[depth] with the shift it uses for frame[depth].
 */
struct kept_regs {
    uint64_t ra, gp, tp, s[12], pad;
};

_Static_assert(sizeof(struct kept_regs) == 128, "trap.S indexes kept[] with the frame shift");

#endif
