/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The formatter behind printk and printf. See fmt.h for what it accepts.
 */
#include <lib/fmt.h>

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Where output goes; len keeps counting past size to give C99's result. */
struct sink {
    char *buf;
    size_t size;
    size_t len;
};

enum length { LEN_INT, LEN_LONG, LEN_LLONG, LEN_SIZE };

/* One parsed conversion specification, minus the conversion letter. */
struct spec {
    bool left;
    bool zero;
    int width;
    enum length length;
};

static void put_char(struct sink *s, char c)
{
    /* The last byte is kept for the NUL. */
    if (s->len + 1 < s->size)
        s->buf[s->len] = c;
    s->len++;
}

static void put_repeat(struct sink *s, char c, int n)
{
    while (n-- > 0)
        put_char(s, c);
}

static void put_chars(struct sink *s, const char *p, size_t n)
{
    while (n--)
        put_char(s, *p++);
}

/*
 * Emit prefix and body padded to the spec's width. Zero padding goes
 * between the prefix (sign or 0x) and the digits, as C's printf does.
 */
static void put_field(struct sink *s, const struct spec *sp,
              const char *prefix, const char *body, size_t body_len)
{
    size_t prefix_len = strlen(prefix);
    int pad = sp->width - (int)(prefix_len + body_len);

    if (!sp->left && !sp->zero)
        put_repeat(s, ' ', pad);
    put_chars(s, prefix, prefix_len);
    if (!sp->left && sp->zero)
        put_repeat(s, '0', pad);
    put_chars(s, body, body_len);
    if (sp->left)
        put_repeat(s, ' ', pad);
}

static void put_number(struct sink *s, const struct spec *sp,
               const char *prefix, unsigned long long v,
               unsigned base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];	/* 2^64 needs 20 decimal digits */
    size_t i = sizeof(tmp);

    do {
        tmp[--i] = digits[v % base];
        v /= base;
    } while (v);
    put_field(s, sp, prefix, tmp + i, sizeof(tmp) - i);
}

static long long fetch_signed(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_LONG:
        return va_arg(*ap, long);
    case LEN_LLONG:
        return va_arg(*ap, long long);
    case LEN_SIZE:
        /* The signed type of size_t's width, as %zd expects. */
        return va_arg(*ap, ptrdiff_t);
    default:
        return va_arg(*ap, int);
    }
}

static unsigned long long fetch_unsigned(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_LONG:
        return va_arg(*ap, unsigned long);
    case LEN_LLONG:
        return va_arg(*ap, unsigned long long);
    case LEN_SIZE:
        return va_arg(*ap, size_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

static void put_signed(struct sink *s, const struct spec *sp, long long v)
{
    /* Negate in unsigned arithmetic so LLONG_MIN does not overflow. */
    unsigned long long mag = v < 0 ? -(unsigned long long)v : (unsigned long long)v;

    put_number(s, sp, v < 0 ? "-" : "", mag, 10, false);
}

static void put_string(struct sink *s, const struct spec *sp, const char *str)
{
    struct spec text = *sp;

    if (!str)
        str = "(null)";
    text.zero = false;	/* zero padding means nothing for text */
    put_field(s, &text, "", str, strlen(str));
}

/* Parse flags, width and length at *p; leaves *p on the conversion letter. */
static struct spec parse_spec(const char **p)
{
    struct spec sp = { false, false, 0, LEN_INT };
    const char *f = *p;

    for (;; f++) {
        if (*f == '-')
            sp.left = true;
        else if (*f == '0')
            sp.zero = true;
        else
            break;
    }
    while (*f >= '0' && *f <= '9')
        sp.width = sp.width * 10 + (*f++ - '0');
    if (*f == 'z') {
        sp.length = LEN_SIZE;
        f++;
    } else if (*f == 'l') {
        f++;
        sp.length = LEN_LONG;
        if (*f == 'l') {
            sp.length = LEN_LLONG;
            f++;
        }
    }
    *p = f;
    return sp;
}

/* Format one conversion whose letter is c; false if c is not one we know. */
static bool put_conversion(struct sink *s, const struct spec *sp, char c,
               va_list *ap)
{
    switch (c) {
    case 'd':
    case 'i':
        put_signed(s, sp, fetch_signed(ap, sp->length));
        return true;
    case 'u':
        put_number(s, sp, "", fetch_unsigned(ap, sp->length), 10, false);
        return true;
    case 'x':
    case 'X':
        put_number(s, sp, "", fetch_unsigned(ap, sp->length), 16, c == 'X');
        return true;
    case 'p':
        put_number(s, sp, "0x", (uintptr_t)va_arg(*ap, void *), 16, false);
        return true;
    case 's':
        put_string(s, sp, va_arg(*ap, const char *));
        return true;
    case 'c': {
        char ch = (char)va_arg(*ap, int);
        struct spec text = *sp;

        text.zero = false;
        put_field(s, &text, "", &ch, 1);
        return true;
    }
    case '%':
        put_char(s, '%');
        return true;
    default:
        return false;
    }
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s = { buf, size, 0 };
    va_list args;

    /*
     * Helpers take a pointer to a local copy: passing a va_list parameter
     * by address is not portable (it is an array type on some ABIs, and
     * the host tests build this file too).
     */
    va_copy(args, ap);
    while (*fmt) {
        const char *start = fmt;
        struct spec sp;

        if (*fmt != '%') {
            put_char(&s, *fmt++);
            continue;
        }
        fmt++;
        sp = parse_spec(&fmt);
        if (*fmt && put_conversion(&s, &sp, *fmt, &args)) {
            fmt++;
            continue;
        }
        /* Unknown or truncated conversion: copy it through as text. */
        put_chars(&s, start, (size_t)(fmt - start));
    }
    va_end(args);
    if (size)
        buf[s.len < size ? s.len : size - 1] = '\0';
    return (int)s.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
