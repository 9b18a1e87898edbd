/* fuzz_process.c — the input half (ingest → normalize → validate) on arbitrary
 * bytes. Built with libFuzzer by scripts/fuzz.sh (clang); built with
 * corpus_main.c it replays a corpus as a regression test under CTest. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "config_load.h"
#include "ingest.h"
#include "process.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static config *cfg;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char err[1024];
    ingest_global_init();
    if (config_load(STATUSNOTAT_TEST_CONFIG, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    processed_file p;
    if (process_memory(data, size, "fuzz.xml", cfg, &p) == 0 && p.accepted && !p.doc)
        abort();   /* accepted means a document */
    processed_file_release(&p);
    return 0;
}
