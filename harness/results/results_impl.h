/* results_impl.h - what the reader's files share (not for callers). */
#ifndef POOLBENCH_RESULTS_IMPL_H
#define POOLBENCH_RESULTS_IMPL_H

/* Whether an allocation of the reader failed on this thread since the
 * last load began (results_out_of_memory reads it). */
extern _Thread_local int results_reader_oom;

#endif /* POOLBENCH_RESULTS_IMPL_H */
