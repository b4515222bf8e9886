/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The /svc_relay protocol: d0 holds the hops still to make, four bits
 * each, lowest first; d1 the value; d2 and d3 the next two relays. Each
 * relay adds one to the value and passes it on with the next hop's call,
 * and the last one (RELAY_END) responds with it.
 */
#ifndef BENCH_RELAY_H
#define BENCH_RELAY_H

#define RELAY_END  0
#define RELAY_REQ  1
#define RELAY_FWD  2
#define RELAY_TAIL 3
#define RELAY_KICK 4
#define RELAY_HOPS(a, b) ((long)(a) | (long)(b) << 4)

#endif
