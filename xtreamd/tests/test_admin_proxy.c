/*
 * The admin API's client address (issue 18): X-Real-IP only from a peer in
 * admin_trusted_proxies holding the proxy key when one is configured; the
 * key file's checks.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "admin/xt_admin.h"
#include "admin/xt_admin_proxy.h"
#include "xt_test.h"

#define KEY  "0123456789abcdef0123456789abcdef"


static const char *
addr_of(const char *peer, const char *real, const char *hdr,
    const char *trusted, const char *key)
{
    static char          out[64];
    struct sockaddr_in   a4;
    struct sockaddr_in6  a6;

    memset(&a4, 0, sizeof(a4));
    memset(&a6, 0, sizeof(a6));
    if (inet_pton(AF_INET, peer, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        xt_admin_client_address((struct sockaddr *) &a4, real, hdr, trusted,
                                key, out, sizeof(out));
    } else {
        inet_pton(AF_INET6, peer, &a6.sin6_addr);
        a6.sin6_family = AF_INET6;
        xt_admin_client_address((struct sockaddr *) &a6, real, hdr, trusted,
                                key, out, sizeof(out));
    }
    return out;
}


static int
key_load(const char *content, char *key, char *err)
{
    xt_config_t  cf;
    char         path[] = "/tmp/xt-proxykey-XXXXXX";
    int          fd = mkstemp(path), rc;

    memset(&cf, 0, sizeof(cf));
    if (fd < 0) {
        return -2;
    }
    if (write(fd, content, strlen(content)) < 0) {
        close(fd);
        return -2;
    }
    close(fd);
    snprintf(cf.admin_proxy_key_file, sizeof(cf.admin_proxy_key_file), "%s",
             path);
    rc = xt_admin_proxy_key_load(&cf, key, XT_PROXY_KEY_MAX + 1, err, 256);
    unlink(path);
    return rc;
}


void
test_admin_proxy(void)
{
    char  key[XT_PROXY_KEY_MAX + 1], err[256];
    xt_config_t  cf;

    /* no key: the listed peer is believed, others are not */
    CHECK(strcmp(addr_of("127.0.0.1", "10.9.8.7", NULL, "127.0.0.1", ""),
                 "10.9.8.7") == 0);
    CHECK(strcmp(addr_of("127.0.0.2", "10.9.8.7", NULL, "127.0.0.1", ""),
                 "127.0.0.2") == 0);
    CHECK(strcmp(addr_of("10.1.2.3", "10.9.8.7", NULL, "10.0.0.0/8, ::1",
                         ""), "10.9.8.7") == 0);
    CHECK(strcmp(addr_of("::1", "2001:db8::5", NULL, "10.0.0.0/8, ::1", ""),
                 "2001:db8::5") == 0);
    /* an empty list trusts nobody */
    CHECK(strcmp(addr_of("127.0.0.1", "10.9.8.7", NULL, "", ""),
                 "127.0.0.1") == 0);
    /* a header that is no address is ignored */
    CHECK(strcmp(addr_of("127.0.0.1", "evil\", x", NULL, "127.0.0.1", ""),
                 "127.0.0.1") == 0);
    /* with a key: only with the very key */
    CHECK(strcmp(addr_of("127.0.0.1", "10.9.8.7", KEY, "127.0.0.1", KEY),
                 "10.9.8.7") == 0);
    CHECK(strcmp(addr_of("127.0.0.1", "10.9.8.7", NULL, "127.0.0.1", KEY),
                 "127.0.0.1") == 0);
    CHECK(strcmp(addr_of("127.0.0.1", "10.9.8.7", KEY "0", "127.0.0.1", KEY),
                 "127.0.0.1") == 0);
    CHECK(strcmp(addr_of("127.0.0.1", "10.9.8.7",
                         "0123456789abcdef0123456789abcdeF", "127.0.0.1", KEY),
                 "127.0.0.1") == 0);
    CHECK(strcmp(addr_of("127.0.0.2", "10.9.8.7", KEY, "127.0.0.1", KEY),
                 "127.0.0.2") == 0);

    /* lock-out keys: per address (IPv6 by /64) and per address+username */
    {
        char  a1[96], p1[96], a2[96], p2[96];

        xt_admin_lock_keys("127.0.0.2", "admin", a1, p1);
        CHECK(strcmp(a1, "a:127.0.0.2") == 0);
        CHECK(strncmp(p1, "p:", 2) == 0 && strlen(p1) == 66);
        xt_admin_lock_keys("127.0.0.3", "admin", a2, p2);
        CHECK(strcmp(p1, p2) != 0);
        xt_admin_lock_keys("127.0.0.2", "admin2", a2, p2);
        CHECK(strcmp(a1, a2) == 0 && strcmp(p1, p2) != 0);
        xt_admin_lock_keys("2001:db8:1:2:aaaa::1", "admin", a1, p1);
        xt_admin_lock_keys("2001:db8:1:2:bbbb::7", "admin", a2, p2);
        CHECK(strcmp(a1, "a:2001:db8:1:2::/64") == 0);
        CHECK(strcmp(a1, a2) == 0 && strcmp(p1, p2) == 0);
        xt_admin_lock_keys("2001:db8:1:3::1", "admin", a2, p2);
        CHECK(strcmp(a1, a2) != 0);
        /* IPv4 clients of a dual-stack nginx are not one /64 */
        xt_admin_lock_keys("::ffff:10.0.0.1", "admin", a1, p1);
        CHECK(strcmp(a1, "a:10.0.0.1") == 0);
        xt_admin_lock_keys("10.0.0.1", "admin", a2, p2);
        CHECK(strcmp(p1, p2) == 0);
    }

    /* the key file */
    memset(&cf, 0, sizeof(cf));
    CHECK(xt_admin_proxy_key_load(&cf, key, sizeof(key), err, sizeof(err))
          == 0 && key[0] == '\0');
    CHECK(key_load(KEY "\n", key, err) == 0 && strcmp(key, KEY) == 0);
    CHECK(key_load("short\n", key, err) == -1);
    CHECK(strstr(err, "32..128 characters") != NULL);
    CHECK(key_load(KEY "\" ; x\n", key, err) == -1);
    CHECK(key_load("", key, err) == -1);
    snprintf(cf.admin_proxy_key_file, sizeof(cf.admin_proxy_key_file),
             "/nonexistent/key");
    CHECK(xt_admin_proxy_key_load(&cf, key, sizeof(key), err, sizeof(err))
          == -1);
}
