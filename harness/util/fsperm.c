/* fsperm.c - ownership and permission checks for plugins and caches. */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fsperm.h"

/* Is gid the caller's private group: the caller's primary group, named
 * after the caller, with no member but the caller? */
static int fsperm_private_group(gid_t gid)
{
    if (gid != getegid())
        return 0;
    const struct passwd *pw = getpwuid(geteuid());
    if (pw == NULL || pw->pw_gid != gid)
        return 0;
    char user[256];
    snprintf(user, sizeof(user), "%s", pw->pw_name);
    const struct group *gr = getgrgid(gid);
    if (gr == NULL || strcmp(gr->gr_name, user) != 0)
        return 0;
    for (char **m = gr->gr_mem; *m != NULL; m++)
        if (strcmp(*m, user) != 0)
            return 0;
    return 1;
}

int fsperm_check(const struct stat *st, int owners, char *why,
                 size_t why_len)
{
    uid_t me = geteuid();
    if (st->st_uid != me &&
        !(owners == FSPERM_CALLER_ROOT && st->st_uid == 0)) {
        snprintf(why, why_len, "owned by uid %ld, not by you (uid %ld)%s",
                 (long)st->st_uid, (long)me,
                 owners == FSPERM_CALLER_ROOT ? " or root" : "");
        return -1;
    }
    if (st->st_mode & S_IWOTH) {
        snprintf(why, why_len, "writable by others (mode %04o)",
                 (unsigned)(st->st_mode & 07777));
        return -1;
    }
    if ((st->st_mode & S_IWGRP) && !fsperm_private_group(st->st_gid)) {
        snprintf(why, why_len, "writable by group %ld (mode %04o)",
                 (long)st->st_gid, (unsigned)(st->st_mode & 07777));
        return -1;
    }
    return 0;
}
