#!/usr/bin/env bash
# vireo-testenv.sh - a private libvirtd + virtlogd for Vireo's integration tests.
#
#   vireo-testenv.sh start STATE_DIR           start an environment, write STATE_DIR/env
#   vireo-testenv.sh stop STATE_DIR            tear it down completely (idempotent)
#   vireo-testenv.sh run [--] CMD [ARGS...]    start in a temp dir, run CMD, always stop
#   vireo-testenv.sh kill-daemon STATE_DIR     kill -9 libvirtd (guests keep running)
#   vireo-testenv.sh restart-daemon STATE_DIR  (re)start libvirtd (and a dead sshd) in the same namespace
#   vireo-testenv.sh status STATE_DIR          show what is running
#   vireo-testenv.sh cut-ssh STATE_DIR         drop every SSH connection (sshd keeps listening)
#   vireo-testenv.sh relay STATE_DIR tcp|ssh|PORT DELAY_MS
#                                              start a delaying relay, print "port=P pid=PID"
#   vireo-testenv.sh relay-ctl STATE_DIR PID block|resume|reset|stop
#                                              signal a relay and wait until it took effect
#
# The daemons (virtlogd, libvirtd, sshd) run in a private mount namespace
# (held by vireo-holder.py, a child subreaper) in which /etc/libvirt,
# /run/libvirt, /var/lib/libvirt, /var/log/libvirt and /var/cache/libvirt are
# bind mounts of STATE_DIR directories, so the system's configuration,
# domains and networks are never loaded or touched.  See README.md next to
# this file.
set -euo pipefail

# CI may run us with a minimal PATH; the tools we need live in sbin too.
PATH="${PATH:-/usr/bin:/bin}:/usr/sbin:/sbin"
SELF=$(readlink -f -- "${BASH_SOURCE[0]}")
HERE=$(dirname -- "$SELF")
HOLDER="$HERE/vireo-holder.py"
RELAY="$HERE/vireo-relay.py"
GUEST_XML="$HERE/tcg-guest.xml"

if [[ -n ${VIREO_TESTENV_PYTHON:-} ]]; then
    PYTHON=$VIREO_TESTENV_PYTHON
elif [[ -x /usr/bin/python3 ]]; then
    PYTHON=/usr/bin/python3          # avoid pyenv shims etc. in PATH
else
    PYTHON=$(command -v python3 || true)
fi
VIRSH=$(command -v virsh || true)
LOCK_DIR=${VIREO_TESTENV_LOCK_DIR:-/run/lock/vireo-testenv}
START_TIMEOUT=${VIREO_TESTENV_START_TIMEOUT:-60}

# Resource plan.  Every environment takes a "slot" K (0..MAX_SLOTS-1), held
# by an flock on $LOCK_DIR/slot-K.lock for as long as its holder lives, and
# gets disjoint ports, bridge names and subnets.  All ports are below the
# kernel's ephemeral range (32768+) so outgoing connections cannot take them.
MAX_SLOTS=16
TCP_PORT_BASE=24000          # libvirtd qemu+tcp listener: 24000+K
SSH_PORT_BASE=24100          # sshd in the namespace: 24100+K
DISPLAY_PORT_BASE=24200      # VNC/SPICE: 32 per slot, 24200..24711
WEBSOCKET_PORT_BASE=24800    # VNC websockets: 16 per slot, 24800..25055
MIGRATION_PORT_BASE=25100    # migration: 32 per slot, 25100..25611
# Bridges: vtest-K-*  (at most 15 characters in total)
# IPv4:    10.77.(16K).0/20, i.e. sixteen /24s per slot

die() { printf 'vireo-testenv: error: %s\n' "$*" >&2; exit 1; }
note() { printf 'vireo-testenv: %s\n' "$*" >&2; }

usage() {
    sed -n '3,14s/^# \{0,1\}//p' "$SELF" >&2
    exit 2
}

now() { printf '%s' "$EPOCHREALTIME"; }
elapsed() { # START -> seconds with 2 decimals
    local s=${1/./} e=${EPOCHREALTIME/./}
    local d=$(( (e - s) / 10000 ))
    printf '%d.%02d' $((d / 100)) $((d % 100))
}

require_tools() {
    [[ $(id -u) == 0 ]] || die "must run as root (it mounts in a private namespace and runs a system-mode libvirtd)"
    [[ -n $PYTHON && -x $PYTHON ]] || die "python3 not found (set VIREO_TESTENV_PYTHON)"
    [[ -n $VIRSH ]] || die "virsh not found (install libvirt-clients)"
    local t
    for t in /usr/sbin/libvirtd /usr/sbin/virtlogd /usr/bin/unshare /usr/bin/nsenter /usr/bin/flock \
             /usr/bin/timeout /usr/sbin/sshd /usr/bin/ssh /usr/bin/ssh-keygen; do
        [[ -x $t ]] || die "$t not found (see README.md for the packages to install)"
    done
    [[ -r $HOLDER ]] || die "$HOLDER is missing"
    [[ -r $RELAY ]] || die "$RELAY is missing"
}

