# extract.awk - pulls the ABI-relevant declarations out of a tapi.h, for
# tests/abi/check.sh.  POSIX awk (works with mawk and gawk).
#
#   awk -v mode=defines -f extract.awk tapi.h
#       "NAME VALUE" for each object-like #define whose value is an integer
#       literal (optionally wrapped in __MSABI_LONG()) or the name of such a
#       define.  Values are printed as written.
#   awk -v mode=structs -f extract.awk tapi.h
#       "S TYPEDEF" for each typedef'd struct, then "F TYPEDEF member" for each
#       member in declaration order (members of a named nested union/struct
#       as "outer.inner", after "outer"), then "P TYPEDEF LPNAME" for each
#       pointer typedef declared with it.
#   awk -v mode=protos -f extract.awk tapi.h
#       "name<TAB>declaration" for each "LONG WINAPI line...(...);" prototype
#       (an optional TAPI_API in front is dropped), whitespace normalized.
#   awk -v mode=aliases -f extract.awk tapi.h
#       "ALIAS TARGET" for each "#define lineXxx lineYyy" (function-name
#       aliases such as lineMakeCallA -> lineMakeCall).

function strip_comments(line,    out, i, j) {
    out = ""
    while (length(line) > 0) {
        if (incomment) {
            i = index(line, "*/")
            if (i == 0)
                return out
            line = substr(line, i + 2)
            incomment = 0
        } else {
            i = index(line, "/*")
            j = index(line, "//")
            if (j > 0 && (i == 0 || j < i))
                return out substr(line, 1, j - 1)
            if (i == 0)
                return out line
            out = out substr(line, 1, i - 1) " "
            line = substr(line, i + 2)
            incomment = 1
        }
    }
    return out
}

function trim(s) {
    sub(/^[ \t]+/, "", s)
    sub(/[ \t]+$/, "", s)
    return s
}

function is_number(v) {
    return v ~ /^-?(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*$/
}

# Last identifier of a declarator such as "DWORD dwFoo", "BYTE Data4[8]",
# "LINEFORWARD ForwardList[1]", "char *p".
function declarator_name(d,    n, w) {
    sub(/\[[^]]*\]/, "", d)
    d = trim(d)
    n = split(d, w, /[ \t*]+/)
    return w[n]
}

# --- structs ------------------------------------------------------------

function struct_line(line,    t, n, parts, k, name, first, i, nm, pre) {
    t = trim(line)
    if (t == "")
        return
    if (t ~ /^(__C89_NAMELESS[ \t]+)?(union|struct)[ \t]*[A-Za-z0-9_]*[ \t]*\{$/) {
        depth++
        nstart[depth] = nf
        return
    }
    if (t ~ /^\}/) {
        t = substr(t, 2)
        sub(/;[ \t]*$/, "", t)
        t = trim(t)
        if (depth == 1) {
            # "} NAME, *LPNAME, ..." ends the typedef
            n = split(t, parts, ",")
            name = trim(parts[1])
            print "S " name
            for (i = 1; i <= nf; i++)
                print "F " name " " field[i]
            for (k = 2; k <= n; k++) {
                first = trim(parts[k])
                if (first ~ /^\*/) {
                    sub(/^\*[ \t]*/, "", first)
                    print "P " name " " first
                }
            }
            depth = 0
            nf = 0
            return
        }
        # end of a nested union/struct: "} Name;" prefixes its members
        nm = t
        if (nm != "") {
            for (i = nf; i > nstart[depth]; i--)
                field[i + 1] = nm "." field[i]
            field[nstart[depth] + 1] = nm
            nf++
        }
        depth--
        return
    }
    sub(/;[ \t]*$/, "", t)
    n = split(t, parts, ",")
    for (k = 1; k <= n; k++)
        field[++nf] = declarator_name(parts[k])
}

# --- main ---------------------------------------------------------------

{
    line = strip_comments($0)
}

mode == "defines" || mode == "aliases" {
    if (line !~ /^[ \t]*#[ \t]*define[ \t]+/)
        next
    sub(/^[ \t]*#[ \t]*define[ \t]+/, "", line)
    name = line
    sub(/[ \t(].*$/, "", name)
    rest = substr(line, length(name) + 1)
    if (rest ~ /^\(/)
        next                    # function-like macro
    value = trim(rest)
    if (mode == "aliases") {
        if (name ~ /^line[A-Za-z0-9_]*$/ && value ~ /^line[A-Za-z0-9_]*$/)
            print name " " value
        next
    }
    if (value ~ /^__MSABI_LONG\(.*\)$/) {
        sub(/^__MSABI_LONG\(/, "", value)
        sub(/\)$/, "", value)
        value = trim(value)
    }
    if (!(name in defval))
        order[++ndef] = name
    defval[name] = value
    next
}

mode == "structs" {
    if (depth == 0) {
        if (line ~ /^[ \t]*typedef[ \t]+struct[ \t]+[A-Za-z0-9_]*[ \t]*\{/) {
            depth = 1
            nf = 0
        }
        next
    }
    struct_line(line)
    next
}

mode == "protos" {
    if (!inproto && line ~ /^[ \t]*(TAPI_API[ \t]+)?LONG[ \t]+WINAPI[ \t]+line[A-Za-z0-9_]*[ \t]*\(/) {
        inproto = 1
        proto = ""
    }
    if (inproto) {
        proto = proto " " line
        if (line ~ /\)[ \t]*;/) {
            inproto = 0
            sub(/^[ \t]*TAPI_API[ \t]+/, "", proto)
            sub(/^[ \t]*/, "", proto)
            gsub(/[ \t]+/, " ", proto)
            gsub(/ ?\( ?/, "(", proto)
            gsub(/ ?\) ?/, ")", proto)
            gsub(/ ?, ?/, ",", proto)
            gsub(/ ?\* ?/, "*", proto)
            sub(/ ?;.*$/, ";", proto)
            fname = proto
            sub(/^LONG WINAPI /, "", fname)
            sub(/\(.*$/, "", fname)
            print fname "\t" proto
        }
    }
    next
}

END {
    if (mode == "defines") {
        for (i = 1; i <= ndef; i++) {
            name = order[i]
            value = defval[name]
            if (is_number(value) || ((value in defval) && is_number(defval[value])))
                print name " " value
        }
    }
}
