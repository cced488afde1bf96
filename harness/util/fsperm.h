/* fsperm.h - may poolbench trust a file or folder it did not make:
 * a plugin it will run, a cache it will read results from? */
#ifndef POOLBENCH_FSPERM_H
#define POOLBENCH_FSPERM_H

#include <stddef.h>
#include <sys/stat.h>

/* Owners fsperm_check accepts. */
#define FSPERM_CALLER 0      /* only the caller (effective uid) */
#define FSPERM_CALLER_ROOT 1 /* the caller or root */

/* Is st (from stat, lstat or fstat) safe for the caller: owned by the
 * caller (or root, with FSPERM_CALLER_ROOT), not writable by others, and
 * writable by its group only when that group is the caller's private
 * group (Debian's user private groups: named after the user, no other
 * member; umask 002 gives such files g+w). Returns 0, or -1 with why in
 * why, e.g. "writable by others" or "owned by uid 65534, not by you". */
int fsperm_check(const struct stat *st, int owners, char *why,
                 size_t why_len);

#endif /* POOLBENCH_FSPERM_H */
