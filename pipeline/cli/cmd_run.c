/* cmd_run.c — `statusnotat run --inbox DIR --out DIR`: every delivery in the
 * inbox through the stages, then the workbooks of every period present. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "commands.h"
#include "config_load.h"
#include "night.h"
#include "options.h"
#include "plain_run.h"
#include "report.h"


static const char run_synopsis[] =
    "usage: statusnotat run --inbox DIR --archive DIR --out DIR [--config FILE] [--jobs N]\n"
    "       statusnotat run --inbox DIR --out DIR [--config FILE] [--jobs N]\n";
static const char run_description[] =
    "Takes every .xml and .xml.gz in the inbox (in the byte order of their names),\n"
    "checks it, and writes for each period present:\n"
    "  statusredegoerelse-<periode>.xlsx   every department\n"
    "  <KODE>-<periode>.xlsx               one per department (ØKF as OEKF)\n"
    "and across all periods (rewritten whenever a period is, or a file whose\n"
    "period cannot be read is rejected) — a row per period (Oversigt), a row per\n"
    "initiative of every period (Data) and every rejected delivery (Afviste):\n"
    "  statusredegoerelse-oversigt.xlsx    every department\n"
    "  <KODE>-oversigt.xlsx                one per department that sent anything\n"
    "Byte-identical files count once; a later document for a department and period\n"
    "supersedes the earlier one. Rejected documents are listed in the workbooks'\n"
    "Kilder and Validering sheets, and their errors are printed on stderr.\n"
    "\n"
    "With --archive (the night run): one run at a time per archive; every input is\n"
    "hashed and archived gzip-compressed under the run with a manifest and the\n"
    "configuration; rejected files go to ARCHIVE/quarantine/<run> with a reasons\n"
    "file; a file leaves the inbox only once its archive copy is on disk. The state\n"
    "is every document the archive accepted, so supersession spans nights and a\n"
    "resend is a duplicate; only the periods the new files touch are rebuilt. A run\n"
    "a crash interrupted is finished by the next one. Each run writes\n"
    "runs/<id>/report.json and runs/<id>/log.jsonl (one JSON object a line).\n"
    "Every night, an empty one too, keeps the out folder in step with the archive:\n"
    "a workbook that is missing, could not be written or was edited there is written\n"
    "again as the run whose inputs it shows wrote it (same bytes); one whose key\n"
    "changed (another configuration or program version) is rebuilt with its period.\n"
    "Such a night with nothing delivered makes a run of no inputs that records what\n"
    "it wrote and why.\n"
    "Without --archive the inbox is only read.\n";
static const char run_after[] =
    "Each delivery is opened once (a symbolic link is never followed, a FIFO never\n"
    "waited on) and copied into the run before it is read; a file over the size\n"
    "limit is not read at all. Such files, and files that cannot be read, are\n"
    "reported and left in the inbox every night until someone removes them; past\n"
    "limits.max_night_bytes the rest of the inbox waits for the next night. A\n"
    "period whose workbook cannot be written is reported and the others go on.\n"
    "File names are shown with bytes that are not printable UTF-8 as \\xHH.\n"
    "\n"
    "The workbooks' creation time is the run's start, or $SOURCE_DATE_EPOCH when set,\n"
    "so the same inputs give the same bytes.\n"
    "\n"
    "With --archive every night, an empty one too, leaves ARKIV/status.json (and\n"
    "operations.prometheus_textfile when set): docs/operations.md.\n"
    "\n"
    "exit: 0 all accepted, 1 some rejected (the departments' matter),\n"
    "      2 usage or configuration error, 3 another run holds the archive's lock,\n"
    "      4 I/O or internal failure, or a workbook could not be written (the run is\n"
    "        still recorded; the others are written, and every night exits 4 and tries\n"
    "        again until the out folder is whole),\n"
    "      6 files left in the inbox an operator must see to (unreadable, too large,\n"
    "        or waiting past the night's limit since the night before)\n";

/* ---- What the night reports, printed ---- */

