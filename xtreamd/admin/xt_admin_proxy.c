/* The admin API client's address and the proxy key (xt_admin_proxy.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "xt_access.h"
#include "admin/xt_admin_proxy.h"


int
xt_admin_proxy_key_load(const xt_config_t *cf, char *key, size_t keysz,
    char *err, size_t errlen)
{
    char     buf[XT_PROXY_KEY_MAX + 2];
    ssize_t  n;
    size_t   i;
    int      fd;

    key[0] = '\0';
    if (cf->admin_proxy_key_file[0] == '\0') {
        return 0;
    }
    fd = open(cf->admin_proxy_key_file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "admin_proxy_key_file %s: %s",
                 cf->admin_proxy_key_file, strerror(errno));
        return -1;
    }
    n = read(fd, buf, sizeof(buf));
    close(fd);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) {
        n--;
    }
    for (i = 0; n > 0 && i < (size_t) n; i++) {
        char c = buf[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z') || c == '_' || c == '-'))
        {
            break;
        }
    }
    if (n < XT_PROXY_KEY_MIN || n > XT_PROXY_KEY_MAX || i != (size_t) n
        || (size_t) n >= keysz)
    {
        snprintf(err, errlen, "admin_proxy_key_file %s: want one line of "
                 "%d..%d characters of [0-9A-Za-z_-]",
                 cf->admin_proxy_key_file, XT_PROXY_KEY_MIN,
                 XT_PROXY_KEY_MAX);
        return -1;
    }
    memcpy(key, buf, (size_t) n);
    key[n] = '\0';
    return 0;
}


int
xt_admin_proxy_trusted(const struct sockaddr *peer, const char *key_hdr,
    const char *trusted, const char *key)
{
    uint8_t  a[XT_ACCESS_ADDR_LEN];
    size_t   klen = strlen(key);

    if (peer->sa_family == AF_INET) {
        xt_access_addr_v4(a, (const uint8_t *)
                          &((const struct sockaddr_in *) peer)->sin_addr);
    } else if (peer->sa_family == AF_INET6) {
        xt_access_addr_v6(a, ((const struct sockaddr_in6 *) peer)
                             ->sin6_addr.s6_addr);
    } else {
        return 0;
    }
    /* an empty list trusts nobody (xt_access_ip_allowed() would say yes) */
    if (trusted[0] == '\0'
        || !xt_access_ip_allowed(trusted, strlen(trusted), a))
    {
        return 0;
    }
    if (klen == 0) {
        return 1;
    }
    return key_hdr != NULL && strlen(key_hdr) == klen
           && CRYPTO_memcmp(key_hdr, key, klen) == 0;
}


void
xt_admin_client_address(const struct sockaddr *peer, const char *real,
    const char *key_hdr, const char *trusted, const char *key, char *out,
    size_t outlen)
{
    struct in6_addr  a6;
    struct in_addr   a4;

    out[0] = '\0';
    if (peer == NULL) {
        return;
    }
    if (peer->sa_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *) peer)->sin_addr,
                  out, (socklen_t) outlen);
    } else if (peer->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *) peer)->sin6_addr,
                  out, (socklen_t) outlen);
    }
    if (real && real[0] && strlen(real) < outlen
        && (inet_pton(AF_INET, real, &a4) == 1
            || inet_pton(AF_INET6, real, &a6) == 1)
        && xt_admin_proxy_trusted(peer, key_hdr, trusted, key))
    {
        snprintf(out, outlen, "%s", real);
    }
}
