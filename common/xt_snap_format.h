/*
 * xtream snapshot file format: the one definition shared by the writer
 * (xtreamd's compiler) and the reader (ngx_xtream_module).
 *
 * A snapshot is an immutable file, written to a temporary name and renamed
 * into place.  It holds a fixed header, a section table and the sections.
 * Everything inside is addressed by offsets (never pointers) so the file can
 * be mapped anywhere; integers are host byte order (writer and reader run on
 * the same machine); every section starts 8-byte aligned.
 *
 * Kinds are split by how often they change: lines (subscribers), catalog
 * (categories, bouquets, streams, movies, series), epg.  A new line must not
 * rebuild a 100 000-title catalog.
 *
 * Validation a reader must do before use: magic, version, kind, file_size
 * equals the mapped size, checksum, every section inside the file, every
 * string and pool reference inside its section.
 */

#ifndef XT_SNAP_FORMAT_H
#define XT_SNAP_FORMAT_H

#include <stdint.h>


#define XT_SNAP_MAGIC           "XTSNAP\r\n"    /* 8 bytes, no NUL */
#define XT_SNAP_MAGIC_LEN       8
#define XT_SNAP_VERSION         1
#define XT_SNAP_MAX_SECTIONS    24

/* file names under the snapshot directory */
#define XT_SNAP_FILE_LINES      "lines.snap"
#define XT_SNAP_FILE_CATALOG    "catalog.snap"
#define XT_SNAP_FILE_EPG        "epg.snap"

enum {
    XT_SNAP_KIND_LINES   = 1,
    XT_SNAP_KIND_CATALOG = 2,
    XT_SNAP_KIND_EPG     = 3,
    XT_SNAP_KIND_CLUSTER = 4,       /* "Cluster kind" below */
    XT_SNAP_KIND_LAST    = XT_SNAP_KIND_CLUSTER    /* kinds are 1..LAST */
};


/* A string: bytes [off, off + len) of the STRINGS section (not NUL-ended). */
typedef struct {
    uint32_t  off;
    uint32_t  len;
} xt_snap_str_t;


typedef struct {
    uint32_t  id;           /* XT_SEC_* */
    uint32_t  count;        /* number of records (bytes for blobs) */
    uint64_t  offset;       /* from the start of the file, 8-aligned */
    uint64_t  size;         /* bytes */
} xt_snap_section_t;


typedef struct {
    uint8_t            magic[XT_SNAP_MAGIC_LEN];
    uint32_t           version;         /* XT_SNAP_VERSION */
    uint32_t           kind;            /* XT_SNAP_KIND_* */
    uint64_t           generation;      /* grows with every build of a kind */
    int64_t            created;         /* unix seconds */
    uint64_t           file_size;       /* whole file, header included */
    uint32_t           checksum;        /* CRC-32 (IEEE 802.3, as zlib's
                                           crc32() and ngx_crc32_long()) of
                                           bytes [sizeof(header), file_size) */
    uint32_t           nsections;
    xt_snap_section_t  sections[XT_SNAP_MAX_SECTIONS];
} xt_snap_header_t;


/* section ids; a kind holds only its own sections */
enum {
    XT_SEC_STRINGS      = 1,    /* blob: every xt_snap_str_t points here */
    XT_SEC_U32          = 2,    /* uint32_t pool: lists referenced by index */

    /* lines kind */
    XT_SEC_LINES        = 10,   /* xt_snap_line_t[count], sorted by id */
    XT_SEC_LINE_INDEX   = 11,   /* uint32_t slots[count]: count is a power of
                                   two >= 2 * lines; a slot holds a LINES
                                   index + 1, or 0 when empty; slot =
                                   xt_snap_hash(username) & (count - 1),
                                   linear probing */

    /* catalog kind */
    XT_SEC_SETTINGS     = 20,   /* xt_snap_setting_t[count], sorted by key */
    XT_SEC_CATEGORIES   = 21,   /* xt_snap_category_t[count], in display
                                   order (type, then sort order) */
    XT_SEC_BOUQUETS     = 22,   /* xt_snap_bouquet_t[count], sorted by id */
    XT_SEC_LIVE         = 23,   /* xt_snap_live_t[count], sorted by id */
    XT_SEC_MOVIES       = 24,   /* xt_snap_movie_t[count], sorted by id */
    XT_SEC_SERIES       = 25,   /* xt_snap_series_t[count], sorted by id */
    XT_SEC_EPISODES     = 26,   /* xt_snap_episode_t[count], sorted by id */
    XT_SEC_SERVERS      = 27,   /* xt_snap_server_t[count], sorted by id */

    /* epg kind: defined with the EPG work */
    XT_SEC_EPG_CHANNELS = 40,
    XT_SEC_EPG_PROGS    = 41,

    /* lines kind, appended by the admin API (docs/ADMIN-API.md "kill"):
       uint32_t kicks[count], count == LINES count, the kick generation of
       each line in LINES order (lines.kick).  A connection admitted under
       one value ends when the line's value changes.  Absent = all 0. */
    XT_SEC_LINE_KICKS   = 12,