typedef struct {
    bool progress;               /* stderr is a terminal: a progress line */
    FILE *periods;               /* the periods' lines, printed under the run's summary */
} night_printer;

static void clear_progress(const night_printer *p)
{
    if (p->progress)
        fputs("\r\033[K", stderr);
}

static void print_progress(void *ctx, size_t i, size_t n, const char *name)
{
    const night_printer *p = ctx;
    if (p->progress)
        fprintf(stderr, "\r\033[K[%zu/%zu] %s", i, n, name);
}

static void print_admitted(void *ctx, const source_row *row)
{
    if (row->status != SOURCE_REJECTED)
        return;
    clear_progress(ctx);
    for (size_t k = 0; k < row->n_findings; k++)
        if (row->findings[k].severity == SEVERITY_ERROR)
            report_finding_text_as(stderr, &row->findings[k], row->id.name);
}

static void print_left(void *ctx, const finding *why)
{
    clear_progress(ctx);
    report_finding_text(stderr, why);
}

static void print_period(void *ctx, sn_period period, const char *out_dir, const char *error)
{
    const night_printer *printer = ctx;
    char p[8];
    clear_progress(printer);
    period_format(&period, p);
    if (error)
        fprintf(stderr, "statusnotat run: regneark for %s kunne ikke skrives: %s\n", p, error);
    else
        fprintf(printer->periods ? printer->periods : stdout, "  regneark for %s i %s\n", p, out_dir);
}

static void print_rewritten(void *ctx, const char *file, const char *why, const char *error)
{
    const night_printer *printer = ctx;
    clear_progress(printer);
    if (error)
        fprintf(stderr, "statusnotat run: %s kunne ikke skrives igen (årsag: %s): %s\n", file, why, error);
    else
        fprintf(printer->periods ? printer->periods : stdout, "  skrevet igen: %s (%s)\n", file, why);
}

static void print_stale(void *ctx, const char *cause, size_t n_periods)
{
    const night_printer *printer = ctx;
    clear_progress(printer);
    fprintf(printer->periods ? printer->periods : stdout,
            "  %s: regnearkene for %zu %s og oversigterne laves igen\n", cause, n_periods,
            n_periods == 1 ? "periode" : "perioder");
}

static void print_overview(void *ctx, const char *out_dir, const char *error)
{
    const night_printer *printer = ctx;
    clear_progress(printer);
    if (error)
        fprintf(stderr, "statusnotat run: oversigten over alle perioder kunne ikke skrives: %s\n", error);
    else
        fprintf(printer->periods ? printer->periods : stdout, "  oversigt over alle perioder i %s\n",
                out_dir);
}

