/* fuzz_results.c - libFuzzer target: arbitrary bytes through the results
 * reader (UTF-8 check -> cJSON -> schema validation -> the rows compare
 * and plot use), then through every accessor a consumer calls. */
#include <stddef.h>
#include <stdint.h>

#include "results.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct results_file f;
    char err[512];
    if (results_parse("fuzz.json", (const char *)data, size, &f, err,
                      sizeof(err)) != 0)
        return 0;
    for (size_t k = 0; k < f.nrows; k++) {
        struct stats_summary s;
        const struct results_row *row = &f.rows[k];
        for (size_t m = 0; m < row->nseries; m++)
            results_row_stats(row, row->series[m].name, &s);
        (void)f.machines[row->machine_index].hostname;
    }
    results_free(&f);
    return 0;
}
