/* formats.c — the workbook's cell formats, made once per workbook. */
#include "emit_parts.h"

/* ---- The workbook ---------------------------------------------------------- */

static lxw_format *make_format(emitter *e, const char *num_format, bool bold, bool wrap)
{
    lxw_format *f = workbook_add_format(e->wb);
    if (!f) {
        emit_check(e, LXW_ERROR_MEMORY_MALLOC_FAILED, "format");
        return NULL;
    }
    if (num_format)
        format_set_num_format(f, num_format);
    if (bold)
        format_set_bold(f);
    if (wrap)   /* bottom-aligned like the other cells of its row */
        format_set_text_wrap(f);
    return f;
}

void emit_make_formats(emitter *e)
{
    formats *f = &e->f;
    const char *kr = "#,##0";
    f->header = make_format(e, NULL, true, true);
    f->header_number = make_format(e, NULL, true, true);
    f->wrap = make_format(e, NULL, false, true);
    f->kroner = make_format(e, kr, false, false);
    f->count = make_format(e, "#,##0", false, false);
    f->number = make_format(e, "#,##0.00", false, false);
    f->pct = make_format(e, "0.0%", false, false);
    f->date = make_format(e, "dd-mm-yyyy", false, false);
    f->year = make_format(e, "0", false, false);
    f->total_label = make_format(e, NULL, true, false);
    f->total_kroner = make_format(e, kr, true, false);
    f->total_count = make_format(e, "#,##0", true, false);
    f->total_pct = make_format(e, "0.0%", true, false);
    f->title = make_format(e, NULL, true, false);
    f->subtitle = make_format(e, NULL, false, false);
    f->section = make_format(e, NULL, true, false);
    f->label = make_format(e, NULL, false, false);
    f->big_kroner = make_format(e, "#,##0\" kr.\"", true, false);
    f->big_pct = make_format(e, "0.0%", true, false);
    f->flag_count = make_format(e, "#,##0", true, false);
    f->note = make_format(e, NULL, false, false);
    if (e->error != LXW_NO_ERROR)
        return;
    format_set_font_size(f->title, 16);
    format_set_font_color(f->subtitle, 0x595959);
    format_set_font_size(f->section, 12);
    format_set_bottom(f->section, LXW_BORDER_THIN);
    for (lxw_format **t = (lxw_format *[]){f->total_label, f->total_kroner, f->total_count,
                                           f->total_pct, NULL};
         *t; t++)
        format_set_top(*t, LXW_BORDER_THIN);
    format_set_font_color(f->flag_count, LXW_COLOR_RED);
    format_set_bg_color(f->flag_count, 0xFDE9E7);
    format_set_font_color(f->note, LXW_COLOR_RED);
    format_set_italic(f->note);
    format_set_bg_color(f->header, 0xDDEBF7);
    format_set_bg_color(f->header_number, 0xDDEBF7);
    format_set_align(f->header_number, LXW_ALIGN_RIGHT);
}
