/* The write (primary) connection: xt_db_connect over the db_write_* keys. */
#include <stdlib.h>
#include <string.h>

#include "xt_db_write.h"


int
xt_db_write_split(const xt_config_t *cf)
{
    return cf->db_write_socket[0] != '\0' || cf->db_write_host[0] != '\0';
}


int
xt_db_connect_write(xt_db_t *db, const xt_config_t *cf)
{
    xt_config_t  *w;
    int           rc;

    /* a copy, so xt_db_connect stays the one place that connects */
    w = malloc(sizeof(*w));
    if (w == NULL) {
        memset(db, 0, sizeof(*db));
        strcpy(db->err, "out of memory");
        return -1;
    }
    memcpy(w, cf, sizeof(*w));
    memcpy(w->db_socket, cf->db_write_socket, sizeof(w->db_socket));
    memcpy(w->db_host, cf->db_write_host, sizeof(w->db_host));
    w->db_port = cf->db_write_port;
    if (cf->db_write_user[0]) {
        memcpy(w->db_user, cf->db_write_user, sizeof(w->db_user));
        memcpy(w->db_password, cf->db_write_password,
               sizeof(w->db_password));
    }
    rc = xt_db_connect(db, w);
    memset(w->db_password, 0, sizeof(w->db_password));
    free(w);
    return rc;
}
