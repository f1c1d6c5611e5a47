/*
 * `xtreamctl import` documents (xt_import_validate.c over the entity
 * tables of xt_import_schema.c): any bytes are parsed and validated
 * completely, refused with a "path: why" message or accepted.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xt_import.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char         *text, err[512];
    xt_import_t   im;

    /* the importer reads a file into a NUL-terminated buffer */
    text = malloc(size + 1);
    assert(text != NULL);
    memcpy(text, data, size);
    text[size] = '\0';

    err[0] = '\0';
    if (xt_import_validate(&im, text, err, sizeof(err)) != 0) {
        assert(err[0] != '\0' && memchr(err, '\0', sizeof(err)) != NULL);
    }

    xt_import_free(&im);
    free(text);
    return 0;
}