# state_path RAW CREATE -> sets STATE to the canonical absolute path.
state_path() {
    local raw=${1-} create=${2-no}
    [[ -n $raw ]] || die "STATE_DIR argument missing"
    if [[ $create == yes ]]; then
        mkdir -p -- "$raw" || die "cannot create $raw"
    fi
    STATE=$(realpath -e -- "$raw" 2>/dev/null) || { STATE=""; return 1; }
    [[ $STATE =~ ^/[A-Za-z0-9._/+-]+$ ]] ||
        die "STATE_DIR '$STATE' may only contain A-Z a-z 0-9 . _ / + - (it ends up in URIs and config files)"
    case $STATE in
        / | /etc | /etc/* | /run | /run/libvirt | /run/libvirt/* | /var | /var/lib | /var/lib/libvirt | \
        /var/lib/libvirt/* | /var/log | /var/log/libvirt | /var/log/libvirt/* | /var/cache | \
        /var/cache/libvirt | /var/cache/libvirt/* | /usr | /usr/* | /proc | /proc/* | /sys | /sys/* | \
        /dev | /dev/*)
            die "refusing to use '$STATE' as STATE_DIR" ;;
    esac
    # sun_path is 108 bytes; the longest socket is run/libvirt/libvirt-admin-sock
    (( ${#STATE} + 31 < 108 )) || die "STATE_DIR '$STATE' is too long for a unix socket path"
    return 0
}

set_paths() {
    SOCK="$STATE/run/libvirt/libvirt-sock"
    URI="qemu:///system?socket=$SOCK"
    NS_FILE="$STATE/pids/holder.ns"
}

# ns_of PID -> "dev:ino" of its mount namespace (fails for dead/zombie)
ns_of() { stat -L -c '%d:%i' "/proc/$1/ns/mnt" 2>/dev/null; }

env_ns() { [[ -r $NS_FILE ]] && cat -- "$NS_FILE"; }

# read_line FILE VAR: first line of FILE into VAR; fails quietly if FILE is
# missing.  (Never $(<FILE): with set -e a vanished file kills the shell.)
read_line() {
    local line=""
    { IFS= read -r line <"$1" || [[ -n $line ]]; } 2>/dev/null || return 1
    printf -v "$2" '%s' "$line"
}

read_pid() { # FILE -> pid on stdout if the file holds one
    local p
    read_line "$1" p || return 1
    p=${p//[[:space:]]/}
    [[ $p =~ ^[0-9]+$ ]] || return 1
    printf '%s' "$p"
}

# in_env PID: the process is alive, lives in this environment's namespace
# and sees STATE's bind mount on /var/lib/libvirt (namespace inode numbers
# are reused at once, so a stale holder.ns could name someone else's).
in_env() {
    local ns pns sig
    ns=$(env_ns) || return 1
    [[ -n $ns ]] || return 1
    pns=$(ns_of "$1") || return 1
    [[ $pns == "$ns" ]] || return 1
    read_line "$STATE/pids/holder.mnt" sig || return 1
    grep -qF -- " $sig /var/lib/libvirt " "/proc/$1/mountinfo" 2>/dev/null
}

holder_pid() { local p; p=$(read_pid "$STATE/pids/holder.pid") && in_env "$p" && printf '%s' "$p"; }
libvirtd_pid() {
    local p comm
    p=$(read_pid "$STATE/pids/libvirtd.pid") || return 1
    in_env "$p" || return 1
    read_line "/proc/$p/comm" comm || return 1
    [[ $comm == libvirtd ]] && printf '%s' "$p"
}

env_alive() { # any process left in the namespace?
    [[ -r $NS_FILE ]] || return 1
    holder_pid >/dev/null && return 0
    "$PYTHON" "$HOLDER" nsalive "$STATE"
}

wait_gone() { # PID TIMEOUT_TENTHS
    local i
    for ((i = 0; i < $2; i++)); do
        in_env "$1" || return 0
        sleep 0.1
    done
    ! in_env "$1"
}

virsh_ok() { # URI -> daemon answers
    timeout 10 "$VIRSH" -q -c "$1" uri >/dev/null 2>&1 </dev/null
}

ssh_banner_ok() { # PORT -> something on 127.0.0.1:PORT greets like sshd
    local fd line=""
    { exec {fd}<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
    read -r -t 2 -u "$fd" line || true
    exec {fd}>&-
    [[ $line == SSH-2.0-* ]]
}

show_logs() {
    local f
    for f in "$STATE/log/holder.log" "$STATE/log/virtlogd.stderr" "$STATE/log/libvirtd.stderr" \
             "$STATE/log/libvirtd.log" "$STATE/log/sshd.stderr"; do
        [[ -s $f ]] || continue
        printf -- '----- %s (last 25 lines) -----\n' "$f" >&2
        tail -n 25 -- "$f" >&2 || true
    done
}

# Print libvirtd's warnings/errors, minus the ones every start logs on these
# machines (no D-Bus, no DMI/dmidecode, security driver "none", guests
# running as root, cgroups disabled).
daemon_errors() {
    local f=$1 lines
    [[ -s $f ]] || return 0
    lines=$(grep -E ': (warning|error) : ' -- "$f" |
        grep -vE 'virGDBusGetSystemBus|DBus not available|udevGetDMIData|dmidecode|security driver "none"|tainted: high-privileges|At least one cgroup controller is required' |
        tail -n 20) || true
    [[ -n $lines ]] || return 0
    printf -- '----- %s: warnings and errors (last 20) -----\n%s\n' "$f" "$lines" >&2
}

slot_values() { # K -> globals for that slot
    SLOT=$1
    TCP_PORT=$((TCP_PORT_BASE + SLOT))
    SSH_PORT=$((SSH_PORT_BASE + SLOT))
    DISPLAY_MIN=$((DISPLAY_PORT_BASE + 32 * SLOT)); DISPLAY_MAX=$((DISPLAY_MIN + 31))
    WS_MIN=$((WEBSOCKET_PORT_BASE + 16 * SLOT)); WS_MAX=$((WS_MIN + 15))
    MIG_MIN=$((MIGRATION_PORT_BASE + 32 * SLOT)); MIG_MAX=$((MIG_MIN + 31))
    BRIDGE_PREFIX="vtest-$SLOT-"
    IPV4_FIRST24="10.77.$((16 * SLOT))"
    TCP_URI="qemu+tcp://127.0.0.1:$TCP_PORT/system"
    ssh_values
}

# SSH: sshd's files under STATE/etc/ssh (seen by sshd only), the client's
# under STATE/ssh (what tests use).  Never /etc/ssh or ~/.ssh.
SSH_PW_USER=vireotest
SSH_PW=vireo-test-pw
# openssl passwd -6 -salt vireotestsalt0 vireo-test-pw
# shellcheck disable=SC2016
SSH_PW_HASH='$6$vireotestsalt0$yOUFNlmYzNNIJ.58lNRonOwt/ws8SSliUPWFepdX8Qn2h/MnQ0Ca0p.hrJenP3TukcAx//rXwAbrG4Ll4esU51'

ssh_values() { # needs STATE and SSH_PORT
    SSHD_DIR="$STATE/etc/ssh"
    SSH_HOSTKEY="$SSHD_DIR/ssh_host_ed25519_key"
    SSH_DIR="$STATE/ssh"
    SSH_KEY="$SSH_DIR/id_ed25519"
    SSH_KNOWN_HOSTS="$SSH_DIR/known_hosts"
    SSH_WRAPPER="$SSH_DIR/ssh-wrapper"
    SSH_ASKPASS_SCRIPT="$SSH_DIR/askpass"
    local hp="root@127.0.0.1:$SSH_PORT/system"
    SSH_URI="qemu+ssh://$hp?keyfile=$SSH_KEY&command=$SSH_WRAPPER&no_tty=1"
    LIBSSH2_URI="qemu+libssh2://$hp?keyfile=$SSH_KEY&known_hosts=$SSH_KNOWN_HOSTS&sshauth=privkey"
    LIBSSH_URI="qemu+libssh://$hp?keyfile=$SSH_KEY&known_hosts=$SSH_KNOWN_HOSTS&sshauth=privkey"
    hp="$SSH_PW_USER@127.0.0.1:$SSH_PORT/system"
    SSH_PW_URI="qemu+ssh://$hp?command=$SSH_WRAPPER"
    LIBSSH2_PW_URI="qemu+libssh2://$hp?known_hosts=$SSH_KNOWN_HOSTS&sshauth=password"
}

port_free() { "$PYTHON" "$HOLDER" portfree "$1"; }

# acquire_slot: sets SLOT_FD (an flock'd fd the holder inherits) and slot values
acquire_slot() {
    local k fd
    mkdir -p -- "$LOCK_DIR" || die "cannot create lock directory $LOCK_DIR"
    for ((k = 0; k < MAX_SLOTS; k++)); do
        exec {fd}>>"$LOCK_DIR/slot-$k.lock"
        if flock -n "$fd"; then
            slot_values "$k"
            if port_free "$TCP_PORT" && port_free "$SSH_PORT"; then
                SLOT_FD=$fd
                return 0
            fi
            note "slot $k: port $TCP_PORT or $SSH_PORT is in use by something else, trying the next slot"
        fi
        exec {fd}>&-
    done
    die "no free environment slot (all $MAX_SLOTS in use or their ports taken; see $LOCK_DIR)"
}

write_configs() {
    local etc="$STATE/etc/libvirt" level=3 filters=""
    if [[ ${VIREO_TESTENV_DEBUG:-0} == 1 ]]; then
        level=1
        filters='log_filters = "3:remote 4:event 3:util.json 3:util.object 3:rpc 1:qemu 1:libvirt 1:conf 1:security 1:network"'
    fi
    local cgroups='cgroup_controllers = [ ]'
    rm -f -- "$STATE/cgroups-enabled"
    if [[ ${VIREO_TESTENV_CGROUPS:-0} == 1 ]]; then
        cgroups='# cgroup_controllers: libvirt default (VIREO_TESTENV_CGROUPS=1)'
        : >"$STATE/cgroups-enabled"     # stop removes the empty machine partition
    fi

    cat >"$etc/libvirtd.conf" <<EOF
# Generated by vireo-testenv.sh (slot $SLOT). Private daemon; never the system's.
listen_tls = 0
listen_tcp = 1
listen_addr = "127.0.0.1"
tcp_port = "$TCP_PORT"
auth_tcp = "none"
unix_sock_dir = "/run/libvirt"
unix_sock_group = "root"
unix_sock_ro_perms = "0777"
unix_sock_rw_perms = "0770"
unix_sock_admin_perms = "0700"
auth_unix_ro = "none"
auth_unix_rw = "none"
keepalive_interval = 5
keepalive_count = 5
log_outputs = "$level:file:$STATE/log/libvirtd.log"
$filters
EOF

    cat >"$etc/virtlogd.conf" <<EOF
# Generated by vireo-testenv.sh (slot $SLOT).
log_outputs = "3:file:$STATE/log/virtlogd.log"
EOF

    cat >"$etc/qemu.conf" <<EOF
# Generated by vireo-testenv.sh (slot $SLOT).
user = "root"
group = "root"
security_driver = "none"
vnc_listen = "127.0.0.1"
spice_listen = "127.0.0.1"
vnc_auto_unix_socket = 0
remote_display_port_min = $DISPLAY_MIN
remote_display_port_max = $DISPLAY_MAX
remote_websocket_port_min = $WS_MIN
remote_websocket_port_max = $WS_MAX
# migration_address/migration_host may not be loopback addresses (libvirt
# refuses to start); tests that migrate pass an explicit 127.0.0.1 URI.
migration_port_min = $MIG_MIN
migration_port_max = $MIG_MAX
stdio_handler = "logd"
log_timestamp = 1
# Without cgroups two environments (or the system daemon) can never share a
# /sys/fs/cgroup/*/machine/qemu-ID-NAME directory.
$cgroups
EOF

    # The package's default nwfilters (clean-traffic, ...), read-only copies.
    if [[ -d /usr/share/libvirt/nwfilter ]]; then
        cp -- /usr/share/libvirt/nwfilter/*.xml "$etc/nwfilter/" 2>/dev/null || true
    fi

    write_ssh_configs
}

# new_key FILE COMMENT: an unencrypted ed25519 key pair, kept if the
# directory is reused (like a real host's key).
new_key() {
    [[ -s $1 && -s $1.pub ]] && return 0
    rm -f -- "$1" "$1.pub"
    ssh-keygen -q -t ed25519 -N '' -C "$2" -f "$1" </dev/null >/dev/null ||
        die "ssh-keygen could not create $1"
}

write_ssh_configs() {
    mkdir -p -- "$SSHD_DIR" "$SSH_DIR" "$STATE/etc/ns"
    chmod 0700 -- "$SSHD_DIR" "$SSH_DIR"
    new_key "$SSH_HOSTKEY" "vireo-testenv-host"
    new_key "$SSH_KEY" "vireo-testenv-client"
    cp -- "$SSH_KEY.pub" "$SSHD_DIR/authorized_keys"
    local hostkey
    read_line "$SSH_HOSTKEY.pub" hostkey || die "cannot read $SSH_HOSTKEY.pub"
    hostkey=${hostkey% *}                        # "ssh-ed25519 AAAA..." (no comment)
    printf '[127.0.0.1]:%s %s\n' "$SSH_PORT" "$hostkey" >"$SSH_KNOWN_HOSTS"
    # The host key's fingerprint as ssh-keygen -l prints it, and as the
    # host-key prompts of libvirt's libssh2 transport (MD5, "04:A4:...") and
    # libssh transport (SHA256 in hex, "12:ad:...") show it.
    SSH_FINGERPRINT=$(ssh-keygen -l -E sha256 -f "$SSH_HOSTKEY.pub" | awk '{print $2}')
    SSH_FINGERPRINT_MD5=$(ssh-keygen -l -E md5 -f "$SSH_HOSTKEY.pub" | awk '{print $2}')
    [[ $SSH_FINGERPRINT == SHA256:* && $SSH_FINGERPRINT_MD5 == MD5:* ]] ||
        die "cannot get the fingerprint of $SSH_HOSTKEY"
    SSH_FINGERPRINT_MD5=${SSH_FINGERPRINT_MD5#MD5:}
    SSH_FINGERPRINT_MD5=${SSH_FINGERPRINT_MD5^^}
    SSH_FINGERPRINT_HEX=$(printf '%s=' "${SSH_FINGERPRINT#SHA256:}" | base64 -d | od -An -v -tx1 |
        tr -s ' \n' '::' | sed -e 's/^://' -e 's/:$//')
    [[ $SSH_FINGERPRINT_HEX =~ ^([0-9a-f]{2}:){31}[0-9a-f]{2}$ ]] ||
        die "cannot convert the fingerprint of $SSH_HOSTKEY"

    # sshd: key login for root, password login (and nothing else) for the
    # test user; no PAM (no systemd/logind here), no DNS. Local forwarding
    # only: remote graphical consoles are `ssh -W` channels to a display's
    # TCP port or Unix socket on the far side.
    # StrictModes off: STATE may live below a world-writable /tmp.
    cat >"$SSHD_DIR/sshd_config" <<EOF
# Generated by vireo-testenv.sh (slot $SLOT). Runs in the environment's namespace.
ListenAddress 127.0.0.1:$SSH_PORT
AddressFamily inet
HostKey $SSH_HOSTKEY
PidFile $STATE/pids/sshd.pid
AuthorizedKeysFile $SSHD_DIR/authorized_keys
AllowUsers root $SSH_PW_USER
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
HostbasedAuthentication no
GSSAPIAuthentication no
UsePAM no
StrictModes no
UseDNS no
PrintMotd no
PrintLastLog no
PermitUserRC no
PermitUserEnvironment no
X11Forwarding no
AllowTcpForwarding local
AllowStreamLocalForwarding local
AllowAgentForwarding no
PermitTunnel no
ClientAliveInterval 0
LoginGraceTime 30
MaxStartups 64:30:128
MaxAuthTries 6
LogLevel VERBOSE

# $SSH_PW_USER is uid 0 (so it reaches the read-write socket) in the
# namespace's private /etc/passwd; password only, no keys.
Match User $SSH_PW_USER
    PasswordAuthentication yes
    PermitRootLogin yes
    PubkeyAuthentication no
    AuthorizedKeysFile none
EOF

    # The namespace's /etc/passwd and /etc/shadow (bind mounts, see
    # vireo-holder.py): root's shell is /bin/sh, so SSH sessions do not run
    # the real root's ~/.bashrc; no real password hash is copied.
    sed -E -e '/^'"$SSH_PW_USER"':/d' -e 's#^(root:[^:]*:0:0:[^:]*:[^:]*):.*$#\1:/bin/sh#' \
        /etc/passwd >"$STATE/etc/ns/passwd"
    printf '%s:x:0:0:Vireo test (password login):/root:/bin/sh\n' "$SSH_PW_USER" >>"$STATE/etc/ns/passwd"
    chmod 0644 -- "$STATE/etc/ns/passwd"
    (umask 077; printf 'root:*:19000:0:99999:7:::\n%s:%s:19000:0:99999:7:::\n' \
        "$SSH_PW_USER" "$SSH_PW_HASH" >"$STATE/etc/ns/shadow")

    # The client side: libvirt's command= for the openssh transport.  It
    # never reads ~/.ssh/config or the agent and never writes ~/.ssh.
    cat >"$SSH_WRAPPER" <<EOF
#!/bin/sh
# Generated by vireo-testenv.sh: ssh for this environment (libvirt command=).
exec /usr/bin/ssh -F /dev/null \\
    -o UserKnownHostsFile=$SSH_KNOWN_HOSTS -o GlobalKnownHostsFile=/dev/null \\
    -o StrictHostKeyChecking=yes -o UpdateHostKeys=no -o CheckHostIP=no \\
    -o IdentityAgent=none -o IdentitiesOnly=yes -o ConnectTimeout=20 "\$@"
EOF
    printf '#!/bin/sh\nprintf "%%s\\n" %s\n' "$SSH_PW" >"$SSH_ASKPASS_SCRIPT"
    chmod 0755 -- "$SSH_WRAPPER" "$SSH_ASKPASS_SCRIPT"
}

# sq VALUE -> VALUE in single quotes, safe to source
sq() { local v=${1//\'/\'\\\'\'}; printf "'%s'" "$v"; }

write_env_file() {
    local tmp="$STATE/env.tmp"
    {
        printf '# Sourceable: set -a; . %s; set +a\n' "$STATE/env"
        while [[ $# -ge 2 ]]; do
            printf '%s=%s\n' "$1" "$(sq "$2")"
            shift 2
        done
    } >"$tmp"
    mv -f -- "$tmp" "$STATE/env"
}

write_env() {
    write_env_file \
        VIREO_TEST_URI "$URI" \
        VIREO_TEST_URI_RO "qemu:///system?socket=$STATE/run/libvirt/libvirt-sock-ro" \
        VIREO_TEST_TCP_URI "$TCP_URI" \
        VIREO_TEST_STATE "$STATE" \
        VIREO_TEST_SLOT "$SLOT" \
        VIREO_TEST_TCP_PORT "$TCP_PORT" \
        VIREO_TEST_SSH_PORT "$SSH_PORT" \
        VIREO_TEST_SSH_URI "$SSH_URI" \
        VIREO_TEST_LIBSSH2_URI "$LIBSSH2_URI" \
        VIREO_TEST_SSH_KEY "$SSH_KEY" \
        VIREO_TEST_SSH_KNOWN_HOSTS "$SSH_KNOWN_HOSTS" \
        VIREO_TEST_LIBSSH_URI "$LIBSSH_URI" \
        VIREO_TEST_SSH_HOST_FINGERPRINT "$SSH_FINGERPRINT" \
        VIREO_TEST_SSH_HOST_FINGERPRINT_MD5 "$SSH_FINGERPRINT_MD5" \
        VIREO_TEST_SSH_HOST_FINGERPRINT_HEX "$SSH_FINGERPRINT_HEX" \
        VIREO_TEST_SSH_COMMAND "$SSH_WRAPPER" \
        VIREO_TEST_SSH_PASSWORD_USER "$SSH_PW_USER" \
        VIREO_TEST_SSH_PASSWORD "$SSH_PW" \
        VIREO_TEST_SSH_PASSWORD_URI "$SSH_PW_URI" \
        VIREO_TEST_LIBSSH2_PASSWORD_URI "$LIBSSH2_PW_URI" \
        VIREO_TEST_SSH_ASKPASS "$SSH_ASKPASS_SCRIPT" \
        VIREO_TEST_DISPLAY_PORT_MIN "$DISPLAY_MIN" \
        VIREO_TEST_DISPLAY_PORT_MAX "$DISPLAY_MAX" \
        VIREO_TEST_BRIDGE_PREFIX "$BRIDGE_PREFIX" \
        VIREO_TEST_IPV4_FIRST24 "$IPV4_FIRST24" \
        VIREO_TEST_LOG_DIR "$STATE/log" \
        VIREO_TEST_QEMU_LOG_DIR "$STATE/log/libvirt/qemu" \
        VIREO_TEST_IMAGE_DIR "$STATE/images" \
        VIREO_TEST_GUEST_XML "$GUEST_XML" \
        VIREO_TESTENV "$SELF" \
        LIBVIRT_DEFAULT_URI "$URI"
}

# ---------------------------------------------------------------- start ---
cmd_start() {
    local owner="" t0 hpid deadline
    t0=$(now)
    [[ $# -ge 1 ]] || usage
    local raw=$1; shift
    while [[ $# -gt 0 ]]; do
        case $1 in
            --owner) owner=${2-}; [[ $owner =~ ^[0-9]+$ ]] || die "--owner needs a pid"; shift 2 ;;
            *) die "start: unknown argument '$1'" ;;
        esac
    done
    require_tools
    state_path "$raw" yes || die "cannot resolve STATE_DIR '$raw'"
    set_paths
    if env_alive; then
        die "an environment is already running in $STATE (run: $0 stop $STATE)"
    fi

    # Fresh runtime state; persistent definitions (etc/, lib/) are kept if
    # the directory is reused, as they would be on a real host.
    rm -rf -- "$STATE/run" "$STATE/pids" "$STATE/relays" "$STATE/env" "$STATE/env.tmp" \
        "$STATE/log/holder.log" "$STATE/log/libvirtd.log" "$STATE/log/libvirtd.stderr" \
        "$STATE/log/virtlogd.log" "$STATE/log/virtlogd.stderr" "$STATE/log/sshd.stderr" \
        "$STATE"/log/relay-*.log
    mkdir -p -- "$STATE/etc/libvirt/qemu/networks/autostart" "$STATE/etc/libvirt/storage" \
        "$STATE/etc/libvirt/nwfilter" "$STATE/etc/libvirt/hooks" "$STATE/run/libvirt" \
        "$STATE/lib/libvirt" "$STATE/log/libvirt/qemu" "$STATE/cache/libvirt" "$STATE/pids" \
        "$STATE/images"

    acquire_slot
    printf '%s\n' "$SLOT" >"$STATE/slot"
    write_configs

    local hold_args=(hold "$STATE" --lock-fd "$SLOT_FD" --lock-dir "$LOCK_DIR")
    [[ -n $owner ]] && hold_args+=(--owner "$owner")
    unshare --mount --propagation private -- "$PYTHON" "$HOLDER" "${hold_args[@]}" \
        </dev/null >>"$STATE/log/holder.log" 2>&1 &
    hpid=$!
    printf '%s\n' "$hpid" >"$STATE/pids/holder.pid"
    exec {SLOT_FD}>&-          # the holder keeps the slot lock from now on

    deadline=$((SECONDS + START_TIMEOUT))
    while :; do
        if ! proc_running "$hpid"; then
            note "the holder process exited during startup"
            show_logs
            "$SELF" stop "$STATE" >/dev/null 2>&1 || true
            die "could not start the private libvirtd (state kept in $STATE)"
        fi
        if [[ -e $STATE/pids/libvirtd.exit || -e $STATE/pids/virtlogd.exit || -e $STATE/pids/sshd.exit ]]; then
            note "a daemon exited during startup"
            show_logs
            "$SELF" stop "$STATE" >/dev/null 2>&1 || true
            die "could not start the private libvirtd (state kept in $STATE)"
        fi
        if [[ -S $SOCK ]] && virsh_ok "$URI"; then
            break
        fi
        if ((SECONDS >= deadline)); then
            note "libvirtd did not answer on $SOCK within $START_TIMEOUT s"
            show_logs
            "$SELF" stop "$STATE" >/dev/null 2>&1 || true
            die "could not start the private libvirtd (state kept in $STATE)"
        fi
        sleep 0.05
    done
    if ! virsh_ok "$TCP_URI"; then
        show_logs
        "$SELF" stop "$STATE" >/dev/null 2>&1 || true
        die "libvirtd answers on $SOCK but not on $TCP_URI"
    fi
    # sshd: its port, then a real qemu+ssh round trip (key, known_hosts,
    # virt-ssh-helper in the namespace, the private socket).
    until ssh_banner_ok "$SSH_PORT"; do
        if [[ -e $STATE/pids/sshd.exit ]] || ((SECONDS >= deadline)); then
            show_logs
            "$SELF" stop "$STATE" >/dev/null 2>&1 || true
            die "sshd did not come up on 127.0.0.1:$SSH_PORT"
        fi
        sleep 0.05
    done
    if ! virsh_ok "$SSH_URI"; then
        show_logs
        "$SELF" stop "$STATE" >/dev/null 2>&1 || true
        die "sshd is up but $SSH_URI does not reach the private libvirtd"
    fi
    write_env
    note "ready in $(elapsed "$t0") s: slot $SLOT, $URI, $TCP_URI, ssh port $SSH_PORT (env: $STATE/env)"
}

# ----------------------------------------------------------------- stop ---
virsh_each() { # LIST-CMD ACTION-CMD: run ACTION on every uuid LIST prints
    local list=$1 action=$2 u
    local uuids=()
    mapfile -t uuids < <(timeout 15 "$VIRSH" -q -c "$URI" "$list" --uuid </dev/null 2>/dev/null || true)
    for u in "${uuids[@]}"; do
        [[ $u =~ ^[0-9a-fA-F-]{36}$ ]] || continue
        timeout 30 "$VIRSH" -q -c "$URI" "$action" "$u" >/dev/null 2>&1 </dev/null ||
            note "$action $u failed"
    done
}

cmd_stop() {
    local t0 hpid slot=""
    t0=$(now)
    [[ $# -ge 1 ]] || usage
    if [[ ! -d $1 ]]; then
        note "nothing to stop in '$1' (no such directory)"
        return 0
    fi
    state_path "$1" no || return 0
    set_paths
    [[ -n $PYTHON && -x $PYTHON ]] || die "python3 not found (set VIREO_TESTENV_PYTHON)"
    slot=$(read_pid "$STATE/slot" 2>/dev/null || true)

    # A holder that was just launched (start failed or was interrupted early)
    # may not have written its namespace id yet: give it a moment.
    local early i
    if [[ ! -e $NS_FILE ]] && early=$(read_pid "$STATE/pids/holder.pid") && proc_running "$early"; then
        for ((i = 0; i < 50; i++)); do
            [[ -e $NS_FILE ]] || ! proc_running "$early" && break
            sleep 0.1
        done
    fi

    stop_relays
    if env_alive; then
        # 1. Let libvirt undo what it did (bridges, firewall rules, dnsmasq).
        if [[ -n $VIRSH ]] && libvirtd_pid >/dev/null && virsh_ok "$URI"; then
            virsh_each list destroy
            virsh_each net-list net-destroy
            virsh_each pool-list pool-destroy
        fi
        # 2. Stop the daemons; the holder kills whatever is left in the namespace.
        if hpid=$(holder_pid); then
            kill -TERM "$hpid" 2>/dev/null || true
            wait_gone "$hpid" 300 || note "holder $hpid did not exit within 30 s"
        else
            local p
            for p in "$(read_pid "$STATE/pids/libvirtd.pid" || true)" \
                     "$(read_pid "$STATE/pids/virtlogd.pid" || true)"; do
                if [[ -n $p ]] && in_env "$p"; then
                    kill -TERM "$p" 2>/dev/null || true
                fi
            done
            sleep 0.3
        fi
    fi
    # 3. Anything still in the namespace (holder died, stuck processes).
    "$PYTHON" "$HOLDER" killns "$STATE" || note "some processes could not be killed"
    # 4. Bridges and firewall rules the environment's networks left behind.
    local nc_args=(netclean "$STATE" --lock-dir "$LOCK_DIR")
    [[ -n $slot ]] && nc_args+=(--slot "$slot")
    "$PYTHON" "$HOLDER" "${nc_args[@]}" || note "network cleanup reported a problem"
    rm -f -- "$STATE/env" "$STATE/env.tmp"
    if env_alive; then
        die "processes are still running in the environment's namespace"
    fi
    rm -f -- "$NS_FILE" "$STATE/pids/holder.mnt"
    note "stopped $STATE in $(elapsed "$t0") s"
}

# relay_pids -> "PID PORT TARGET" lines for the relays still running
relay_pids() {
    local f p port target
    for f in "$STATE"/relays/*.pid; do
        [[ -e $f ]] || continue
        p=$(read_pid "$f") || continue
        in_env "$p" || continue
        read_line "${f%.pid}.port" port || port="?"
        read_line "${f%.pid}.target" target || target="?"
        printf '%s %s %s\n' "$p" "${port//[[:space:]]/}" "$target"
    done
}

stop_relays() {
    local pids=() p i
    [[ -d $STATE/relays ]] || return 0
    mapfile -t pids < <(relay_pids | awk '{print $1}')
    ((${#pids[@]})) || return 0
    for p in "${pids[@]}"; do
        kill -TERM "$p" 2>/dev/null || true
    done
    for p in "${pids[@]}"; do
        for ((i = 0; i < 20; i++)); do
            in_env "$p" || break
            sleep 0.05
        done
    done
    # whatever is left dies with the namespace (holder / killns)
}

# ---------------------------------------------------------- fault tools ---
need_running() {
    [[ $# -ge 1 ]] || usage
    state_path "$1" no || die "no environment in '$1'"
    set_paths
    env_alive || die "no environment is running in $STATE"
}

cmd_kill_daemon() {
    local pid
    need_running "$@"
    pid=$(libvirtd_pid) || die "libvirtd is not running in $STATE"
    kill -KILL "$pid"
    wait_gone "$pid" 50 || die "libvirtd $pid did not die"
    note "killed libvirtd $pid (guests keep running)"
}

cmd_restart_daemon() {
    local t0 pid hpid deadline slot
    t0=$(now)
    need_running "$@"
    require_tools
    hpid=$(holder_pid) || die "the holder of $STATE is gone; stop and start the environment"
    slot=$(read_pid "$STATE/slot") || die "$STATE/slot is missing"
    slot_values "$slot"
    if pid=$(libvirtd_pid); then
        kill -TERM "$pid"
        if ! wait_gone "$pid" 150; then
            kill -KILL "$pid" 2>/dev/null || true
            wait_gone "$pid" 50 || die "libvirtd $pid does not die"
        fi
    fi
    # The holder writes libvirtd.child (pid) when it spawns libvirtd and
    # libvirtd.exit ("pid how") when one of its libvirtds exits.
    local old_child new_child="" exited
    old_child=$(read_pid "$STATE/pids/libvirtd.child" || true)
    kill -USR1 "$hpid"
    deadline=$((SECONDS + START_TIMEOUT))
    until [[ -n $new_child ]] && libvirtd_pid >/dev/null && virsh_ok "$URI"; do
        if [[ -z $new_child ]]; then
            new_child=$(read_pid "$STATE/pids/libvirtd.child" || true)
            [[ $new_child == "$old_child" ]] && new_child=""
        fi
        if [[ -n $new_child && -r $STATE/pids/libvirtd.exit ]]; then
            read_line "$STATE/pids/libvirtd.exit" exited || exited=""
            if [[ ${exited%% *} == "$new_child" ]]; then
                show_logs
                die "libvirtd $new_child exited during its restart: ${exited#* }"
            fi
        fi
        if ((SECONDS >= deadline)); then
            show_logs
            die "libvirtd did not come back within $START_TIMEOUT s"
        fi
        sleep 0.05
    done
    virsh_ok "$TCP_URI" || die "libvirtd is back but not answering on $TCP_URI"
    note "libvirtd $(libvirtd_pid) answering again after $(elapsed "$t0") s"
}

cmd_cut_ssh() {
    need_running "$@"
    "$PYTHON" "$HOLDER" sshcut "$STATE" || die "could not cut the SSH connections"
}

# relay STATE tcp|ssh|PORT DELAY_MS: a vireo-relay.py in the environment's
# namespace (so every teardown path kills it), in front of 127.0.0.1:PORT.
cmd_relay() {
    [[ $# -ge 3 ]] || usage
    local what=$2 delay=$3 port hpid tag pid deadline p=""
    need_running "$1"
    require_tools
    local slot
    slot=$(read_pid "$STATE/slot") || die "$STATE/slot is missing"
    slot_values "$slot"
    case $what in
        tcp) port=$TCP_PORT ;;
        ssh) port=$SSH_PORT ;;
        *)
            if ! [[ $what =~ ^[0-9]{1,5}$ ]] || ((10#$what < 1 || 10#$what > 65535)); then
                die "relay: target must be tcp, ssh or a port number, not '$what'"
            fi
            port=$((10#$what)) ;;
    esac
    [[ $delay =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "relay: DELAY_MS must be a number of milliseconds"
    hpid=$(holder_pid) || die "the holder of $STATE is gone; stop and start the environment"
    mkdir -p -- "$STATE/relays"
    tag="r$$-$RANDOM"
    printf '127.0.0.1:%s %s ms\n' "$port" "$delay" >"$STATE/relays/$tag.target"
    nsenter -t "$hpid" -m -- "$PYTHON" "$RELAY" --listen 127.0.0.1:0 --target "127.0.0.1:$port" \
        --delay-ms "$delay" --port-file "$STATE/relays/$tag.port" --state-file "$STATE/relays/$tag.state" \
        </dev/null >>"$STATE/log/relay-$tag.log" 2>&1 &
    pid=$!
    printf '%s\n' "$pid" >"$STATE/relays/$tag.pid"
    deadline=$((SECONDS + 10))
    until p=$(read_pid "$STATE/relays/$tag.port"); do
        if ! proc_running "$pid" || ((SECONDS >= deadline)); then
            kill -TERM "$pid" 2>/dev/null || true
            tail -n 5 -- "$STATE/log/relay-$tag.log" >&2 || true
            die "the relay did not start"
        fi
        sleep 0.02
    done
    if [[ $what == ssh ]]; then
        # so that host-key checks pass for 127.0.0.1:RELAY-PORT too
        local hostkey
        read_line "$SSH_HOSTKEY.pub" hostkey || die "cannot read $SSH_HOSTKEY.pub"
        printf '[127.0.0.1]:%s %s\n' "$p" "${hostkey% *}" >>"$SSH_KNOWN_HOSTS"
    fi
    printf 'port=%s pid=%s\n' "$p" "$pid"
}

# relay-ctl STATE PID block|resume|reset|stop: like kill -USR1/-USR2/-HUP/
# -TERM, but returns only once the relay has acted on it (its state file).
cmd_relay_ctl() {
    [[ $# -ge 3 ]] || usage
    local rpid=$2 action=$3 f tag="" before="" want sig st="" i
    need_running "$1"
    [[ $rpid =~ ^[0-9]+$ ]] || die "relay-ctl: bad pid '$rpid'"
    for f in "$STATE"/relays/*.pid; do
        [[ -e $f && $(read_pid "$f" || true) == "$rpid" ]] && tag=$(basename -- "$f" .pid)
    done
    if [[ -z $tag ]] || ! in_env "$rpid"; then
        die "relay-ctl: $rpid is not a running relay of $STATE"
    fi
    f="$STATE/relays/$tag.state"
    read_line "$f" before || before="flowing 0"
    case $action in
        block) sig=USR1; want="blackholed ${before#* }" ;;
        resume) sig=USR2; want="flowing ${before#* }" ;;
        reset) sig=HUP; want="${before% *} $(( ${before#* } + 1 ))" ;;
        stop) sig=TERM; want="" ;;
        *) die "relay-ctl: action must be block, resume, reset or stop" ;;
    esac
    kill -"$sig" "$rpid" || die "relay-ctl: cannot signal $rpid"
    for ((i = 0; i < 500; i++)); do
        if [[ -z $want ]]; then
            in_env "$rpid" || return 0
        else
            read_line "$f" st || st=""
            [[ $st == "$want" ]] && return 0
        fi
        sleep 0.01
    done
    die "relay-ctl: relay $rpid did not act on $action within 5 s (state: ${st:-?})"
}

cmd_status() {
    local p
    [[ $# -ge 1 ]] || usage
    state_path "$1" no || die "no environment in '$1'"
    set_paths
    if ! env_alive; then
        echo "stopped"
        return 3
    fi
    echo "running (namespace $(env_ns), slot $(read_pid "$STATE/slot" || echo '?'))"
    p=$(holder_pid) && echo "holder   $p"
    p=$(read_pid "$STATE/pids/virtlogd.pid") && in_env "$p" && echo "virtlogd $p"
    p=$(libvirtd_pid) && echo "libvirtd $p" || echo "libvirtd not running"
    p=$(read_pid "$STATE/pids/sshd.child") && in_env "$p" && echo "sshd     $p" || echo "sshd not running"
    relay_pids | while read -r p port target; do
        echo "relay    $p port $port -> $target"
    done
    [[ -r $STATE/env ]] && cat -- "$STATE/env"
    return 0
}

# ------------------------------------------------------------------ run ---
RUN_STATE=""
CMD_PID=""

proc_running() { # PID: exists and is not a zombie
    local st
    read_line "/proc/$1/stat" st || return 1
    [[ $st != *") Z "* ]]
}

run_cleanup() {
    local status=$?
    trap - EXIT
    trap '' INT TERM HUP         # let the teardown finish
    if [[ -n $CMD_PID ]] && proc_running "$CMD_PID"; then
        # TERM first: the subreaper then kills the whole command tree
        kill -TERM "$CMD_PID" 2>/dev/null || true
        local i
        for ((i = 0; i < 80; i++)); do
            proc_running "$CMD_PID" || break
            sleep 0.1
        done
        kill -KILL "$CMD_PID" 2>/dev/null || true
    fi
    if [[ -n $RUN_STATE && -d $RUN_STATE ]]; then
        if [[ $status != 0 ]]; then
            daemon_errors "$RUN_STATE/log/libvirtd.log"
        fi
        "$SELF" stop "$RUN_STATE" || note "teardown reported errors"
        if [[ ${VIREO_TESTENV_KEEP:-0} == 1 ]]; then
            rm -f -- "$RUN_STATE/remove-on-orphan"
            note "kept $RUN_STATE (VIREO_TESTENV_KEEP=1)"
        else
            rm -rf -- "$RUN_STATE"
        fi
    fi
    exit "$status"
}

on_signal() { # SIGNAME EXITCODE
    trap '' INT TERM HUP
    note "got SIG$1, stopping the test command and the environment"
    if [[ -n $CMD_PID ]] && proc_running "$CMD_PID"; then
        # the subreaper forwards it and escalates to SIGKILL after 5 s
        kill -"$1" "$CMD_PID" 2>/dev/null || true
        local i
        for ((i = 0; i < 100; i++)); do
            proc_running "$CMD_PID" || break
            sleep 0.1
        done
    fi
    exit "$2"
}

cmd_run() {
    [[ ${1-} == -- ]] && shift
    [[ $# -ge 1 ]] || die "run: no command given"
    require_tools
    local base=${TMPDIR:-/tmp}
    [[ $base =~ ^/[A-Za-z0-9._/+-]*$ && ${#base} -lt 50 && -d $base ]] || base=/tmp
    trap run_cleanup EXIT
    trap 'on_signal INT 130' INT
    trap 'on_signal TERM 143' TERM
    trap 'on_signal HUP 129' HUP
    RUN_STATE=$(mktemp -d "$base/vireo-testenv.XXXXXX")
    : >"$RUN_STATE/remove-on-orphan"
    # Exit status 99 (meson: hard ERROR, not FAIL or SKIP) if the environment
    # cannot be set up.
    local rc=0
    "$SELF" start "$RUN_STATE" --owner "$$" || rc=$?
    if ((rc != 0)); then
        note "environment setup failed"
        exit 99
    fi
    set -a
    # shellcheck source=/dev/null
    . "$RUN_STATE/env"
    set +a
    local status=0
    # The command runs under a small subreaper (vireo-holder.py subreap) so
    # that nothing it starts can outlive it; it dies with this script.
    "$PYTHON" "$HOLDER" subreap --parent "$$" -- "$@" <&0 &
    CMD_PID=$!
    wait "$CMD_PID" || status=$?
    CMD_PID=""
    exit "$status"
}

# ----------------------------------------------------------------- main ---
main() {
    [[ $# -ge 1 ]] || usage
    local cmd=$1; shift
    case $cmd in
        start) cmd_start "$@" ;;
        stop) require_tools; cmd_stop "$@" ;;
        run) cmd_run "$@" ;;
        kill-daemon) cmd_kill_daemon "$@" ;;
        restart-daemon) cmd_restart_daemon "$@" ;;
        status) cmd_status "$@" ;;
        cut-ssh) cmd_cut_ssh "$@" ;;
        relay) cmd_relay "$@" ;;
        relay-ctl) cmd_relay_ctl "$@" ;;
        -h | --help | help) usage ;;
        *) note "unknown command '$cmd'"; usage ;;
    esac
}

main "$@"
