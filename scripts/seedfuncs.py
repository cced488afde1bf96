"""seedfuncs.py - the seed's own task functions, as it wrote them, for
poolbench's pyfunc workload (`poolbench run --suite seed` runs them under
the five Python executors beside the native rows):

    poolbench run -w pyfunc -p func=seedfuncs:factorial \\
        -p path=scripts/seedfuncs.py -e py-serial,py-pool -n 2000

Each takes one item (here the path of a corpus file) and returns what the
seed computed, so that the checksum proves every executor computed it.
"""
import hashlib
from functools import reduce


def factorial(item):
    """The seed's CPU burn: reduce(lambda x, y: x * y, range(1, 300)),
    whatever the item (its create_hash ignored the file for this part)."""
    return reduce(lambda x, y: x * y, range(1, 300))


def md5_file(path):
    """The seed's md5 of a file of the tree (its title: the md5 of every
    file under a folder), read whole as its Python 2 code did."""
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()
