#!/usr/bin/env python3
"""pypeer.py - poolbench's Python peer (standard library only, Python 3.9+).

poolbench's py-* executors start this script and run a workload's tasks
here with Python's own constructs, so that Python's pools are measured
like the native ones and must give the same checksum:

  py-serial      [f(i) for i in range(a, b)], one chunk at a time
  py-pool        multiprocessing.Pool: map (ordered), imap_unordered
  py-threadpool  multiprocessing.dummy.Pool: the same, on threads
  py-tpe         ThreadPoolExecutor: map (ordered), submit + as_completed
  py-ppe         ProcessPoolExecutor: the same, on processes

The chunk is the driver's (auto: ceil(n / (4 * workers)), as Pool.map):
map and imap_unordered take it as chunksize, submit sends one future per
chunk. Protocol (see harness/exec/python.c): stdin carries one JSON line
(the job), then "go", then "quit"; stdout carries binary frames: a type
byte, a 32-bit little-endian length, the payload. 'R' ready, 'V' values
of consecutive tasks, 'U' values with their indices, 'E' an error, 'D'
done. `pypeer.py --info` prints the interpreter's description as JSON.

POOLBENCH_PYPEER_FAULT=raise:I|kill:I|hang:I makes task I raise, kill
its process with SIGKILL, or hang: for poolbench's own tests.
"""
import array
import concurrent.futures as cf
import errno
import functools
import hashlib
import json
import multiprocessing
import multiprocessing.dummy
import os
import platform
import select
import signal
import stat
import struct
import sys
import threading
import time

M61 = (1 << 61) - 1
MASK = (1 << 64) - 1
MIX = 0x7fb5d329728ea185
READ_BUF = 128 * 1024
FLUSH_S = 0.005          # longest a result waits in the send buffer
FRAME_TASKS = 65536      # most tasks in one frame

_wlock = threading.Lock()
_frames_fd = 1           # where frames go; see _private_stdout

if hasattr(sys, "set_int_max_str_digits"):
    # repr() of a large int (a factorial) is a pyfunc value, not an
    # attack; at import, so that spawned pool workers have it too.
    sys.set_int_max_str_digits(0)

# What the task functions read, set by _setup in every process.
_task = None
_inner = None
_fault = None
_n = _skew = _us = _outside = _inside = 0
_paths = []
_order = None
_errs = {}
_algo = "md5"
_lock = None
_shared = None
_func = None
_func_name = ""
_func_key = None
_items = "index"
_lines = []


def _mul(x, y):
    return x * y


def t_noop(i):
    return i


def t_factorial(i):
    # The seed's reduce over range, repeated 1 + i % skew times.
    v = 1
    for _ in range(1 + i % _skew):
        v = functools.reduce(_mul, range(1, _n + 1), 1)
    return v % M61


