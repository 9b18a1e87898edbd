/* processed.c — releasing a processed file; see processed.h. */
#include "processed.h"

#include <string.h>

void processed_file_release(processed_file *p)
{
    arena_free(p->arena);
    memset(p, 0, sizeof *p);
}
