#!/usr/bin/env python3
"""py_pool.py - N empty tasks through multiprocessing.Pool.map(chunksize=1).

The peer of `poolbench run -e procs --transport pipe --chunk 1`: the
result of each task comes back to the parent over a pipe. The pool is
started (and warmed with one small map) before the clock starts; the wall
is one map over range(N). Prints "py-pool-map-1 ns_per_task=X
checksum=HEX" (median over REPS). Usage: py_pool.py [N [WORKERS [REPS]]]
"""
import multiprocessing
import statistics
import sys
import time


def noop(i):
    return i


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    walls = []
    checksum = 0
    with multiprocessing.Pool(workers) as pool:
        pool.map(noop, range(workers * 4), chunksize=1)
        for _ in range(reps):
            t0 = time.monotonic()
            out = pool.map(noop, range(n), chunksize=1)
            walls.append(time.monotonic() - t0)
            checksum = sum(out) % 2**64
    print("py-pool-map-1 ns_per_task=%.2f checksum=%016x" %
          (statistics.median(walls) / n * 1e9, checksum))


if __name__ == "__main__":
    main()
