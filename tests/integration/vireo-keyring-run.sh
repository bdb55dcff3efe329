#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# vireo-keyring-run.sh COMMAND [ARGS...]
#
# Runs COMMAND in a D-Bus session of its own with a private, unlocked
# gnome-keyring (the Secret Service libsecret talks to), in a throwaway
# HOME, so that tests of "Remember password" use the real thing and never
# touch anyone's keyring. Exits with COMMAND's status.
set -eu

if [ -z "${VIREO_KEYRING_DIR:-}" ]; then
    command -v gnome-keyring-daemon >/dev/null || { echo "vireo-keyring-run: gnome-keyring-daemon is missing (apt-get install gnome-keyring)" >&2; exit 99; }
    command -v dbus-run-session >/dev/null || { echo "vireo-keyring-run: dbus-run-session is missing (apt-get install dbus)" >&2; exit 99; }
    dir=$(mktemp -d "${TMPDIR:-/tmp}/vireo-keyring.XXXXXX")
    status=0
    VIREO_KEYRING_DIR=$dir HOME=$dir XDG_DATA_HOME=$dir/data XDG_CONFIG_HOME=$dir/config \
        XDG_CACHE_HOME=$dir/cache XDG_RUNTIME_DIR=$dir \
        dbus-run-session -- "$0" "$@" || status=$?
    rm -rf -- "$dir"
    exit "$status"
fi

mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
# A login keyring with a throwaway password, unlocked from the start.
printf 'vireo-test' | gnome-keyring-daemon --foreground --unlock --components=secrets \
    >"$VIREO_KEYRING_DIR/keyring.log" 2>&1 &
keyring=$!

i=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then
        echo "vireo-keyring-run: the keyring did not come up:" >&2
        cat "$VIREO_KEYRING_DIR/keyring.log" >&2
        kill "$keyring" 2>/dev/null || true
        exit 99
    fi
    sleep 0.1
done

status=0
"$@" || status=$?
kill "$keyring" 2>/dev/null || true
wait "$keyring" 2>/dev/null || true
exit "$status"
