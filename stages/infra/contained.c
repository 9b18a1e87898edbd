/* contained.c — work in a child process; see contained.h. */
#include "contained.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "durable.h"

/* Whether an allocation can return NULL here (contained.h): decided once
 * per process, by whichever thread asks first. */
static bool limited;
static pthread_once_t limited_once = PTHREAD_ONCE_INIT;

static void decide_limited(void)
{
    const char *forced = getenv("STATUSNOTAT_CONTAIN");
    if (forced && (strcmp(forced, "always") == 0 || strcmp(forced, "never") == 0)) {
        limited = strcmp(forced, "always") == 0;
        return;
    }
    struct rlimit as, data;
    limited = (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY) ||
              (getrlimit(RLIMIT_DATA, &data) == 0 && data.rlim_cur != RLIM_INFINITY);
    FILE *f = limited ? NULL : fopen("/proc/sys/vm/overcommit_memory", "r");
    if (f) {
        limited = fgetc(f) == '2';
        fclose(f);
    }
}

static bool memory_is_limited(void)
{
    return pthread_once(&limited_once, decide_limited) == 0 && limited;
}

int contained_run(int (*fn)(void *ctx, char *err, size_t errlen), void *ctx, bool alone, char *err,
                  size_t errlen)
{
    if (!memory_is_limited())
        return fn(ctx, err, errlen);
#ifdef STATUSNOTAT_FORK_NEEDS_ONE_THREAD
    if (!alone)
        return fn(ctx, err, errlen);
#else
    (void)alone;
#endif
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "skriveprocessen kan ikke startes: %s", errno_text(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(pipefd[0]);
        close(pipefd[1]);
        snprintf(err, errlen, "skriveprocessen kan ikke startes: %s",
                 e == ENOMEM || e == EAGAIN ? "ikke nok hukommelse" : errno_text(e));
        return -1;
    }
    if (pid == 0) {              /* the child: the work, its message, and out */
        close(pipefd[0]);
        char why[2048] = "";
        int rc = fn(ctx, why, sizeof why);
        size_t len = strlen(why), off = 0;
        while (rc != 0 && off < len) {
            ssize_t n = write(pipefd[1], why + off, len - off);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            off += (size_t)n;
        }
        _exit(rc == 0 ? 0 : 1);
    }
    close(pipefd[1]);
    size_t got = 0;
    char msg[2048];
    for (;;) {
        ssize_t n = read(pipefd[0], msg + got, sizeof msg - 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || (got += (size_t)n) == sizeof msg - 1)
            break;
    }
    msg[got] = '\0';
    close(pipefd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            snprintf(err, errlen, "skriveprocessen kan ikke følges: %s", errno_text(errno));
            return -1;
        }
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status)) {
        snprintf(err, errlen, "%s", got ? msg : "skriveprocessen fejlede uden at sige hvorfor");
        return -1;
    }
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    snprintf(err, errlen, "skriveprocessen stoppede af signal %d (%s)%s", sig, strsignal(sig),
             sig == SIGSEGV || sig == SIGBUS || sig == SIGABRT
                 ? "; hukommelsen var nok brugt op (libxlsxwriter tjekker ikke alle sine allokeringer)"
                 : sig == SIGKILL ? "; den blev dræbt, nok fordi hukommelsen var brugt op" : "");
    return -1;
}
