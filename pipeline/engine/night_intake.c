/* night_intake.c — the new run: deliveries taken from the inbox into staged
 * copies, admitted in order, the manifest made and committed. */
#include "night_parts.h"
#include "strbuf.h"

/* ---- The new run -------------------------------------------------------------- */

void night_on_removed(void *ctx, const char *path)
{
    night_log_event(ctx, "warning", "removed_staging", json_pack("{s:s}", "path", path));
}

/* Temporary workbooks a crash left in the output folder. */
void night_remove_temporary_workbooks(night *n)
{
    DIR *d = opendir(n->out);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.' && text_ends_with(e->d_name, ".xlsx.tmp")) {
            char stale[4400];
            snprintf(stale, sizeof stale, "%s/%s", n->out, e->d_name);
            if (unlink(stale) == 0)
                night_log_event(n, "warning", "removed_temporary", json_pack("{s:s}", "path", stale));
        }
    }
    if (d)
        closedir(d);
}

/* A file the night does not read: reported, logged, left in the inbox. */
static int leave(night *n, json_t *left, const char *name, finding_code code, const char *message)
{
    arena *a = arena_new();
    findings f;
    if (!a)
        return -1;
    findings_init(&f, a, name);
    int rc = findings_add(&f, code, 0, NULL, "%s", message) ? 0 : -1;
    if (rc == 0) {
        n->res->n_left++;
        if (n->ev->left)
            n->ev->left(n->ev->ctx, &f.items[0]);
        night_log_event(n, "warning", "left_in_inbox", json_pack("{s:s, s:s, s:s}", "file", name, "code",
                                                           finding_code_name(code), "message",
                                                           f.items[0].message));
        if (json_array_append_new(left, json_pack("{s:s, s:s, s:s}", "file", name, "code",
                                                  finding_code_name(code), "message",
                                                  f.items[0].message)) != 0)
            rc = -1;
    }
    arena_free(a);
    return rc;
}

/* Step 2: every delivery opened once and copied into staging. Returns the
 * number staged, or (size_t)-1 on a failure of the run itself. */