def t_digest(i):
    k = _order[i] if _order is not None else i % len(_paths)
    e = _errs.get(k)
    if e:
        return (e,)
    try:
        fd = os.open(_paths[k], os.O_RDONLY | os.O_NOFOLLOW |
                     os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as x:
        return (x.errno or errno.EIO,)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return (errno.EISDIR if stat.S_ISDIR(st.st_mode)
                    else errno.EINVAL,)
        h = hashlib.new(_algo)
        with open(fd, "rb", buffering=0, closefd=False) as f:
            while True:
                b = f.read(READ_BUF)
                if not b:
                    break
                h.update(b)
    except OSError as x:
        return (x.errno or errno.EIO,)
    finally:
        os.close(fd)
    return int.from_bytes(h.digest()[:8], "big")


def t_contended(i):
    acc = i
    for k in range(_outside):
        acc = (acc + k) & MASK
        acc ^= acc >> 31
        acc = (acc * MIX) & MASK
        acc ^= acc >> 27
    with _lock:
        c = _shared[0]
        for k in range(_inside):
            acc = (acc + k) & MASK
            acc ^= acc >> 31
            acc = (acc * MIX) & MASK
            acc ^= acc >> 27
        _shared[0] = c + _inside + 1
        _shared[1] += 1
    return i


def t_latency(i):
    time.sleep(_us / 1e6)
    return i


def canon(v):
    """The text a pyfunc return value is digested as (documented in
    workloads/pyfunc.c): repr() of scalars, containers element by element,
    dicts and sets sorted so that no hash seed or insertion order shows."""
    t = type(v)
    if v is None or t in (bool, int, float, str, bytes):
        return repr(v)
    if t is tuple:
        return "(" + ", ".join(map(canon, v)) + ("," if len(v) == 1
                                                 else "") + ")"
    if t is list:
        return "[" + ", ".join(map(canon, v)) + "]"
    if t is dict:
        return "{" + ", ".join(sorted(canon(k) + ": " + canon(x)
                                      for k, x in v.items())) + "}"
    if t in (set, frozenset):
        return "{" + ", ".join(sorted(map(canon, v))) + "}"
    raise TypeError("%s returned a %s; return None, bool, int, float, "
                    "str, bytes, or tuples, lists, dicts or sets of them"
                    % (_func_name, t.__name__))


def _item(i):
    if _items == "lines":
        return _lines[i % len(_lines)]
    if _items == "files":
        k = i % len(_paths)
        return _paths[k]
    return i


def t_pyfunc(i):
    if _items == "files":
        e = _errs.get(i % len(_paths))
        if e:
            return (e,)
    x = _item(i)
    try:
        r = _func(x)
    except Exception as e:  # noqa: BLE001 - the user's, reported
        raise RuntimeError("%s(%r) raised %s" % (_func_name, x,
                                                 describe_text(e)))
    text = canon(r).encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big")


def load_func(name, path):
    """MODULE:FUNCTION from path (FILE.py, or DIR put first on sys.path)
    or from the interpreter's own path."""
    import importlib
    import importlib.util
    mod_name, _, attr = name.partition(":")
    if path and os.path.isfile(path):
        spec = importlib.util.spec_from_file_location(mod_name, path)
        if spec is None or spec.loader is None:
            raise ImportError("cannot load %s as a Python module" % path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[mod_name] = mod
        spec.loader.exec_module(mod)
    else:
        if path:
            sys.path.insert(0, path)
        mod = importlib.import_module(mod_name)
    f = mod
    for part in attr.split("."):
        f = getattr(f, part)
    if not callable(f):
        raise TypeError("%s is a %s, not a function"
                        % (name, type(f).__name__))
    return f


def t_fault(i):
    what, at = _fault
    if i == at:
        if what == "raise":
            raise ValueError("injected fault in task %d" % i)
        if what == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if what == "hang":
            time.sleep(3600)
    return _inner(i)


TASKS = {
    "noop": t_noop,
    "factorial": t_factorial,
    "hashing": t_digest,
    "shuffled": t_digest,
    "contended": t_contended,
    "latency": t_latency,
    "pyfunc": t_pyfunc,
}


def u_call(i):
    """imap_unordered: the value with its index."""
    return i, _task(i)


def r_call(a, b):
    """One chunk: its first index and its values."""
    t = _task
    return a, [t(i) for i in range(a, b)]


def _follow(peer_pid):
    """In a pool's worker process: end as soon as the peer (the
    interpreter poolbench started, which dies with poolbench) is gone, so
    that a kill -9 of poolbench leaves no worker behind. A pidfd wakes
    the watcher the moment the peer exits; without one, the parent pid is
    watched."""
    if peer_pid is None or os.getpid() == peer_pid:
        return
    try:
        fd = os.pidfd_open(peer_pid)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):
        fd = None

    def wait():
        if fd is not None:
            select.select([fd], [], [])
        else:
            while os.getppid() == peer_pid:
                time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=wait, name="pypeer-follow", daemon=True).start()


def _setup(job, lock, shared, peer_pid=None):
    global _task, _inner, _fault, _n, _skew, _us, _outside, _inside
    global _paths, _order, _errs, _algo, _lock, _shared
    _follow(peer_pid)
    wl, peer = job["workload"], job["peer"]
    if wl not in TASKS:
        raise ValueError("workload '%s' has no Python peer here" % wl)
    _n = peer.get("n", 0)
    _skew = peer.get("skew", 1)
    _us = peer.get("us", 0)
    _outside = peer.get("outside", 0)
    _inside = peer.get("inside", 0)
    if wl == "pyfunc":
        _setup_pyfunc(peer)
    elif "files" in peer:
        root = peer["root"]
        _paths = [os.path.join(root, p) for p in peer["files"]]
        _order = peer.get("order")
        _errs = {k: e for k, e in peer.get("errs", [])}
        _algo = {"blake2b512": "blake2b"}.get(peer["algo"], peer["algo"])
        hashlib.new(_algo)
    _lock, _shared = lock, shared
    _task = TASKS[wl]
    fault = os.environ.get("POOLBENCH_PYPEER_FAULT", "")
    if ":" in fault:
        what, at = fault.split(":", 1)
        _fault = (what, int(at))
        _inner, _task = _task, t_fault


