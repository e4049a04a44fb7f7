# extract3.awk - pulls the ABI-relevant declarations out of a TAPI 3 header
# (ours, or mingw-w64's tapi3if.h, tapi3err.h, ...), for tests/abi/check_tapi3.sh.
# POSIX awk (works with mawk and gawk).  Comments are ignored.
#
#   awk -v mode=enums -f extract3.awk header...
#       "E TYPE NAME" for each enumerator of each "typedef enum [TAG] {...} TYPE;",
#       in declaration order, and "B TYPE<TAB>typedef enum ... TYPE;" (the
#       whole declaration on one line, to be compiled elsewhere).
#   awk -v mode=vtbls -f extract3.awk header...
#       "V IFACE METHOD NPARAMS" for each function pointer of each
#       "typedef struct IFACEVtbl {...}", in slot order (NPARAMS counts This).
#       Run on preprocessed text when the slots come from macros.
#   awk -v mode=defines -f extract3.awk header...
#       "NAME<TAB>#define ..." for each #define (object-like or function-like,
#       continuation lines joined), the first definition of a name winning.

function strip_comments(s,    out, i, j) {
    out = ""
    while (length(s) > 0) {
        i = index(s, "/*")
        j = index(s, "//")
        if (j > 0 && (i == 0 || j < i)) {
            out = out substr(s, 1, j - 1)
            s = substr(s, j + 2)
            i = index(s, "\n")
            if (i == 0)
                return out
            s = substr(s, i)
            continue
        }
        if (i == 0)
            return out s
        out = out substr(s, 1, i - 1) " "
        s = substr(s, i + 2)
        i = index(s, "*/")
        if (i == 0)
            return out
        s = substr(s, i + 2)
    }
    return out
}

function trim(s) {
    sub(/^[ \t\n]+/, "", s)
    sub(/[ \t\n]+$/, "", s)
    return s
}

function oneline(s) {
    gsub(/[ \t\n]+/, " ", s)
    return trim(s)
}

# Index in s of the parenthesis closing the one at position p (0 if none);
# sets NCOMMA to the commas at depth 1.
function close_paren(s, p,    d, k, c) {
    d = 0
    NCOMMA = 0
    for (k = p; k <= length(s); k++) {
        c = substr(s, k, 1)
        if (c == "(")
            d++
        else if (c == ")") {
            if (--d == 0)
                return k
        } else if (c == "," && d == 1)
            NCOMMA++
    }
    return 0
}

function do_enums(s,    b, e, body, rest, name, n, items, k, it, decl) {
    while (match(s, /typedef[ \t\n]+enum[ \t\n]*[A-Za-z_0-9]*[ \t\n]*\{/)) {
        s = substr(s, RSTART)
        b = index(s, "{")
        e = index(s, "}")
        if (e == 0)
            return
        body = substr(s, b + 1, e - b - 1)
        rest = substr(s, e + 1)
        if (!match(rest, /^[ \t\n]*[A-Za-z_][A-Za-z_0-9]*[ \t\n]*;/)) {
            s = rest
            continue
        }
        name = trim(substr(rest, 1, RLENGTH - 1))
        decl = substr(s, 1, e + RLENGTH)
        s = substr(rest, RLENGTH + 1)
        if (name in seen_enum)
            continue
        seen_enum[name] = 1
        n = split(body, items, ",")
        for (k = 1; k <= n; k++) {
            it = trim(items[k])
            if (it == "")
                continue
            sub(/[ \t\n]*=.*/, "", it)
            print "E " name " " it
        }
        print "B " name "\t" oneline(decl)
    }
}

function do_vtbls(s,    iface, e, body, p, q, m, np, inner) {
    while (match(s, /typedef[ \t\n]+struct[ \t\n]+[A-Za-z_0-9]+Vtbl[ \t\n]*\{/)) {
        iface = substr(s, RSTART, RLENGTH)
        sub(/^typedef[ \t\n]+struct[ \t\n]+/, "", iface)
        sub(/Vtbl[ \t\n]*\{$/, "", iface)
        s = substr(s, RSTART + RLENGTH)
        e = index(s, "}")
        if (e == 0)
            return
        body = substr(s, 1, e - 1)
        s = substr(s, e + 1)
        if (iface in seen_vtbl)
            continue
        seen_vtbl[iface] = 1
        while (match(body, /\*[ \t\n]*[A-Za-z_][A-Za-z_0-9]*[ \t\n]*\)[ \t\n]*\(/)) {
            m = substr(body, RSTART + 1, RLENGTH - 1)
            sub(/^[ \t\n]*/, "", m)
            sub(/[ \t\n]*\)[ \t\n]*\($/, "", m)
            p = RSTART + RLENGTH - 1 # the "(" of the parameter list
            q = close_paren(body, p)
            if (q == 0)
                break
            inner = trim(substr(body, p + 1, q - p - 1))
            np = (inner == "" || inner == "void") ? 0 : NCOMMA + 1
            print "V " iface " " m " " np
            body = substr(body, q + 1)
        }
    }
}

mode == "defines" {
    line = $0
    while (line ~ /\\$/ && (getline nxt) > 0)
        line = substr(line, 1, length(line) - 1) " " nxt
    if (line !~ /^[ \t]*#[ \t]*define[ \t]+[A-Za-z_]/)
        next
    line = oneline(strip_comments(line))
    name = line
    sub(/^#[ \t]*define[ \t]+/, "", name)
    match(name, /^[A-Za-z_][A-Za-z_0-9]*/)
    name = substr(name, 1, RLENGTH)
    if (!(name in seen_def)) {
        seen_def[name] = 1
        print name "\t" line
    }
    next
}

{ text = text $0 "\n" }

END {
    if (mode == "defines")
        exit 0
    text = strip_comments(text)
    if (mode == "enums")
        do_enums(text)
    else if (mode == "vtbls")
        do_vtbls(text)
    else {
        print "extract3.awk: unknown mode " mode > "/dev/stderr"
        exit 2
    }
}
