/*
 * prev.c: an earlier output read back with --previous.  A weekly job's
 * first run has no earlier output: a file that does not exist, or is
 * empty, is a warning and every account is new, not an error (SPEC 8.4).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "csm.h"

int
csm_prev_there(const char *path)
{
	struct stat sb;
	FILE *fp;
	int ch;

	if (strcmp(path, "-") == 0)
		return 1;
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT)
			return 1;
		csm_warn("--previous '%s' does not exist: every account is new",
		    path);
		return 0;
	}
	if (S_ISFIFO(sb.st_mode) || S_ISDIR(sb.st_mode) ||
	    (fp = fopen(path, "rb")) == NULL)
		return 1;
	ch = getc(fp);
	fclose(fp);
	if (ch != EOF)
		return 1;
	csm_warn("--previous '%s' is empty: every account is new", path);
	return 0;
}
