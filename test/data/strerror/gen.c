/*
 * gen.c: ground truth for the mbedTLS error decoder (server/src/mbedtls/).
 *
 * Prints, as JSON, what mbedtls_strerror() of the Mbed TLS it is linked against says for every code
 * -0x0001 .. -0x7FFF. To keep the output small only texts without "UNKNOWN ERROR CODE" are listed
 * one by one; every text (listed or not) also goes into a 64-bit FNV-1a digest of the lines
 * "-0xXXXX<TAB>text<LF>" for all 32767 codes in order, so a test can check the complete table.
 * See README.md for how it is built against Debian's 2.28 and 3.6 libraries.
 */
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include "mbedtls/version.h"
#include "mbedtls/error.h"

static uint64_t fnv = 0xcbf29ce484222325ULL;

static void digest(const char *s)
{
    for (; *s; s++) {
        fnv ^= (unsigned char) *s;
        fnv *= 0x100000001b3ULL;
    }
}

static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') printf("\\%c", *s);
        else if ((unsigned char) *s < 0x20) printf("\\u%04x", (unsigned char) *s);
        else putchar(*s);
    }
    putchar('"');
}

int main(void)
{
    char version[32];
    char buf[4096];
    char line[4200];
    int listed = 0;

    mbedtls_version_get_string(version);
    printf("{\n  \"mbedtls\": \"%s\",\n  \"entries\": {", version);
    for (int code = 1; code <= 0x7FFF; code++) {
        mbedtls_strerror(-code, buf, sizeof buf);
        snprintf(line, sizeof line, "-0x%04X\t%s\n", code, buf);
        digest(line);
        if (strstr(buf, "UNKNOWN ERROR CODE") != NULL) continue;
        printf("%s\n    \"-0x%04X\": ", listed++ ? "," : "", code);
        json_string(buf);
    }
    printf("\n  },\n  \"listed\": %d,\n  \"all\": 32767,\n  \"fnv1a64_all\": \"%016llx\"\n}\n",
           listed, (unsigned long long) fnv);
    return 0;
}