def _setup_pyfunc(peer):
    global _func, _func_name, _func_key, _items, _lines, _paths, _errs
    _items = peer["items"]
    _lines = peer.get("lines", [])
    if _items == "files":
        root = peer["root"]
        _paths = [os.path.join(root, p) for p in peer["files"]]
        _errs = {k: e for k, e in peer.get("errs", [])}
    key = (peer["func"], peer.get("path"))
    if _func_key != key:
        # Loaded once per process: a forked worker has it already.
        _func_name = peer["func"]
        _func = load_func(peer["func"], peer.get("path"))
        _func_key = key


# ---- frames --------------------------------------------------------------

def _write(b):
    mv = memoryview(b)
    while mv:
        n = os.write(_frames_fd, mv)
        mv = mv[n:]


def frame(kind, payload=b""):
    with _wlock:
        _write(struct.pack("<cI", kind, len(payload)) + payload)


def _columns(vals):
    """Values and codes as little-endian bytes; a failed task's value is
    the tuple (errno,)."""
    n = len(vals)
    try:
        va = array.array("Q", vals)
        codes = bytes(4 * n)
    except (TypeError, OverflowError):
        va, ca = array.array("Q"), array.array("i")
        for v in vals:
            if type(v) is int:
                va.append(v)
                ca.append(0)
            else:
                va.append(0)
                ca.append(int(v[0]) or errno.EIO)
        if sys.byteorder != "little":
            ca.byteswap()
        codes = ca.tobytes()
    if sys.byteorder != "little":
        va.byteswap()
    return va.tobytes(), codes


def send_values(first, vals):
    for s in range(0, len(vals), FRAME_TASKS):
        part = vals[s:s + FRAME_TASKS]
        v, c = _columns(part)
        frame(b"V", struct.pack("<QI", first + s, len(part)) + v + c)


def send_pairs(pairs):
    idx = array.array("Q", [p[0] for p in pairs])
    if sys.byteorder != "little":
        idx.byteswap()
    v, c = _columns([p[1] for p in pairs])
    frame(b"U", struct.pack("<I", len(pairs)) + idx.tobytes() + v + c)


class Sender:
    """Buffers results and sends them when a chunk's worth is in, or when
    the oldest has waited FLUSH_S."""

    def __init__(self, chunk, ordered):
        self.limit = max(1, min(chunk, FRAME_TASKS))
        self.ordered = ordered
        self.buf = []
        self.first = 0
        self.t0 = 0.0

    def add(self, r):
        if not self.buf:
            self.t0 = time.monotonic()
        self.buf.append(r)
        if (len(self.buf) >= self.limit or
                time.monotonic() - self.t0 >= FLUSH_S):
            self.flush()

    def flush(self):
        if not self.buf:
            return
        if self.ordered:
            send_values(self.first, self.buf)
            self.first += len(self.buf)
        else:
            send_pairs(self.buf)
        self.buf = []


# ---- pools ---------------------------------------------------------------

def build(job):
    kind, w = job["kind"], job["workers"]
    procs = kind in ("pool", "ppe")
    if job["workload"] == "contended":
        if procs:
            lock = multiprocessing.Lock()
            shared = multiprocessing.Array("Q", 2, lock=False)
        else:
            lock, shared = threading.Lock(), [0, 0]
    else:
        lock = shared = None
    args = (job, lock, shared, os.getpid())
    _setup(*args)
    if kind == "serial":
        pool = None
    elif kind == "pool":
        pool = multiprocessing.Pool(w, initializer=_setup, initargs=args)
    elif kind == "threadpool":
        pool = multiprocessing.dummy.Pool(w)
    elif kind == "tpe":
        pool = cf.ThreadPoolExecutor(w)
    elif kind == "ppe":
        pool = cf.ProcessPoolExecutor(w, initializer=_setup, initargs=args)
    else:
        raise ValueError("unknown executor kind '%s'" % kind)
    return pool


