/*
 * mbedTLS's configuration for Vitrine (MBEDTLS_CONFIG_FILE): HMAC-SHA-256
 * and nothing else, for the network console's challenge-response
 * (monitor/auth.c) and the host client that answers it. Built from
 * md.c, sha256.c, platform_util.c and constant_time.c only; no platform
 * layer (mbedtls_calloc is the C library's calloc), no time, no entropy.
 */
#ifndef VITRINE_MBEDTLS_H
#define VITRINE_MBEDTLS_H

#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C

#include "mbedtls/check_config.h"

#endif