size_t night_take_inbox(night *n, archive_run *staging, const name_list *files, intake *taken,
                         arena *a, json_t *left, json_t *deferred)
{
    size_t k = 0;
    uint64_t night_bytes = 0;
    bool deferring = false;
    for (size_t i = 0; i < files->n; i++) {
        const char *name = text_name_escape(a, files->names[i]);
        char path[4400];
        if (!name)
            return (size_t)-1;
        if (deferring) {
            /* Waiting since before the night before: a backlog an operator
             * must see to (more space per night, or fewer files). */
            struct stat lst;
            char waiting[4400];
            snprintf(waiting, sizeof waiting, "%s/%s", n->inbox, files->names[i]);
            if (lstat(waiting, &lst) == 0 && lst.st_mtime < n->recorded - 86400)
                n->res->n_waiting_long++;
            n->res->n_deferred++;
            if (json_array_append_new(deferred, json_string(name)) != 0)
                return (size_t)-1;
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", n->inbox, files->names[i]);
        crash_point("listed");
        struct stat st;
        int fd = durable_open_delivery(path, &st);
        if (fd < 0 && errno == ENOENT) {
            /* Taken back by its sender after the folder was listed: not a delivery. */
            night_log_event(n, "info", "vanished", json_pack("{s:s}", "file", name));
            continue;
        }
        if (fd < 0) {
            char message[160];
            snprintf(message, sizeof message, "filen kan ikke åbnes: %s", durable_open_failure(errno));
            if (leave(n, left, name, F_FILE_UNREADABLE, message) != 0)
                return (size_t)-1;
            continue;
        }
        if ((uint64_t)st.st_size > n->cfg->max_file_bytes) {
            char detail[160], size[48], limit[48];
            value_format_thousands((__int128)st.st_size, size, sizeof size);
            value_format_thousands((__int128)n->cfg->max_file_bytes, limit, sizeof limit);
            snprintf(detail, sizeof detail, "filen fylder %s bytes; grænsen er %s bytes", size, limit);
            close(fd);
            if (leave(n, left, name, F_FILE_TOO_LARGE, detail) != 0)
                return (size_t)-1;
            continue;
        }
        if (k > 0 && night_bytes + (uint64_t)st.st_size > n->cfg->max_night_bytes) {
            /* The night's limit: this and every later file wait, in order. */
            close(fd);
            deferring = true;
            i--;
            continue;
        }
        intake *t = &taken[k];
        t->name = name;
        night_iso_utc(st.st_mtime, t->received);
        int rc = archive_stage_delivery(staging, k, fd, n->cfg->max_file_bytes, &t->staged, n->err,
                                        n->errlen);
        close(fd);
        if (rc != 0)
            return (size_t)-1;
        if (t->staged.over_limit) {
            char detail[160], limit[48];
            value_format_thousands((__int128)n->cfg->max_file_bytes, limit, sizeof limit);
            snprintf(detail, sizeof detail, "filen voksede, mens den blev læst; grænsen er %s bytes",
                     limit);
            if (leave(n, left, name, F_FILE_TOO_LARGE, detail) != 0)
                return (size_t)-1;
            continue;
        }
        night_bytes += t->staged.bytes;
        crash_point("copied");
        k++;
    }
    return k;
}

/* Step 4's copies: each new input's bytes stored once. */
int night_store_copies(night *n, archive_run *staging, size_t run_index, const intake *taken)
{
    size_t k = 0;
    for (size_t i = 0; i < ledger_count(n->l); i++) {
        ledger_entry *e = ledger_get(n->l, i);
        if (e->run_index != run_index)
            continue;
        const intake *t = &taken[k++];
        ledger_entry *earlier = ledger_find_copy(n->l, e->row.id.sha256_hex);
        if (earlier) {
            /* The same bytes are archived already: point at that copy. */
            if (!ledger_set_copy(n->l, e, earlier->path, earlier->archived, earlier->path_sha256_hex))
                goto oom;
            continue;
        }
        char rel[256], sha[65], path[4400];
        if (archive_store(staging, k - 1, &t->staged, rel, sha, n->err, n->errlen) != 0)
            return -1;
        snprintf(path, sizeof path, "%s/%s", n->archive, rel);
        if (!ledger_set_copy(n->l, e, path, rel, sha))
            goto oom;
        night_log_event(n, "info", "archived", json_pack("{s:s, s:s, s:s}", "file", e->row.id.name,
                                                   "sha256", e->row.id.sha256_hex, "copy", rel));
    }
    return 0;
oom:
    snprintf(n->err, n->errlen, "ikke nok hukommelse");
    return -1;
}

/* The manifest of the new run, from the ledger entries of `run`.
 * One piece because the manifest is built from every ledger entry of the run in one
 * pass, and each input's fields are the manifest's format, read best next to each other. */
run_manifest *night_manifest_of(night *n, size_t run_index, const char *id, size_t seq,
                                 const night_options *o, const intake *taken, size_t n_taken)
{
    arena *a = arena_new();
    run_manifest *m = a ? arena_alloc(a, sizeof *m) : NULL;
    if (!m) {
        arena_free(a);
        return NULL;
    }
    m->a = a;
    m->id = arena_strdup(a, id);
    m->seq = seq;
    m->recorded_time = o->recorded;
    m->version = program_version();
    m->inbox = o->inbox;
    m->out = o->out;
    m->inputs = arena_alloc_array(a, n_taken ? n_taken : 1, sizeof *m->inputs);
    m->periods = arena_alloc_array(a, n_taken ? n_taken : 1, sizeof *m->periods);
    if (!m->id || !m->inputs || !m->periods) {
        arena_free(a);
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < ledger_count(n->l); i++) {
        ledger_entry *e = ledger_get(n->l, i);
        if (e->run_index != run_index)
            continue;
        manifest_input *in = &m->inputs[k];
        in->id = e->row.id;
        in->received = taken[k].received;
        in->archived = e->archived;
        in->archived_sha256 = e->path_sha256_hex;
        in->status = e->row.status;
        in->ids = e->ids;
        in->n_ids = e->n_ids;
        in->id_lines = e->id_lines;
        /* Processing findings only: admission's are made again on replay.
         * Without any of admission's, the entry's own list (a flood of
         * resends shares one). */
        in->errors = source_row_count(&e->row, SEVERITY_ERROR);
        in->warnings = source_row_count(&e->row, SEVERITY_WARNING);
        bool admissions = false;
        for (size_t f = 0; f < e->row.n_findings; f++)
            admissions |= e->row.findings[f].code == F_ID_CONFLICT ||
                          e->row.findings[f].code == F_DOCUMENT_OLDER;
        if (!admissions) {
            in->findings = e->row.findings;
            in->n_findings = e->row.n_findings;
        } else {
            finding *kept = arena_alloc_array(a, e->row.n_findings, sizeof *kept);
            if (!kept) {
                arena_free(a);
                return NULL;
            }
            for (size_t f = 0; f < e->row.n_findings; f++) {
                const finding *x = &e->row.findings[f];
                if (x->code == F_ID_CONFLICT || x->code == F_DOCUMENT_OLDER)
                    continue;
                kept[in->n_findings++] = *x;
            }
            in->findings = kept;
        }
        in->valid = e->valid;
        k++;
        /* A duplicate too: its period's Kilder lists it, so the workbooks
         * are made of it (share.h: their key changes with it). */
        if (e->row.id.has_period) {
            bool seen = false;
            for (size_t p = 0; p < m->n_periods && !seen; p++)
                seen = period_compare(&m->periods[p], &e->row.id.period) == 0;
            if (!seen)
                m->periods[m->n_periods++] = e->row.id.period;
        }
    }
    m->n_inputs = k;
    /* A period's Udvikling compares it with the half year before, so the
     * half year after a touched one is rebuilt too, where it has sources. */
    size_t touched = m->n_periods;
    sn_period *all = arena_alloc_array(a, 2 * touched + 1, sizeof *all);
    if (!all) {
        arena_free(a);
        return NULL;
    }
    memcpy(all, m->periods, touched * sizeof *all);
    for (size_t p = 0; p < touched; p++) {
        sn_period next = period_next(m->periods[p]);
        bool present = false, listed = false;
        for (size_t q = 0; q < m->n_periods && !listed; q++)
            listed = period_compare(&all[q], &next) == 0;
        if (!listed && !ledger_need_period(n->l, next)) {
            n->store_failed = true;
            arena_free(a);
            return NULL;
        }
        for (size_t i = 0; i < ledger_count(n->l) && !present && !listed; i++) {
            const source_identity *sid = &ledger_get(n->l, i)->row.id;
            present = sid->has_period && period_compare(&sid->period, &next) == 0;
        }
        if (present && !listed)
            all[m->n_periods++] = next;
    }
    m->periods = all;
    if (!night_plan_share(n, m)) {
        arena_free(a);
        return NULL;
    }
    qsort(m->periods, m->n_periods, sizeof *m->periods, period_compare_void);
    return m;
}

/* Step 4: the run's copies, configuration, manifest and log, renamed into
 * runs/<id> in one step. */
int night_commit(night *n, archive_run *staging, run_manifest *m, const night_options *o)
{
    night_log_event(n, "info", "committed", NULL);
    if (night_open_log(n, staging->staging) != 0)
        return -1;
    night_close_log(n);
    if (archive_commit(staging, m, n->cfg, o->config_path, n->err, n->errlen) != 0)
        return -1;
    return night_open_log(n, staging->final);
}


/* How many of a file's errors its log line names. */
enum { LOGGED_ERRORS = 20 };

bool night_admit_one(void *ctx, size_t k, processed_file *p)
{
    admit_ctx *ac = ctx;
    night *n = ac->n;
    night_result *res = n->res;
    const intake *taken = ac->taken;
    if (n->ev->progress)
        n->ev->progress(n->ev->ctx, k + 1, ac->n_taken, taken[k].name);
    /* The machine failed, not the file (out of memory while reading it): no
     * verdict on the delivery, and nothing committed; the next night reads
     * it again. */
    for (size_t f = 0; f < p->findings.n; f++)
        if (p->findings.items[f].code == F_INTERNAL) {
            snprintf(n->res->err, sizeof n->res->err, "%s kunne ikke læses: %s; kørslen er ikke gennemført, "
                     "og intet er ændret", taken[k].name, p->findings.items[f].message);
            return false;
        }
    ledger_entry *e = ledger_admit(n->l, p, taken[k].staged.path, ac->run_index, taken[k].received);
    if (!e) {
        snprintf(res->err, sizeof res->err, "%s: %s", taken[k].name, ledger_error(n->l));
        n->store_failed = n->store != NULL;
        return false;
    }
    if (strcmp(e->row.id.sha256_hex, taken[k].staged.sha256) != 0) {
        text_printf_cut(res->err, sizeof res->err, "%s: den iscenesatte kopi er ændret under kørslen",
                 taken[k].staged.path);
        return false;
    }
    res->counts[e->row.status]++;
    res->n_files++;
    if (n->ev->admitted)
        n->ev->admitted(n->ev->ctx, &e->row);
    /* The errors with their details (libxml2's or the system's words): the
     * first LOGGED_ERRORS; the quarantine's reasons file has them all. */
    json_t *errors = json_array();
    size_t logged = 0;
    for (size_t f = 0; errors && f < e->row.n_findings; f++) {
        const finding *x = &e->row.findings[f];
        if (x->severity != SEVERITY_ERROR || logged++ >= LOGGED_ERRORS)
            continue;
        json_t *one = json_pack("{s:s, s:I, s:s}", "code", finding_code_name(x->code), "line",
                                (json_int_t)x->line, "message", x->message);
        if (one && x->detail)
            json_object_set_new(one, "detail", json_string(x->detail));
        json_array_append_new(errors, one);
    }
    night_log_event(n, e->row.status == SOURCE_REJECTED ? "warning" : "info", "file",
              json_pack("{s:s, s:s, s:I, s:s, s:I, s:I, s:o}", "file", e->row.id.name, "sha256",
                        e->row.id.sha256_hex, "bytes", (json_int_t)e->row.id.bytes, "status",
                        source_status_code(e->row.status), "errors",
                        (json_int_t)source_row_count(&e->row, SEVERITY_ERROR), "findings",
                        (json_int_t)e->row.n_findings, "error_findings",
                        errors ? errors : json_array()));
    return true;
}