def close(kind, pool):
    if pool is None:
        return
    if kind in ("pool", "threadpool"):
        pool.close()
        pool.join()
    else:
        pool.shutdown(wait=True)


def watch_pool(pool, done):
    """multiprocessing.Pool replaces a worker that died and waits forever
    for its tasks: say so and end instead."""
    try:
        first = {p.pid: p for p in pool._pool}
    except AttributeError:
        return
    while not done.wait(0.02):
        for pid, p in first.items():
            code = p.exitcode
            if code is not None:
                how = ("killed by signal %d" % -code if code < 0
                       else "exited with status %d" % code)
                frame(b"E", ("multiprocessing.Pool: worker pid %d %s; "
                             "Pool.map would wait forever for its tasks"
                             % (pid, how)).encode())
                os._exit(3)


def run(job, pool):
    kind, n, chunk = job["kind"], job["ntasks"], job["chunk"]
    ordered = job["mode"] == "ordered"
    task = _task
    if kind == "serial":
        for a in range(0, n, chunk):
            b = min(n, a + chunk)
            send_values(a, [task(i) for i in range(a, b)])
    elif kind in ("pool", "threadpool"):
        done = threading.Event()
        if kind == "pool":
            threading.Thread(target=watch_pool, args=(pool, done),
                             daemon=True).start()
        try:
            if ordered:
                send_values(0, pool.map(task, range(n), chunk))
            else:
                s = Sender(chunk, False)
                for r in pool.imap_unordered(u_call, range(n), chunk):
                    s.add(r)
                s.flush()
        finally:
            done.set()
    elif ordered:
        s = Sender(chunk, True)
        for v in pool.map(task, range(n), chunksize=chunk):
            s.add(v)
        s.flush()
    else:
        futs = [pool.submit(r_call, a, min(n, a + chunk))
                for a in range(0, n, chunk)]
        for f in cf.as_completed(futs):
            a, vals = f.result()
            send_values(a, vals)
    if job["workload"] == "contended":
        want = n * (_inside + 1)
        if _shared[0] != want or _shared[1] != n:
            raise RuntimeError("contended: shared counter is %d, expected "
                               "%d (%d of %d tasks counted): the lock did "
                               "not exclude" % (_shared[0], want,
                                                _shared[1], n))


def info():
    gil = None
    if hasattr(sys, "_is_gil_enabled"):
        gil = bool(sys._is_gil_enabled())
    elif sys.implementation.name == "cpython":
        gil = True
    return {
        "version": platform.python_version(),
        "implementation": sys.implementation.name,
        "gil": gil,
        "executable": sys.executable,
        "start_method": multiprocessing.get_start_method(),
    }


def describe_text(e):
    text = "%s: %s" % (type(e).__name__, e)
    return " ".join(text.split())[:400]


def describe(e):
    return describe_text(e).encode("utf-8", "replace")


def _private_stdio():
    """Commands and frames get descriptors of their own and fds 0 and 1
    become /dev/null, so that a user's function (pyfunc) that reads stdin
    or prints cannot take a command or break a frame. Returns the
    commands' file."""
    global _frames_fd
    _frames_fd = os.dup(1)
    commands = os.fdopen(os.dup(0), "rb")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    return commands


def main():
    if sys.argv[1:] == ["--info"]:
        print(json.dumps(info()))
        return 0
    commands = _private_stdio()
    line = commands.readline()
    if not line:
        return 0
    try:
        job = json.loads(line.decode("utf-8", "surrogateescape"))
        pool = build(job)
    except Exception as e:  # noqa: BLE001 - any failure is reported
        frame(b"E", describe(e))
        os._exit(1)
    frame(b"R")
    cmd = commands.readline().strip()
    if cmd == b"go":
        try:
            run(job, pool)
        except BaseException as e:  # noqa: BLE001
            frame(b"E", describe(e))
            os._exit(1)
        frame(b"D")
        cmd = commands.readline().strip()
    close(job["kind"], pool)
    return 0


if __name__ == "__main__":
    sys.exit(main())
