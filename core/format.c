/* format.c - printf-style formatting of the core's messages and names.
 *
 * Natively this is vsnprintf. In the WebAssembly module the C library's
 * printf (with its long-double float formatting, about 8 KB of the module)
 * is left out: the module's host, JavaScript, formats instead, reading the
 * arguments where wasm32's varargs put them. Its float digits are exact
 * (BigInt arithmetic on the double's bits, ties to even), so both give the
 * same bytes for the conversions the core uses; tests/c/test_common.c checks
 * a table of them natively and in wasm.
 *
 * Supported, in both: the flags - and 0, a width and a precision (numbers
 * or *), the length modifiers h l ll z j t, and d i u x c s g %: what the
 * core's messages use. Anything else is written out as it stands in the
 * wasm build, so a new conversion shows in tests/c/test_common.c's table.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>

/* Writes at most size - 1 bytes and a NUL to buf; returns the length the
 * whole output has (as vsnprintf). args: the varargs area, each argument at
 * its own alignment (4 bytes; 8 for 64-bit integers and doubles). Output is
 * built as a string of byte values, so text passes through as raw bytes. */
EM_JS(int, descent_js_format, (char *buf, int size, const char *fmt, const char *args), {
    var U8 = HEAPU8, p = args, out = "", i = fmt, B = BigInt, ten = B(10), two = B(2);
    function take(n) { p = (p + n - 1) & -n; var at = p; p += n; return at; }
    function num() { var n = 0; while (U8[i] > 47 && U8[i] < 58) n = n * 10 + U8[i++] - 48; return n; }
    function star() { return U8[i] == 42 ? (i++, HEAP32[take(4) >> 2]) : num(); }
    /* round_half_even(x / 10^s) for a finite x >= 0, exactly: x = m 2^q as a fraction of BigInts. */
    function digits(x, s) {
        var dv = new DataView(new ArrayBuffer(8)), hi, e, m, q, n, d = B(1), r;
        dv.setFloat64(0, x);
        hi = dv.getUint32(0); e = hi >>> 20;
        m = B(hi & 1048575) * B(4294967296) + B(dv.getUint32(4)) + (e ? B(4503599627370496) : B(0));
        q = e ? e - 1075 : -1074;
        n = m * (q > 0 ? two ** B(q) : B(1)) * (s < 0 ? ten ** B(-s) : B(1));
        d = (q < 0 ? two ** B(-q) : d) * (s > 0 ? ten ** B(s) : B(1));
        r = n % d * two; n /= d;
        return (r > d || (r == d && n % two)) ? n + B(1) : n;
    }
    /* C's %.Pg: P significant digits, the style by the exponent, no trailing zeros. */
    function g(x, P) {
        var e = x ? Math.floor(Math.log10(x)) : 0, n = B(0), d;
        for (var k = 0; k < 4 && x; k++) {
            n = digits(x, e - P + 1);
            if (n >= ten ** B(P)) e++; else if (n < ten ** B(P - 1)) e--; else break;
        }
        if (e < -4 || e >= P) {
            d = n.toString();
            d = d[0] + '.' + d.slice(1) + 'e' + (e < 0 ? '-' : '+') + (Math.abs(e) < 10 ? '0' : "") + Math.abs(e);
        } else {
            var f = P - 1 - e; /* n is x 10^f rounded: f fraction digits */
            d = n.toString().padStart(f + 1, '0');
            if (f > 0) d = d.slice(0, d.length - f) + '.' + d.slice(d.length - f);
        }
        /* no trailing zeros in the fraction, nor a bare point (no regular
         * expression: EM_JS's text loses backslashes) */
        var k = d.indexOf('e'), m = k < 0 ? d : d.slice(0, k);
        if (m.indexOf('.') >= 0) {
            while (m.slice(-1) == '0') m = m.slice(0, -1);
            if (m.slice(-1) == '.') m = m.slice(0, -1);
        }
        return m + (k < 0 ? "" : d.slice(k));
    }
    while (U8[i]) {
        var c = String.fromCharCode(U8[i++]), left = 0, zero = 0, width, prec = -1, len = "", v, s, sign = "";
        if (c != '%') { out += c; continue; }
        for (; U8[i] == 45 || U8[i] == 48; i++) U8[i] == 45 ? left = 1 : zero = 1;
        width = star();
        if (width < 0) { left = 1; width = -width; }
        if (U8[i] == 46) { i++; prec = star(); }
        while ('hlzjt'.indexOf(c = String.fromCharCode(U8[i++])) >= 0) len += c;
        var wide = len == 'll' || len == 'j';
        if (c == '%') s = '%';
        else if (c == 's') {
            v = HEAPU32[take(4) >> 2]; s = v ? "" : '(null)';
            for (var n = 0; v && U8[v + n] && (prec < 0 || n < prec); n++) s += String.fromCharCode(U8[v + n]);
        } else if (c == 'c') s = String.fromCharCode(HEAP32[take(4) >> 2] & 255);
        else if (c == 'g') {
            v = take(8); var x = HEAPF64[v >> 3];
            if (HEAPU32[(v >> 2) + 1] >>> 31) { sign = '-'; x = -x; }
            s = x != x ? 'nan' : x == Infinity ? 'inf' : g(x, prec < 0 ? 6 : prec || 1);
            if (x != x || x == Infinity) zero = 0;
        } else if ('diux'.indexOf(c) >= 0) {
            v = wide ? take(8) : take(4);
            v = wide ? B(HEAPU32[(v >> 2) + 1]) * B(4294967296) + B(HEAPU32[v >> 2]) : B(HEAPU32[v >> 2]);
            if (c < 'u' && v >= (wide ? two ** B(63) : two ** B(31))) { sign = '-'; v = (wide ? two ** B(64) : two ** B(32)) - v; }
            s = v.toString(c == 'x' ? 16 : 10);
        } else { out += '%' + c; continue; }
        if (zero && !left && c != 's' && c != 'c') s = s.padStart(width - sign.length, '0');
        s = sign + s;
        out += left ? s.padEnd(width) : s.padStart(width);
    }
    for (var j = 0; j < size - 1 && j < out.length; j++) U8[buf + j] = out.charCodeAt(j);
    if (size > 0) U8[buf + j] = 0;
    return out.length;
});
#endif

int descent_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
#ifdef __EMSCRIPTEN__
    /* wasm32's va_list is a pointer to the arguments. */
    const char *args;
    _Static_assert(sizeof(va_list) == sizeof(args), "wasm32 va_list is a pointer");
    memcpy(&args, &ap, sizeof args);
    return descent_js_format(buf, size > 0x7fffffff ? 0x7fffffff : (int)size, fmt, args);
#else
    return vsnprintf(buf, size, fmt, ap);
#endif
}

int descent_format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = descent_vformat(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