    /* lines kind, issue 17: xt_snap_line_mac_t[count], the lines bound to
       a MAG box, sorted by mac (memcmp), each mac once.  Absent = none. */
    XT_SEC_LINE_MACS    = 13
};


/* lines */

typedef struct {
    uint8_t        mac[6];
    uint16_t       reserved;
    uint32_t       line;             /* index into LINES */
} xt_snap_line_mac_t;

enum {
    XT_LINE_ACTIVE   = 0,
    XT_LINE_DISABLED = 1,
    XT_LINE_BANNED   = 2
    /* "Expired" is derived from exp_date at request time */
};

#define XT_OUT_TS        0x1
#define XT_OUT_M3U8      0x2
#define XT_OUT_RTMP      0x4

#define XT_LINE_TRIAL    0x1

#define XT_SALT_LEN      16
#define XT_HASH_LEN      32     /* SHA-256 */

typedef struct {
    uint32_t       id;
    uint32_t       status;           /* XT_LINE_* */
    int64_t        exp_date;         /* unix seconds; 0 = unlimited */
    int64_t        created_at;       /* unix seconds */
    uint32_t       max_connections;  /* 0 = unlimited */
    uint32_t       flags;            /* XT_LINE_TRIAL */
    uint32_t       outputs;          /* XT_OUT_* */
    uint32_t       nbouquets;
    uint32_t       bouquets;         /* U32 index of nbouquets bouquet ids,
                                        in the line's order */
    uint32_t       reserved;
    uint8_t        salt[XT_SALT_LEN];
    uint8_t        hash[XT_HASH_LEN]; /* SHA-256(salt || password) */
    xt_snap_str_t  username;
    xt_snap_str_t  message;
    xt_snap_str_t  allowed_ips;      /* comma-separated; empty = any */
    xt_snap_str_t  allowed_uas;      /* comma-separated; empty = any */
} xt_snap_line_t;


/* catalog */

typedef struct {
    xt_snap_str_t  key;
    xt_snap_str_t  value;
} xt_snap_setting_t;

enum {
    XT_CAT_LIVE   = 1,
    XT_CAT_MOVIE  = 2,
    XT_CAT_SERIES = 3,
    XT_CAT_RADIO  = 4                /* radio channels: live streams, listed
                                        with the live categories */
};

typedef struct {
    uint32_t       id;
    uint32_t       type;             /* XT_CAT_* */
    uint32_t       parent_id;
    uint32_t       reserved;
    xt_snap_str_t  name;
    xt_snap_str_t  json;             /* pre-rendered, complete object:
                                        {"category_id":"1",
                                         "category_name":"News",
                                         "parent_id":0} */
} xt_snap_category_t;

typedef struct {
    uint32_t       id;
    uint32_t       nlive;
    uint32_t       live;             /* U32 index: LIVE record indexes */
    uint32_t       nmovies;
    uint32_t       movies;           /* U32 index: MOVIES record indexes */
    uint32_t       nseries;
    uint32_t       series;           /* U32 index: SERIES record indexes */
    uint32_t       reserved;
} xt_snap_bouquet_t;

#define XT_LIVE_ARCHIVE  0x1
#define XT_LIVE_ONDEMAND 0x2
#define XT_LIVE_ABR      0x4
#define XT_LIVE_RADIO    0x8        /* its category is of type radio */

typedef struct {
    uint32_t       id;
    uint32_t       category_id;      /* 0 = none */
    uint32_t       flags;            /* XT_LIVE_* */
    uint32_t       archive_days;
    xt_snap_str_t  name;
    xt_snap_str_t  icon;
    xt_snap_str_t  epg_channel_id;
    xt_snap_str_t  category_name;
    xt_snap_str_t  json;             /* pre-rendered get_live_streams item
                                        WITHOUT "num": a complete object
                                        beginning {"name":...; the module
                                        writes {"num":N, then json + 1 */
    xt_snap_str_t  key_hash;         /* RTMP stream key: 16 salt bytes +
                                        32 bytes SHA-256(salt || key), or
                                        empty when the stream takes no
                                        push */
} xt_snap_live_t;

/*
 * VOD.  Paths are relative to the VOD root (validated by the compiler: no
 * "..", no leading "/", no NUL); the module never builds a path from user
 * text, only from these.
 */
typedef struct {
    uint32_t       id;
    uint32_t       category_id;      /* 0 = none */
    uint32_t       duration_secs;
    uint32_t       reserved;
    xt_snap_str_t  name;
    xt_snap_str_t  icon;
    xt_snap_str_t  ext;              /* container_extension */
    xt_snap_str_t  path;
    xt_snap_str_t  category_name;
    xt_snap_str_t  json;             /* get_vod_streams item without "num",
                                        beginning {"name": */
    xt_snap_str_t  info_json;        /* the whole get_vod_info answer:
                                        {"info":{...},"movie_data":{...}} */
    xt_snap_str_t  m3u;              /* "#EXTINF:-1 tvg-id=... ,Name" line,
                                        no line end; the module adds the
                                        per-line URL */
} xt_snap_movie_t;

