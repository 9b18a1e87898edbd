/* floor.c — the floors the run is measured against (scripts/bench.sh).
 *
 *   bench_floor parse FILE...            libxml2's streaming reader over each file,
 *                                        every node read, nothing done with it
 *   bench_floor write OUT STRINGS NUMBERS  libxlsxwriter writing that many string
 *                                        and number cells, no formats, tables or formulas */
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

static int parse(int argc, char **argv)
{
    long nodes = 0;
    for (int i = 0; i < argc; i++) {
        xmlTextReaderPtr r = xmlReaderForFile(argv[i], NULL, XML_PARSE_NONET);
        if (!r)
            return 1;
        int rc;
        while ((rc = xmlTextReaderRead(r)) == 1)
            nodes++;
        xmlFreeTextReader(r);
        if (rc != 0)
            return 1;
    }
    printf("%ld nodes\n", nodes);
    return 0;
}

static int write_cells(const char *out, long strings, long numbers)
{
    lxw_workbook *wb = workbook_new(out);
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, NULL) : NULL;
    if (!ws)
        return 1;
    const int cols = 12;
    long total = strings + numbers;
    char text[64];
    for (long i = 0; i < total; i++) {
        lxw_row_t row = (lxw_row_t)(i / cols);
        lxw_col_t col = (lxw_col_t)(i % cols);
        lxw_error e;
        if (i % (total / (strings ? strings : 1) + 1) == 0 && strings-- > 0) {
            snprintf(text, sizeof text, "Tekst nummer %ld i en celle", i % 5000);
            e = worksheet_write_string(ws, row, col, text, NULL);
        } else {
            e = worksheet_write_number(ws, row, col, (double)(i * 7919 % 1000003), NULL);
        }
        if (e != LXW_NO_ERROR)
            return 1;
    }
    return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "parse") == 0)
        return parse(argc - 2, argv + 2);
    if (argc == 5 && strcmp(argv[1], "write") == 0)
        return write_cells(argv[2], atol(argv[3]), atol(argv[4]));
    fprintf(stderr, "usage: bench_floor parse FILE... | write OUT STRINGS NUMBERS\n");
    return 2;
}
