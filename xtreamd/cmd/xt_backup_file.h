/*
 * The backup file of `xtreamctl backup` (docs/INSTALL.md, "Backup"): a
 * gzip stream holding the line "xtream-backup 1", one JSON document and a
 * last line "sha256 HEX" of the document's bytes.  A truncated, damaged
 * or foreign file is refused before anything is changed.
 */
#ifndef XT_BACKUP_FILE_H
#define XT_BACKUP_FILE_H

#include <stddef.h>

#define XT_BACKUP_MAGIC    "xtream-backup 1\n"
#define XT_BACKUP_MAX      ((size_t) 4 << 30)   /* decompressed bytes */

/* write doc (len bytes) as path, mode 0600, through path.tmp + rename */
int xt_backup_write(const char *path, const char *doc, size_t len,
    char *err, size_t errlen);

/* read and check path; *doc (malloc'd, NUL-terminated) is the JSON
   document.  -1 with err set: not gzip, not a backup, truncated, bad
   checksum */
int xt_backup_read(const char *path, char **doc, size_t *len, char *err,
    size_t errlen);

#endif
