/*
 * A thread's activation stack: ACT_STACK_SIZE bytes of pages that belong
 * to the thread, carved into one activation per frame. The root frame is
 * the thread's own stack in its root process; each migration pushes a frame
 * whose activation (the callee's reservation, proc->act_size) lies just
 * below the caller's, and maps only that activation's pages into the
 * callee. Earlier activations are never mapped there, so the callee cannot
 * touch them. The frame records themselves live in the kernel's struct
 * thread, out of user reach.
 */
#ifndef IPC_ACTIVATION_H
#define IPC_ACTIVATION_H

#include <stdbool.h>
#include <stdint.h>
#include <migrant/syscall.h>

struct proc;
struct thread;
struct aspace;

#define ACT_PAGES ((int)(ACT_STACK_SIZE / 4096))

enum frame_state {
    FRAME_FREE,                  /* nothing: no process knows it */
    FRAME_ACTIVE,                /* the thread is in proc at this depth */
    FRAME_PARKED,                /* returned; still linked and mapped in proc for the next call */
    FRAME_GONE,                  /* proc took it back (teardown, exec): as good as free */
};

/*
 * state changes by the thread alone, except PARKED -> GONE by the process
 * and the CAS that decides between them.
 */
struct frame {
    int state;                   /* enum frame_state; atomic */
    struct proc *proc;           /* the process this activation runs in */
    long eid;                    /* effective caller it was entered with (0: the kernel) */
    uint64_t ret_pc, ret_sp;     /* where the frame below resumes when this one returns */
    uint64_t base, size;         /* the activation: [base - size, base) */
    void *run;                   /* its page-table entries in proc's space (pt_map_run) */
    struct thread *thread;
    struct frame *inside_next, *inside_prev;   /* in proc->inside; under proc->act_lock */
    uint8_t async;               /* forced by a notification: 1 + index of the saved context */
    uint8_t crit;                /* a critical handler: START_TIMER or START_IRQ, else 0 */
};

struct activation {
    int depth;                   /* index of the top frame; frame[0] is the root */
    uint32_t slot;               /* this thread's slot in the activation window */
    uint64_t root_va;            /* slot address of frame 0 (a forked child keeps its parent's) */
    uint64_t pages[ACT_PAGES];   /* physical pages, by offset in the slot's stack */
    struct frame frame[ACT_MAX_DEPTH + 1];   /* one spare for tail calls */
};

int activation_init(struct thread *t, struct proc *root, uint64_t root_va);
void activation_fini(struct thread *t);
int activation_map_root(struct thread *t, struct aspace *as);
void activation_copy(struct thread *dst, const struct thread *src);
int activation_push(struct thread *t, struct proc *callee, long eid, uint64_t ret_pc, uint64_t ret_sp);
int activation_replace(struct thread *t, struct proc *callee, long eid);
void activation_pop(struct thread *t);
long activation_count(struct proc *p);
void activation_kick(struct proc *p);
void activation_evict(struct proc *p, struct aspace *as);
uint64_t activation_slot_va(uint32_t slot);

static inline struct frame *activation_top(struct activation *a)
{
    return &a->frame[a->depth];
}

#endif
