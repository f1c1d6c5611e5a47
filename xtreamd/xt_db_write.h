/*
 * The write connection of a streaming node (issue 11): status, activity
 * and load rows go to the primary while snapshots compile from the
 * db_* connection (a local replica).  With no db_write_host/socket set
 * there is one connection and nothing changes.
 */
#ifndef XT_DB_WRITE_H
#define XT_DB_WRITE_H

#include "xt_config.h"
#include "xt_db.h"

/* 1 when the configuration names a separate write (primary) server */
int xt_db_write_split(const xt_config_t *cf);

/* connect db to the write server (db_name and options as xt_db_connect) */
int xt_db_connect_write(xt_db_t *db, const xt_config_t *cf);

#endif
