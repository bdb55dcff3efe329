#!/bin/sh
# Every source file with a translatable string must be listed in
# po/POTFILES.in, or its strings silently never reach translators.
set -eu
top=$1
cd "$top"
status=0
for f in $(grep -rlE '(^|[^A-Za-z0-9_])N?_ ?\(|translatable="yes"' app ui data --include='*.c' --include='*.ui' --include='*.in' --include='*.xml' | sort); do
  case "$f" in data/vireo-demo.xml) continue ;; esac
  if ! grep -qx "$f" po/POTFILES.in; then
    echo "missing from po/POTFILES.in: $f" >&2
    status=1
  fi
done
while read -r f; do
  [ -z "$f" ] && continue
  [ -f "$f" ] || { echo "listed in po/POTFILES.in but missing: $f" >&2; status=1; }
done < po/POTFILES.in
exit $status
