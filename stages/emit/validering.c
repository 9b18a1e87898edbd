/* validering.c — the sheet Validering: every finding of every document. */
#include "emit_parts.h"

/* ---- Validering ----------------------------------------------------------- */

void emit_sheet_validering(emitter *e)
{
    const period_report *r = e->r;
    sheet s = emit_new_sheet(e, "Validering");
    if (!s.ws)
        return;
    static const char *const headers[] = {"Alvor", "Kode", "Fil", "Linje", "Sti", "Besked", "Handling"};
    size_t rows = r->n_fund + (r->fund_omitted > 0);
    emit_add_table(&s, "Fund", 0, rows, headers, 7, 1ull << 3);   /* Linje */
    for (size_t i = 0; i < r->n_fund && e->error == LXW_NO_ERROR; i++) {
        const fund_row *x = &r->fund[i];
        lxw_row_t row = (lxw_row_t)(1 + i);
        emit_put_string(&s, row, 0, severity_label(x->finding->severity), NULL);
        emit_put_string(&s, row, 1, finding_code_name(x->finding->code), NULL);
        emit_put_string(&s, row, 2, x->file, NULL);
        if (x->finding->line)
            emit_put_number(&s, row, 3, x->finding->line, e->f.year);
        emit_put_string(&s, row, 4, x->path, NULL);
        emit_put_string(&s, row, 5, x->message, NULL);
        emit_put_string(&s, row, 6, x->action, NULL);
    }
    if (r->fund_omitted) {   /* the sheet's limit (limits.max_rows_per_sheet): where the rest are */
        char more[32], files[32];
        value_format_thousands((__int128)r->fund_omitted, more, sizeof more);
        value_format_thousands((__int128)r->fund_omitted_files, files, sizeof files);
        emit_put_string(&s, (lxw_row_t)(1 + r->n_fund), 5,
                   emit_format_text(e, "… og %s fund mere i %s filer, som ikke er vist her (arket viser højst "
                               "%zu rækker); de står i kørslernes log (ARKIV/runs/<kørsel>/log.jsonl) og i "
                               "karantænens begrundelser (ARKIV/quarantine/<kørsel>/<fil>.reasons.txt)",
                               more, files, e->cfg->max_sheet_rows), NULL);
    }
    emit_finish_sheet(&s, 7, true);
}
