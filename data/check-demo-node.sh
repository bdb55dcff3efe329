#!/bin/sh
# Check that the libvirt test-driver node file loads and defines enough domains.
#
# Usage: check-demo-node.sh VIRSH NODE-XML MIN-DOMAINS
#
# Every problem is a failure (exit 1), never a skip: a missing virsh or a node
# file the test driver rejects must not go unnoticed.

set -u

if [ $# -ne 3 ]; then
    echo "usage: $0 VIRSH NODE-XML MIN-DOMAINS" >&2
    exit 1
fi

virsh=$1
node=$2
min=$3

if ! command -v "$virsh" >/dev/null 2>&1; then
    echo "FAIL: virsh not found: $virsh" >&2
    exit 1
fi

if [ ! -r "$node" ]; then
    echo "FAIL: cannot read node file: $node" >&2
    exit 1
fi

# test:/// needs an absolute path.
case $node in
    /*) ;;
    *) node=$(cd "$(dirname "$node")" && pwd)/$(basename "$node") || exit 1 ;;
esac

uri="test://$node"

if ! out=$("$virsh" -q -c "$uri" list --all --name); then
    echo "FAIL: '$virsh -c $uri list --all --name' failed" >&2
    exit 1
fi

count=$(printf '%s\n' "$out" | grep -c .)

printf '%s\n' "$out"
echo "$count domains defined in $uri"

if [ "$count" -lt "$min" ]; then
    echo "FAIL: expected at least $min domains, found $count" >&2
    exit 1
fi

exit 0
