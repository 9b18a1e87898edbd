/* workbook.c — one period's workbook: checked against Excel's limits, opened
 * under a temporary name, its sheets in order, closed, fsync'ed and renamed
 * into place (emit.h's emit_workbook). */
#include "emit_parts.h"

/* A table that would not fit its sheet makes the workbook impossible: say
 * which, before anything is written. */
static bool fits_excel(const period_report *r, char *err, size_t errlen)
{
    const struct {
        const char *sheet;
        size_t rows;
    } tables[] = {
        {"Indsatser", r->n_indsatser}, {"Indikatorer", r->n_indicators},
        {"Personale", r->n_staff},     {"Validering", r->n_fund + (r->fund_omitted > 0)},
        {"Kilder", r->n_sources + (r->sources_omitted > 0)},
    };
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        if (!emit_fits_sheet(tables[i].sheet, tables[i].rows, err, errlen))
            return false;
    return true;
}

bool emit_fits_sheet(const char *sheet_name, size_t rows, char *err, size_t errlen)
{
    if (rows <= SHEET_MAX_DATA_ROWS)
        return true;
    char max[32];
    value_format_thousands(SHEET_ROWS_MAX, max, sizeof max);
    snprintf(err, errlen, "arket %s ville få %zu rækker, men et regneark kan højst have %s", sheet_name, rows,
             max);
    return false;
}

/* Opens a workbook at a temporary name beside path, with its formats and
 * document properties. 0, or -1 with a message. */
int emit_open_workbook(emitter *e, const char *path, char tmp[4096], const char *title,
                         time_t created, char *err, size_t errlen)
{
    /* The temporary file sits beside the final one (same file system, so the
     * rename is atomic) under a name no reader looks for. */
    if (!durable_temp_name(path, tmp, 4096)) {
        snprintf(err, errlen, "%s: stien er for lang", path);
        return -1;
    }
    if (!(e->a = arena_new())) {
        snprintf(err, errlen, "ikke nok hukommelse");
        return -1;
    }
    if (!time_in_range((int64_t)created)) {
        snprintf(err, errlen, "%s: oprettelsestiden %lld ligger uden for årene 1900–2100", path,
                 (long long)created);
        arena_free(e->a);
        return -1;
    }
    lxw_workbook_options options = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
    library_messages_begin(e->library, sizeof e->library);   /* until close_workbook */
    emit_clock_pin(created);
    e->wb = workbook_new_opt(tmp, &options);
    if (!e->wb) {
        int saved = errno;
        library_messages_end();
        emit_clock_unpin();
        snprintf(err, errlen, "%s: regnearket kan ikke oprettes: %s%s%s%s", path,
                 saved ? errno_text(saved) : "ikke nok hukommelse",
                 e->library[0] ? " (libxlsxwriter: " : "", e->library, e->library[0] ? ")" : "");
        arena_free(e->a);
        return -1;
    }
    emit_make_formats(e);
    lxw_doc_properties properties = {
        .title = (char *)title,
        .subject = (char *)"Integrationspolitikkens konkrete initiativer: status, effekt, bevillinger "
                           "og personale",
        .author = (char *)"statusnotat",
        .company = (char *)"Københavns Kommune",
        .category = (char *)"Statusredegørelse",
        .keywords = (char *)"integrationspolitik, statusnotat, bevilling, effekt",
        .comments = (char *)emit_format_text(e, "Dannet af statusnotat %s", program_version()),
        .created = created,
    };
    emit_check(e, workbook_set_properties(e->wb, &properties), "properties");
    return 0;
}

/* What went wrong, in Danish: the system's reason where the library's error
 * is one of files (a full disk), else what kind of error it is. */
static const char *failure_text(lxw_error code, int saved_errno)
{
    switch (code) {
    case LXW_ERROR_MEMORY_MALLOC_FAILED: return "ikke nok hukommelse";
    case LXW_ERROR_CREATING_XLSX_FILE: case LXW_ERROR_CREATING_TMPFILE: case LXW_ERROR_READING_TMPFILE:
    case LXW_ERROR_ZIP_FILE_OPERATION: case LXW_ERROR_ZIP_FILE_ADD: case LXW_ERROR_ZIP_CLOSE:
        return saved_errno ? errno_text(saved_errno) : "filen kan ikke skrives";
    default: return "biblioteket afviste en værdi";
    }
}

/* The message of a workbook that failed: the Danish reason, then in
 * parentheses the library's words — its error code's text and what it said
 * (library_messages.h). */
static void failure_message(const emitter *e, const char *path, const char *doing, lxw_error code,
                            int saved_errno, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: regnearket kan ikke %s: %s (libxlsxwriter: %s%s%s)", path, doing,
             failure_text(code, saved_errno), lxw_strerror(code), e->library[0] ? "; " : "",
             e->library);
}

/* Closes the workbook and renames it into place. 0, or -1 with a message
 * (nothing left at path that was not there before). */
int emit_close_workbook(emitter *e, const char *path, const char *tmp, char *err, size_t errlen)
{
    int rc = 0;
    errno = 0;
    lxw_error closed = workbook_close(e->wb);
    int saved = errno;
    library_messages_end();
    emit_clock_unpin();
    if (e->error != LXW_NO_ERROR) {
        char doing[160];
        snprintf(doing, sizeof doing, "skrives (%s)", e->detail);
        failure_message(e, path, doing, e->error, 0, err, errlen);
        rc = -1;
    } else if (closed != LXW_NO_ERROR) {
        failure_message(e, path, "gemmes", closed, saved, err, errlen);
        rc = -1;
    } else if (durable_commit(tmp, path) != 0) {
        snprintf(err, errlen, "%s: regnearket kan ikke lægges på plads: %s", path,
                 errno_text(errno));
        rc = -1;
    }
    if (rc != 0)
        unlink(tmp);
    arena_free(e->a);
    return rc;
}

int emit_workbook(const period_report *r, const emit_options *o, char *err, size_t errlen)
{
    emitter e = {.r = r, .cfg = r->cfg, .error = LXW_NO_ERROR};
    char period[8], tmp[4096];
    period_format(&r->period, period);
    if (!fits_excel(r, err, errlen))
        return -1;
    char title[256];
    snprintf(title, sizeof title, "Statusredegørelse %s · %s", period, r->scope_label);
    if (emit_open_workbook(&e, o->path, tmp, title, o->created, err, errlen) != 0)
        return -1;

    /* Every table's place is planned before anything is written. */
    e.layout = emit_plan_layout(r);
    emit_sheet_overblik(&e);
    emit_sheet_indsatser(&e);
    emit_sheet_udvikling(&e);
    emit_sheet_effekt(&e);
    emit_sheet_bevilling(&e);
    emit_sheet_personale(&e);
    emit_sheet_indikatorer(&e);
    emit_sheet_validering(&e);
    emit_sheet_kilder(&e);
    return emit_close_workbook(&e, o->path, tmp, err, errlen);
}