typedef struct {
    uint32_t       id;
    uint32_t       category_id;
    uint32_t       nepisodes;
    uint32_t       reserved;
    xt_snap_str_t  name;
    xt_snap_str_t  cover;
    xt_snap_str_t  category_name;
    xt_snap_str_t  json;             /* get_series item without "num" */
    xt_snap_str_t  info_json;        /* the whole get_series_info answer;
                                        episode ids inside are plain ids,
                                        URLs are built by players */
} xt_snap_series_t;

typedef struct {
    uint32_t       id;
    uint32_t       series_id;
    uint32_t       season;
    uint32_t       episode_num;
    xt_snap_str_t  title;
    xt_snap_str_t  ext;
    xt_snap_str_t  path;
    xt_snap_str_t  m3u;              /* "#EXTINF:-1 ...,Series S01 E01" */
} xt_snap_episode_t;

/* streaming servers, for server_info and load-balancing redirects */
typedef struct {
    uint32_t       id;
    uint32_t       is_main;
    uint32_t       http_port;
    uint32_t       https_port;
    uint32_t       rtmp_port;
    uint32_t       load_clients;
    xt_snap_str_t  name;
    xt_snap_str_t  host;
} xt_snap_server_t;


/*
 * EPG kind: channels sorted by epg_channel_id (bytewise), each owning a
 * contiguous run of programmes sorted by start.  Titles and descriptions
 * are plain UTF-8 (players get base64 from the module, XMLTV gets escaped
 * text).
 */
typedef struct {
    xt_snap_str_t  id;               /* epg_channel_id */
    xt_snap_str_t  display_name;
    xt_snap_str_t  icon;
    uint32_t       first;            /* index of its first programme */
    uint32_t       count;
} xt_snap_epg_channel_t;

typedef struct {
    int64_t        start;            /* unix seconds */
    int64_t        stop;
    uint64_t       id;               /* epg_programmes.id */
    uint32_t       channel;          /* EPG_CHANNELS index */
    uint32_t       reserved;
    xt_snap_str_t  title;
    xt_snap_str_t  description;
    xt_snap_str_t  lang;
} xt_snap_epg_prog_t;

/* programme records keep their layout above; the XMLTV fields beyond
   title and description ride alongside (issue 17) */
#define XT_SEC_EPG_EXTRA    42      /* xt_snap_epg_extra_t[count of
                                        EPG_PROGS], same order; absent =
                                        none */
typedef struct {
    xt_snap_str_t  sub_title;        /* plain UTF-8 */
    xt_snap_str_t  xml;              /* the import's escaped XML elements
                                        (credits .. star-rating, DTD
                                        order), copied as is by xmltv.php */
} xt_snap_epg_extra_t;

/* live records keep their layout above; these M3U lines ride alongside */
#define XT_SEC_LIVE_M3U     28      /* xt_snap_str_t[count of LIVE], same
                                        order as LIVE: the "#EXTINF:-1 ..."
                                        line of each channel, no line end */


/*
 * Cluster kind (issue 11): the server set, their loads, stream placement
 * and per-line connection counts of every server.  Small and rebuilt every
 * few seconds (each load report moves its change counter), so load never
 * rebuilds the catalog.  Appended: its file and sections below (its kind
 * number is in the kinds enum above).
 */
#define XT_SNAP_FILE_CLUSTER    "cluster.snap"

#define XT_SEC_CL_SERVERS   50      /* xt_snap_cl_server_t[count], by id */
#define XT_SEC_CL_PLACEMENT 51      /* xt_snap_cl_place_t[count], sorted by
                                       (stream_id, server_id) */
#define XT_SEC_CL_LINECONNS 52      /* xt_snap_cl_lineconn_t[count], sorted
                                       by (line_id, server_id) */

#define XT_CL_MAIN     0x1          /* servers.is_main */
#define XT_CL_ENABLED  0x2          /* servers.enabled */

typedef struct {
    uint32_t       id;
    uint32_t       flags;            /* XT_CL_* */
    uint32_t       http_port;
    uint32_t       connections;      /* server_load, 0 when never reported */
    uint32_t       out_kbps;
    uint32_t       cpu_pct;
    uint32_t       streams_running;
    uint32_t       reserved;
    int64_t        last_seen;        /* unix seconds; 0 = never */
    xt_snap_str_t  name;
    xt_snap_str_t  host;
} xt_snap_cl_server_t;

typedef struct {
    uint32_t       stream_id;
    uint32_t       server_id;
} xt_snap_cl_place_t;

typedef struct {
    uint32_t       line_id;
    uint32_t       server_id;
    uint32_t       conns;            /* live_connections rows */
    uint32_t       reserved;
} xt_snap_cl_lineconn_t;


/* FNV-1a, 32 bit: the LINE_INDEX hash */
static inline uint32_t
xt_snap_hash(const unsigned char *p, uint32_t len)
{
    uint32_t  h = 2166136261u;

    while (len--) {
        h ^= *p++;
        h *= 16777619u;
    }

    return h;
}

#endif /* XT_SNAP_FORMAT_H */
