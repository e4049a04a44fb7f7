#!/bin/sh
# opentapi.sh - the two commands of the README, on a fresh Debian 12 machine:
#   ./opentapi.sh demo    build, then run the main job: `tapi demo` on the embedded switch
#   ./opentapi.sh test    build, then run the whole test suite (plain, ASan+UBSan, TSan,
#                         ABI check against mingw-w64's tapi.h, install + pkg-config)
#   ./opentapi.sh deps    only install the Debian packages the build and the tests need
# Missing Debian packages are installed with apt-get (as root, or with sudo).
set -eu
cd "$(dirname "$0")"

# package: a file it provides (checked before installing anything)
DEPS_BUILD="gcc:/usr/bin/gcc make:/usr/bin/make pkg-config:/usr/bin/pkg-config libsofia-sip-ua-dev:/usr/include/sofia-sip-1.12/sofia-sip/nua.h libpcap-dev:/usr/include/pcap/pcap.h libjansson-dev:/usr/include/jansson.h libssl-dev:/usr/include/openssl/ssl.h"
DEPS_TEST="g++:/usr/bin/g++ mawk:/usr/bin/mawk procps:/usr/bin/ps mingw-w64-common:/usr/share/mingw-w64/include/tapi.h sip-tester:/usr/bin/sipp kamailio:/usr/sbin/kamailio cmake:/usr/bin/cmake man-db:/usr/bin/man tshark:/usr/bin/tshark sngrep:/usr/bin/sngrep python3:/usr/bin/python3 chromium:/usr/bin/chromium kamailio-extra-modules:/usr/share/doc/kamailio-extra-modules/copyright"

install_deps() {
    missing=""
    for d in "$@"; do
        pkg=${d%%:*}
        file=${d#*:}
        [ -e "$file" ] || missing="$missing $pkg"
    done
    [ -z "$missing" ] && return 0
    echo "opentapi.sh: installing Debian packages:$missing"
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    # tshark's wireshark-common asks whether non-root users may capture: no.
    case "$missing" in *tshark*)
        echo "wireshark-common wireshark-common/install-setuid boolean false" |
            $SUDO debconf-set-selections ;;
    esac
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

jobs=$(nproc 2>/dev/null || echo 2)
case "${1:-}" in
    deps)
        # shellcheck disable=SC2086
        install_deps $DEPS_BUILD $DEPS_TEST
        ;;
    demo)
        # shellcheck disable=SC2086
        install_deps $DEPS_BUILD
        make -s -j"$jobs" WERROR=1 build/tapi
        exec build/tapi demo
        ;;
    test)
        # shellcheck disable=SC2086
        install_deps $DEPS_BUILD $DEPS_TEST
        make -s -j"$jobs" WERROR=1 all
        exec make -s WERROR=1 test
        ;;
    *)
        echo "usage: ./opentapi.sh demo | test | deps" >&2
        exit 2
        ;;
esac
