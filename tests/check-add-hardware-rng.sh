#!/bin/sh
# What Add Hardware makes, for every kind and form it offers, must pass
# libvirt's own schema once it is in a domain. test-add-hardware --dump
# drives the dialog through its widgets and writes one domain per case.
# Like check-rng.sh, a machine without virt-xml-validate fails here.
#
# check-add-hardware-rng.sh XVFB-RUN TEST-ADD-HARDWARE    (TAP on stdout)
set -u
xvfb_run=$1
program=$2
validate=${VIREO_XML_VALIDATE:-virt-xml-validate}

if ! command -v "$validate" >/dev/null 2>&1; then
  echo "Bail out! $validate not found: install libvirt-clients (./vireo-dev installs it)"
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! "$xvfb_run" "$program" --dump "$tmp" > "$tmp/log" 2>&1; then
  echo "Bail out! test-add-hardware --dump failed"
  sed 's/^/# /' "$tmp/log"
  exit 1
fi

count=$(find "$tmp" -name '*.xml' | wc -l)
if [ "$count" -eq 0 ]; then
  echo "Bail out! no domain was written"
  exit 1
fi
echo "1..$count"

n=0
status=0
for f in "$tmp"/*.xml; do
  n=$((n + 1))
  name=$(basename "$f" .xml)
  if out=$("$validate" "$f" domain 2>&1); then
    echo "ok $n - $name"
  else
    echo "not ok $n - $name"
    printf '%s\n' "$out" | sed 's/^/# /'
    sed -n '/<devices>/,/<\/devices>/p' "$f" | sed 's/^/# /'
    status=1
  fi
done
exit $status
