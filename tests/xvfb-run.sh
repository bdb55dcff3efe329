#!/bin/sh
# Runs a command on a private Xvfb display, so UI tests never touch the
# developer's desktop and run the same in CI.
set -eu

command -v Xvfb >/dev/null 2>&1 || { echo "xvfb-run.sh: Xvfb is required for UI tests (apt-get install xvfb)" >&2; exit 1; }

tmp=$(mktemp -d)
# Xvfb must not hold meson's output pipe: meson waits for EOF on it.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/display" >/dev/null 2>"$tmp/log" &
xvfb=$!
trap 'kill "$xvfb" 2>/dev/null || true; wait "$xvfb" 2>/dev/null || true; rm -rf "$tmp"' EXIT INT TERM

i=0
while [ ! -s "$tmp/display" ]; do
  i=$((i + 1))
  if [ "$i" -gt 200 ] || ! kill -0 "$xvfb" 2>/dev/null; then
    echo "xvfb-run.sh: Xvfb did not start:" >&2
    cat "$tmp/log" >&2
    exit 1
  fi
  sleep 0.05
done

DISPLAY=":$(cat "$tmp/display")"
export DISPLAY
unset WAYLAND_DISPLAY

# A private session bus for the test's lifetime. Without one, GLib
# autolaunches a bus through dbus-launch on this display, and that daemon
# outlives the test holding meson's pipe open until the test times out.
command -v dbus-run-session >/dev/null 2>&1 || { echo "xvfb-run.sh: dbus-run-session is required (apt-get install dbus)" >&2; exit 1; }
dbus-run-session -- "$@"