static int run_night(const night_options *no)
{
    char *period_lines = NULL;
    size_t period_len = 0;
    night_printer printer = {.progress = isatty(STDERR_FILENO) == 1,
                             .periods = open_memstream(&period_lines, &period_len)};
    night_events ev = {.ctx = &printer, .progress = print_progress, .admitted = print_admitted,
                       .left = print_left, .period = print_period, .overview = print_overview,
                       .rewritten = print_rewritten, .stale = print_stale};
    night_result r;
    night_run(no, &ev, &r);
    clear_progress(&printer);
    if (printer.periods)
        fclose(printer.periods);
    if (r.recovered[0])
        printf("kørsel %s var afbrudt og er gjort færdig\n", r.recovered);
    if (r.run_id[0]) {
        if (r.n_files)
            printf("kørsel %s: %zu filer: %zu godkendt, %zu afvist, %zu erstattet, %zu dubletter\n",
                   r.run_id, r.n_files, r.counts[SOURCE_ACCEPTED], r.counts[SOURCE_REJECTED],
                   r.counts[SOURCE_SUPERSEDED], r.counts[SOURCE_DUPLICATE]);
        else
            printf("kørsel %s: ingen nye leverancer i %s; regnearkene i %s bringes i trit med arkivet\n",
                   r.run_id, no->inbox, no->out);
        if (r.n_periods == 0 && r.n_rewritten == 0 && r.n_files)
            printf("  ingen perioder berørt; regnearkene er uændrede\n");
        if (r.n_quarantined)
            printf("  afviste filer er i %s/quarantine/%s med en begrundelse ved hver\n", no->archive,
                   r.run_id);
    } else if (r.outcome <= OUTCOME_SOME_REJECTED || r.outcome == OUTCOME_OPERATOR) {
        printf("Ingen nye leverancer i %s; arkivet og regnearkene er uændrede%s.\n", no->inbox,
               r.recovered[0] ? " (ud over den afbrudte kørsel)" : "");
    }
    if (period_lines)   /* the workbooks written (a recovered run's too) */
        fputs(period_lines, stdout);
    if (r.n_left)
        printf("  %zu filer er efterladt i indbakken, fordi de ikke kan læses eller er for store "
               "(se fejlene ovenfor); de meldes hver nat, til nogen fjerner dem\n", r.n_left);
    if (r.n_deferred)
        printf("  %zu filer venter til næste nat: nattens grænse for arkivering er nået\n",
               r.n_deferred);
    if (r.outcome >= OUTCOME_USAGE)
        fprintf(stderr, "statusnotat run: %s\n", r.err);
    if (r.inbox_error[0])
        fprintf(stderr, "statusnotat run: advarsel: %s; filer, der er taget ud af den, kan komme tilbage "
                "efter et strømsvigt og tages så som dubletter\n", r.inbox_error);
    if (r.cache_error[0])
        fprintf(stderr, "statusnotat run: advarsel: %s; næste nat regner oversigtens tal ud igen\n",
                r.cache_error);
    if (r.state_error[0])
        fprintf(stderr, "statusnotat run: advarsel: %s; næste nat læser alle manifester i stedet\n",
                r.state_error);
    if (r.status_error[0])
        fprintf(stderr, "statusnotat run: status.json kunne ikke skrives: %s\n", r.status_error);
    free(period_lines);
    if (fflush(stdout) != 0 && r.outcome < OUTCOME_USAGE)
        return EXIT_FAILURE_IO;
    return exit_status(r.outcome);
}

/* ---- The run without an archive, printed ---- */

static void print_rejected(void *ctx, const source_row *row)
{
    (void)ctx;
    for (size_t k = 0; k < row->n_findings; k++)
        if (row->findings[k].severity == SEVERITY_ERROR)
            report_finding_text_as(stderr, &row->findings[k], row->id.name);
}

static void print_written(void *ctx, const char *path)
{
    (void)ctx;
    printf("skrevet: %s\n", path);
}

static void print_failed_period(void *ctx, sn_period period, const char *out_dir, const char *error)
{
    night_printer quiet = {.progress = false};
    (void)ctx;
    print_period(&quiet, period, out_dir, error);
}

static void print_overview_failed(void *ctx, const char *error)
{
    (void)ctx;
    fprintf(stderr, "statusnotat run: oversigten over perioderne kan ikke skrives: %s\n", error);
}

static int run_plain(const plain_run_options *po)
{
    plain_run_events ev = {.rejected = print_rejected, .written = print_written,
                           .period_failed = print_failed_period, .overview_failed = print_overview_failed};
    plain_run_result r;
    plain_run(po, &ev, &r);
    if (r.err[0])
        fprintf(stderr, "statusnotat run: %s\n", r.err);
    else
        printf("%zu filer: %zu godkendt, %zu afvist, %zu erstattet, %zu dubletter; %zu regneark i %s\n",
               r.n_files, r.counts[SOURCE_ACCEPTED], r.counts[SOURCE_REJECTED], r.counts[SOURCE_SUPERSEDED],
               r.counts[SOURCE_DUPLICATE], r.written, po->out);
    if (fflush(stdout) != 0)
        return EXIT_FAILURE_IO;
    return exit_status(r.outcome);
}

/* The run's recorded time: now, or $SOURCE_DATE_EPOCH for reproducible runs;
 * either within the years FORMAT.md allows (1900–2100), or the run is
 * refused with the reason in why. */
