/* errno_text.c — errno values in Danish words; see errno_text.h. */
#include "errno_text.h"

#include <errno.h>
#include <string.h>

const char *errno_text(int e)
{
    switch (e) {
    case ENOENT: return "findes ikke";
    case EACCES: case EPERM: return "ingen adgang";
    case ENOSPC: return "disken er fuld";
    case EDQUOT: return "diskkvoten er brugt op";
    case EROFS: return "filsystemet er skrivebeskyttet";
    case EIO: return "læse- eller skrivefejl på disken";
    case ENOTDIR: return "en del af stien er ikke en mappe";
    case EISDIR: return "der står en mappe";
    case EEXIST: return "findes allerede";
    case ENOTEMPTY: return "mappen er ikke tom";
    case ENAMETOOLONG: return "navnet er for langt";
    case EMFILE: case ENFILE: return "for mange åbne filer";
    case ENOMEM: return "ikke nok hukommelse";
    case ELOOP: return "et symbolsk link";
    case EFTYPE_NOT_REGULAR: return "ikke en almindelig fil";
    case EXDEV: return "på et andet filsystem";
    case EBUSY: return "optaget";
    default: return "systemfejl";
    }
}
