/*
 * verify_info.c: what mbedtls_x509_crt_verify_info() prints for each single flag bit 0..23 and for a
 * few masks people meet (see README.md). Output: JSON { "mbedtls": version, "masks": { "0x...": text } }.
 */
#include <stdio.h>
#include "mbedtls/version.h"
#include "mbedtls/x509_crt.h"

static void show(unsigned int mask, int last)
{
    char buf[2048];
    mbedtls_x509_crt_verify_info(buf, sizeof buf, "", mask);
    printf("    \"0x%X\": \"", mask);
    for (const char *s = buf; *s; s++) {
        if (*s == '\n') printf("\\n");
        else if (*s == '"' || *s == '\\') printf("\\%c", *s);
        else putchar(*s);
    }
    printf("\"%s\n", last ? "" : ",");
}

int main(void)
{
    static const unsigned int extra[] = { 0x0C, 0x08 | 0x01, 0x200 | 0x08, 0xFFFFFF, 0x1000000 };
    char version[32];
    mbedtls_version_get_string(version);
    printf("{\n  \"mbedtls\": \"%s\",\n  \"masks\": {\n", version);
    for (int bit = 0; bit < 24; bit++) show(1u << bit, 0);
    for (unsigned i = 0; i < sizeof extra / sizeof extra[0]; i++) show(extra[i], i + 1 == sizeof extra / sizeof extra[0]);
    printf("  }\n}\n");
    return 0;
}