static int run_time(time_t *out, char *why, size_t size)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (epoch && *epoch) {
        char *end;
        errno = 0;
        long long v = strtoll(epoch, &end, 10);
        if (errno == ERANGE || *end || end == epoch) {
            snprintf(why, size, "SOURCE_DATE_EPOCH=%.40s er ikke et antal sekunder siden 1970", epoch);
            return -1;
        }
        if (!time_in_range(v)) {
            snprintf(why, size, "SOURCE_DATE_EPOCH=%.40s ligger uden for årene 1900–2100, som kørslens tid "
                     "skal ligge i (FORMAT.md)%s", epoch,
                     v > 100000000000LL ? "; er det milli-, mikro- eller nanosekunder?" : "");
            return -1;
        }
        *out = (time_t)v;
        return 0;
    }
    time_t now = time(NULL);
    if (now == (time_t)-1 || !time_in_range((int64_t)now)) {
        snprintf(why, size, "maskinens ur viser %lld, som ligger uden for årene 1900–2100; ret uret "
                 "(eller sæt SOURCE_DATE_EPOCH)", (long long)now);
        return -1;
    }
    *out = now;
    return 0;
}

int cmd_run(int argc, char **argv)
{
    const char *inbox_dir = NULL, *out_dir = NULL, *config_path = NULL, *archive_dir = NULL;
    unsigned jobs = build_default_jobs();
    const cli_option options[] = {
        OPT_REQUIRED(0, "inbox", "DIR", &inbox_dir, "the deliveries"),
        OPT_STRING(0, "archive", "DIR", &archive_dir, "the archive (created if missing)"),
        OPT_REQUIRED(0, "out", "DIR", &out_dir, "where the workbooks go (created if missing)"),
        OPT_STRING('c', "config", "FILE", &config_path, "the configuration"),
        OPT_NUMBER(0, "jobs", "N", &jobs, 1, CLI_MAX_JOBS,
                   "read the files and write the workbooks in N threads\n"
                   "(default: the number of cores); the bytes are the same\n"
                   "for every N"),
        OPT_END,
    };
    const cli_command cmd = {"run", run_synopsis, run_description, run_after, options, false};
    int first, parsed = options_parse_command(&cmd, argc, argv, &first);
    if (parsed >= 0)
        return parsed;
    if (!cli_dir_ok("run", "--inbox", inbox_dir) || !cli_dir_ok("run", "--out", out_dir) ||
        !cli_dir_ok("run", "--archive", archive_dir))
        return EXIT_USAGE;
    /* The archive owns its folder: no inbox or out folder inside it, it in
     * neither; and no folder given twice. */
    if (!cli_folders_apart("run", "--inbox", inbox_dir, "--archive", archive_dir, false) ||
        !cli_folders_apart("run", "--out", out_dir, "--archive", archive_dir, false) ||
        !cli_folders_apart("run", "--inbox", inbox_dir, "--out", out_dir, true))
        return EXIT_USAGE;
    time_t created;
    char why_time[256];
    if (run_time(&created, why_time, sizeof why_time) != 0) {
        fprintf(stderr, "statusnotat run: %s; intet er skrevet\n", why_time);
        return EXIT_USAGE;
    }
    char default_config[4096];
    if (!config_path)
        config_path = config_default_path(default_config, sizeof default_config);
    config *cfg = cli_load_config(config_path);
    if (!cfg)
        return EXIT_USAGE;
    if (archive_dir) {
        night_options no = {.inbox = inbox_dir, .archive = archive_dir, .out = out_dir,
                            .config_path = config_path, .cfg = cfg, .recorded = created,
                            .jobs = jobs};
        int night_rc = run_night(&no);
        config_free(cfg);
        return night_rc;
    }

    plain_run_options po = {.inbox = inbox_dir, .out = out_dir, .cfg = cfg, .created = created,
                            .jobs = jobs};
    int rc = run_plain(&po);
    config_free(cfg);
    return rc;
}
