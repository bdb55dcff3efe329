#!/usr/bin/python3
"""Helper for tests/integration/vireo-testenv.sh (python3 standard library only).

Subcommands:

  hold STATE --lock-fd N [--lock-dir DIR] [--owner PID]
      Must be exec'd by `unshare --mount --propagation private`.  Becomes a
      child subreaper, bind-mounts STATE's directories over /etc/libvirt,
      /run/libvirt, /var/lib/libvirt, /var/log/libvirt and /var/cache/libvirt
      and STATE/etc/ns/{passwd,shadow} over /etc/passwd and /etc/shadow (in
      the private namespace only), starts virtlogd, libvirtd and sshd as its
      own children and then reaps everything that is orphaned inside the
      environment (QEMU, dnsmasq, SSH sessions, ...) immediately.
        SIGUSR1          start the services that are not running (restart-daemon)
        SIGTERM/INT/HUP  orderly shutdown: stop libvirtd, virtlogd, kill the rest
      With --owner, the holder tears the environment down by itself (including
      network leftovers and STATE) if that process disappears, e.g. when
      `vireo-testenv.sh run` is SIGKILLed by a test harness.

  killns STATE
      SIGKILL every process still left in the environment (its mount namespace
      and the per-domain namespaces libvirt derives from it, recognised by
      STATE's bind mount on /var/lib/libvirt) and wait until they are gone.

  netclean STATE --slot K --lock-dir DIR
      Remove bridges and iptables/ip6tables rules that the environment's
      networks left behind (e.g. after libvirtd was killed); with no other
      environment active also any vtest-* bridge and empty LIBVIRT_* chains.

  nsalive STATE
      Exit 0 if any process of the environment is left.

  sshcut STATE
      SIGKILL every process below the environment's sshd listener (the
      per-connection sshd processes and what they run, e.g. virt-ssh-helper):
      every SSH connection drops, the listener stays up for reconnects.

  subreap [--parent PID] [--grace S] -- CMD [ARGS...]
      Run the test command under a child subreaper: forward INT/TERM/HUP
      (SIGKILL after S seconds), and kill whatever it leaves behind.  Exits
      with the command's status (128+N if killed by signal N).

  portfree PORT
      Exit 0 if PORT can be bound on 127.0.0.1 (TCP), 1 otherwise.
"""

import argparse
import ctypes
import fcntl
import glob
import ipaddress
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2

# (directory under STATE, path it is bind-mounted over inside the namespace)
BIND_DIRS = [
    ("etc/libvirt", "/etc/libvirt"),
    ("run/libvirt", "/run/libvirt"),
    ("lib/libvirt", "/var/lib/libvirt"),
    ("log/libvirt", "/var/log/libvirt"),
    ("cache/libvirt", "/var/cache/libvirt"),
]

# (file under STATE, file it is bind-mounted over inside the namespace), only
# if the source exists.  vireo-testenv.sh writes a private passwd (root's
# shell /bin/sh, plus the password-login test user) and a private shadow (no
# real hashes) that only the environment's sshd reads.
BIND_FILES = [
    ("etc/ns/passwd", "/etc/passwd"),
    ("etc/ns/shadow", "/etc/shadow"),
]

# sshd's compiled-in privilege separation directory (must exist, root 0755).
SSHD_PRIVSEP_DIR = "/run/sshd"

STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}
HANDLED = {signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP,
           signal.SIGUSR1}
# Python ignores SIGPIPE and SIGXFSZ; ignored dispositions survive exec.
RESET_IN_CHILD = HANDLED | {signal.SIGPIPE, signal.SIGXFSZ, signal.SIGUSR2}

DAEMON_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "LC_ALL": "C",
    "HOME": "/root",
}

libc = ctypes.CDLL(None, use_errno=True)
libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                       ctypes.c_ulong, ctypes.c_void_p]
libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong,
                       ctypes.c_ulong, ctypes.c_ulong]


def log(msg):
    sys.stderr.write("%s vireo-holder[%d]: %s\n"
                     % (time.strftime("%H:%M:%S"), os.getpid(), msg))
    sys.stderr.flush()


def die(msg):
    log("FATAL: " + msg)
    sys.exit(1)


def ns_id(pid="self"):
    """'dev:ino' of a process' mount namespace, or None (gone or zombie)."""
    try:
        st = os.stat("/proc/%s/ns/mnt" % pid)
    except OSError:
        return None
    return "%d:%d" % (st.st_dev, st.st_ino)


def read_ns_file(state):
    try:
        with open(os.path.join(state, "pids", "holder.ns")) as f:
            return f.read().strip() or None
    except OSError:
        return None


def mount_signature(pid="self", target="/var/lib/libvirt"):
    """'major:minor root' of the mount on TARGET as PID sees it, or None."""
    try:
        with open("/proc/%s/mountinfo" % pid) as f:
            lines = f.readlines()
    except OSError:
        return None
    sig = None
    for line in lines:
        fields = line.split()
        if len(fields) > 4 and fields[4] == target:
            sig = "%s %s" % (fields[2], fields[3])   # last one wins (on top)
    return sig


def env_pids(ns, mnt_sig, exclude=()):
    """Processes that belong to the environment.

    Those whose /var/lib/libvirt is our bind mount: the holder's namespace
    and namespaces derived from it (libvirt runs each QEMU in its own mount
    namespace, qemu.conf `namespaces`).  Namespace inode numbers are reused
    as soon as a namespace dies, so they alone cannot identify a dead
    environment's processes; the mount signature names STATE's own path.
    """
    out = []
    if not mnt_sig:
        return out
    verdict = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        if pid in exclude:
            continue
        nid = ns_id(pid)
        if nid is None:
            continue
        if nid not in verdict:
            verdict[nid] = mount_signature(pid) == mnt_sig
        if verdict[nid]:
            out.append(pid)
    return out


def read_env_ids(state):
    ns = read_ns_file(state)
    try:
        with open(os.path.join(state, "pids", "holder.mnt")) as f:
            sig = f.read().strip() or None
    except OSError:
        sig = None
    return ns, sig


def alive(pid):
    return proc_start_time(pid) is not None


def proc_start_time(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            data = f.read()
    except OSError:
        return None
    fields = data[data.rfind(")") + 2:].split()
    if fields[0] == "Z":
        return None
    return fields[19]


def mount(src, dst, flags):
    r = libc.mount(src.encode() if src else None, dst.encode(), None, flags,
                   None)
    if r != 0:
        e = ctypes.get_errno()
        raise OSError(e, "mount(%s -> %s): %s" % (src, dst, os.strerror(e)))


class Holder:
    def __init__(self, state, lock_fd, owner, lock_dir):
        self.state = state
        self.lock_dir = lock_dir
        self.lock_fd = lock_fd
        self.owner = owner
        self.owner_start = proc_start_time(owner) if owner else None
        self.children = {}          # pid -> service name
        self.ns = None
        self.mnt_sig = None
        self.stop_requested = False
        etc = os.path.join(state, "etc", "libvirt")
        pids = os.path.join(state, "pids")
        logs = os.path.join(state, "log")
        # name, argv, readiness socket (path as seen from outside == inside)
        self.services = [
            ("virtlogd",
             ["/usr/sbin/virtlogd",
              "--config", os.path.join(etc, "virtlogd.conf"),
              "--pid-file", os.path.join(pids, "virtlogd.pid")],
             os.path.join(state, "run", "libvirt", "virtlogd-sock"),
             os.path.join(logs, "virtlogd.stderr")),
            ("libvirtd",
             ["/usr/sbin/libvirtd", "--listen",
              "--config", os.path.join(etc, "libvirtd.conf"),
              "--pid-file", os.path.join(pids, "libvirtd.pid")],
             None,
             os.path.join(logs, "libvirtd.stderr")),
            # qemu+ssh / qemu+libssh2 tests: it runs in this namespace, so
            # virt-ssh-helper reaches the private /run/libvirt sockets.
            # vireo-testenv.sh writes its config and keys and waits for the
            # port (127.0.0.1:VIREO_TEST_SSH_PORT).
            ("sshd",
             ["/usr/sbin/sshd", "-D", "-e",
              "-f", os.path.join(state, "etc", "ssh", "sshd_config")],
             None,
             os.path.join(logs, "sshd.stderr")),
        ]

    # -- setup -------------------------------------------------------------
    def setup(self):
        if os.getuid() != 0:
            die("must run as root")
        try:
            os.setsid()
        except OSError:
            pass
        if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
            die("prctl(PR_SET_CHILD_SUBREAPER) failed: %s"
                % os.strerror(ctypes.get_errno()))
        # The slot lock fd stays inheritable on purpose: virtlogd and libvirtd
        # hold the slot too, so it is not reused while any of them survives a
        # dead holder.  (libvirtd closes it for QEMU and dnsmasq.)
        self.ns = ns_id()
        parent_ns = ns_id(os.getppid())
        if self.ns is None or parent_ns is None or self.ns == parent_ns:
            die("not in a private mount namespace (run me through "
                "`unshare --mount --propagation private`); refusing to mount")
        with open(os.path.join(self.state, "pids", "holder.pid"), "w") as f:
            f.write("%d\n" % os.getpid())
        # unshare already did this; be explicit, nothing may propagate out.
        mount(None, "/", MS_REC | MS_PRIVATE)
        for rel, target in BIND_DIRS:
            src = os.path.join(self.state, rel)
            if not os.path.isdir(target):
                # Only /run/libvirt can be missing (no system daemon ever
                # ran); an empty directory on the host's /run is the only
                # trace this leaves outside STATE.
                os.makedirs(target, mode=0o755, exist_ok=True)
            mount(src, target, MS_BIND)
            if not os.path.samestat(os.stat(src), os.stat(target)):
                die("bind mount of %s over %s did not take effect"
                    % (src, target))
        nfiles = 0
        for rel, target in BIND_FILES:
            src = os.path.join(self.state, rel)
            if not os.path.isfile(src):
                continue
            nfiles += 1
            mount(src, target, MS_BIND)
            if not os.path.samestat(os.stat(src), os.stat(target)):
                die("bind mount of %s over %s did not take effect"
                    % (src, target))
        if not os.path.isdir(SSHD_PRIVSEP_DIR):
            # Like /run/libvirt: the only other trace outside STATE (an empty
            # root-owned directory, what the openssh-server package creates).
            os.makedirs(SSHD_PRIVSEP_DIR, mode=0o755, exist_ok=True)
        self.mnt_sig = mount_signature()
        # holder.mnt, then holder.ns: vireo-testenv.sh waits for the latter.
        with open(os.path.join(self.state, "pids", "holder.mnt"), "w") as f:
            f.write(self.mnt_sig + "\n")
        with open(os.path.join(self.state, "pids", "holder.ns"), "w") as f:
            f.write(self.ns + "\n")
        log("namespace %s ready, subreaper set, %d bind mounts"
            % (self.ns, len(BIND_DIRS) + nfiles))

    # -- services ------------------------------------------------------------
    def running(self, name):
        return any(n == name for n in self.children.values())

    def spawn(self, name, argv, errlog):
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, errlog,
             os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644),
            (os.POSIX_SPAWN_DUP2, 1, 2),
        ]
        exit_file = os.path.join(self.state, "pids", name + ".exit")
        try:
            os.unlink(exit_file)
        except FileNotFoundError:
            pass
        pid = os.posix_spawn(argv[0], argv, DAEMON_ENV, file_actions=actions,
                             setsigmask=(), setsigdef=RESET_IN_CHILD)
        self.children[pid] = name
        with open(os.path.join(self.state, "pids", name + ".child"), "w") as f:
            f.write("%d\n" % pid)
        log("started %s (pid %d)" % (name, pid))
        return pid

    def settle(self, timeout=5):
        """Wait for children that are on their way out.  A process that was
        just killed loses its namespaces before it becomes a zombie, so
        vireo-testenv.sh can see it gone while waitpid() does not yet: it
        would still count as running and not be restarted."""
        deadline = time.monotonic() + timeout
        while True:
            self.reap()
            exiting = [p for p in self.children if ns_id(p) is None]
            if not exiting or time.monotonic() > deadline:
                return
            time.sleep(0.01)

    def start_services(self):
        for name, argv, sock, errlog in self.services:
            if self.running(name):
                continue
            pid = self.spawn(name, argv, errlog)
            if sock is None:
                continue
            deadline = time.monotonic() + 15
            while not os.path.exists(sock):
                self.reap()
                if pid not in self.children:
                    log("%s exited during startup, see %s" % (name, errlog))
                    return False
                if time.monotonic() > deadline:
                    log("%s did not create %s within 15 s" % (name, sock))
                    return False
                info = signal.sigtimedwait(HANDLED, 0.02)
                if info is not None and info.si_signo in STOP_SIGNALS:
                    log("asked to stop while starting %s" % name)
                    self.stop_requested = True
                    return False
        return True

    def reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            name = self.children.pop(pid, None)
            if name is not None:
                if os.WIFSIGNALED(status):
                    how = "killed by signal %d" % os.WTERMSIG(status)
                else:
                    how = "exited with status %d" % os.WEXITSTATUS(status)
                log("%s (pid %d) %s" % (name, pid, how))
                # vireo-testenv.sh watches for this while waiting for a start
                try:
                    with open(os.path.join(self.state, "pids", name + ".exit"),
                              "w") as f:
                        f.write("%d %s\n" % (pid, how))
                except OSError:
                    pass

    def wait_gone(self, pids, timeout):
        deadline = time.monotonic() + timeout
        while True:
            self.reap()
            left = [p for p in pids if alive(p)]
            if not left or time.monotonic() > deadline:
                return left
            time.sleep(0.02)

    def stop_service(self, name, timeout):
        pids = [p for p, n in self.children.items() if n == name]
        for p in pids:
            try:
                os.kill(p, signal.SIGTERM)
            except ProcessLookupError:
                pass
        left = self.wait_gone(pids, timeout)
        for p in left:
            log("%s (pid %d) ignored SIGTERM for %d s, killing" % (name, p, timeout))
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.wait_gone(left, 5)

    def kill_rest(self):
        me = os.getpid()
        for _ in range(50):
            pids = env_pids(self.ns, self.mnt_sig, exclude=(me,))
            if not pids:
                return True
            for p in pids:
                try:
                    os.kill(p, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.wait_gone(pids, 0.2)
        log("processes still in the environment: %s"
            % env_pids(self.ns, self.mnt_sig, (me,)))
        return False

    def shutdown(self):
        log("shutting down")
        # libvirtd first (it leaves guests running), then virtlogd, then
        # everything else still in the namespace (QEMU, dnsmasq, ...).
        for name in ("sshd", "libvirtd", "virtlogd"):
            self.stop_service(name, 10)
        self.kill_rest()
        # Reap the zombies of what we killed (we are their subreaper); left
        # to PID 1 they would linger for seconds on these machines.
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    time.sleep(0.01)
            except ChildProcessError:
                break

    def owner_alive(self):
        if not self.owner:
            return True
        return proc_start_time(self.owner) == self.owner_start

    # -- main loop -----------------------------------------------------------
    def run(self):
        self.setup()
        if not self.start_services():
            self.finish()
            return 1
        while True:
            info = signal.sigtimedwait(HANDLED, 1.0)
            self.reap()
            if info is None:
                if not self.owner_alive():
                    log("owner process %d is gone: tearing down" % self.owner)
                    self.finish()
                    return 0
                continue
            sig = info.si_signo
            if sig in STOP_SIGNALS:
                self.finish()
                return 0
            if sig == signal.SIGUSR1:
                log("SIGUSR1: starting services that are not running")
                self.settle()
                if not self.start_services() and self.stop_requested:
                    self.finish()
                    return 0

    def finish(self):
        """Shut down, then remove network leftovers ourselves: `stop` does it
        too, but it may itself be killed (e.g. a test harness timeout)."""
        self.shutdown()
        slot = None
        try:
            with open(os.path.join(self.state, "slot")) as f:
                slot = int(f.read().strip())
        except (OSError, ValueError):
            pass
        try:
            netclean(self.state, slot, self.lock_dir)
        except Exception as e:          # never let this keep us alive
            log("netclean failed: %s" % e)
        if not self.owner_alive() and os.path.exists(
                os.path.join(self.state, "remove-on-orphan")):
            # `vireo-testenv.sh run` died without cleaning up: its temp dir.
            for _, target in BIND_DIRS + BIND_FILES:
                libc.umount2(target.encode(), MNT_DETACH)
            shutil.rmtree(self.state, ignore_errors=True)


def cmd_hold(args):
    # Block the signals we handle synchronously, before anything else.
    signal.pthread_sigmask(signal.SIG_BLOCK, HANDLED)
    state = os.path.realpath(args.state)
    holder = Holder(state, args.lock_fd, args.owner, args.lock_dir)
    try:
        return holder.run()
    except Exception as e:  # make sure nothing is left behind
        log("FATAL: %s" % e)
        if holder.ns:
            holder.finish()
        return 1


def cmd_nsalive(args):
    ns, sig = read_env_ids(os.path.realpath(args.state))
    if ns is None or ns == ns_id():
        return 1
    return 0 if env_pids(ns, sig, exclude=(os.getpid(),)) else 1


def cmd_killns(args):
    state = os.path.realpath(args.state)
    ns, sig = read_env_ids(state)
    if ns is None:
        return 0
    me = os.getpid()
    if ns == ns_id():
        print("vireo-holder: refusing to kill my own namespace", file=sys.stderr)
        return 1
    deadline = time.monotonic() + args.timeout
    killed = set()
    while True:
        pids = env_pids(ns, sig, exclude=(me,))
        if not pids:
            if killed:
                print("vireo-holder: killed %d leftover process(es): %s"
                      % (len(killed), " ".join(map(str, sorted(killed)))),
                      file=sys.stderr)
            return 0
        if time.monotonic() > deadline:
            print("vireo-holder: processes still alive in the namespace: %s"
                  % pids, file=sys.stderr)
            return 1
        for p in pids:
            try:
                os.kill(p, signal.SIGKILL)
                killed.add(p)
            except ProcessLookupError:
                pass
        time.sleep(0.05)


def cmd_sshcut(args):
    """Drop every SSH connection of the environment, keep the listener."""
    state = os.path.realpath(args.state)
    ns, sig = read_env_ids(state)
    listener = None
    try:
        with open(os.path.join(state, "pids", "sshd.child")) as f:
            listener = int(f.read().strip())
    except (OSError, ValueError):
        pass
    if (ns is None or listener is None or ns_id(listener) != ns
            or mount_signature(listener) != sig):
        print("vireo-holder: sshd is not running in %s" % state,
              file=sys.stderr)
        return 1
    victims = descendants(listener)
    for p in victims:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 5
    while any(alive(p) for p in victims):
        if time.monotonic() > deadline:
            print("vireo-holder: SSH session processes still alive: %s"
                  % [p for p in victims if alive(p)], file=sys.stderr)
            return 1
        time.sleep(0.01)
    print("vireo-holder: cut %d SSH session process(es) below sshd %d%s"
          % (len(victims), listener,
             (": " + " ".join(map(str, victims))) if victims else ""),
          file=sys.stderr)
    return 0


# -- running the test command ---------------------------------------------
def descendants(root):
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                data = f.read()
        except OSError:
            continue
        fields = data[data.rfind(")") + 2:].split()
        if fields[0] == "Z":
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    out, todo = [], [root]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def cmd_subreap(args):
    """Run the test command as our child; we are a child subreaper, so
    whatever it leaves behind (daemons, viewers, sleeping shells) is
    reparented to us and killed when the command ends or we are told to stop.
    Dies with its parent (vireo-testenv.sh run) through PR_SET_PDEATHSIG."""
    argv = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
    if not argv:
        print("vireo-holder: subreap: no command", file=sys.stderr)
        return 2
    for sig in HANDLED:                  # bash starts `&` jobs with INT ignored
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_BLOCK, HANDLED)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if args.parent and os.getppid() != args.parent:
        return 143                       # parent already gone
    try:
        child = os.posix_spawnp(argv[0], argv, os.environ, setsigmask=(),
                                setsigdef=RESET_IN_CHILD | {signal.SIGQUIT})
    except OSError as e:
        print("vireo-testenv: cannot run %s: %s" % (argv[0], e.strerror),
              file=sys.stderr)
        return 127
    status = None
    kill_at = None
    while status is None:
        info = signal.sigtimedwait(HANDLED, 0.25)
        while True:
            try:
                pid, st = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            if pid == child:
                status = (os.WEXITSTATUS(st) if os.WIFEXITED(st)
                          else 128 + os.WTERMSIG(st))
        if status is not None:
            break
        if info is not None and info.si_signo in (
                signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            try:       # what it started is cleaned up once it has exited
                os.kill(child, info.si_signo)
            except ProcessLookupError:
                pass
            if kill_at is None:
                kill_at = time.monotonic() + args.grace
        if kill_at is not None and time.monotonic() > kill_at:
            print("vireo-testenv: test command ignored the signal for %g s, "
                  "killing it" % args.grace, file=sys.stderr)
            try:
                os.kill(child, signal.SIGKILL)
            except ProcessLookupError:
                pass
            kill_at = time.monotonic() + 3600
    # The command is gone: nothing it started may outlive it.
    left = descendants(os.getpid())
    if left:
        print("vireo-testenv: killing %d process(es) the test command left "
              "behind: %s" % (len(left), " ".join(map(str, left))),
              file=sys.stderr)
        for sig, wait in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 5.0)):
            for p in left:
                try:
                    os.kill(p, sig)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                try:
                    while os.waitpid(-1, os.WNOHANG)[0] > 0:
                        pass
                except ChildProcessError:
                    pass
                left = descendants(os.getpid())
                if not left:
                    break
                time.sleep(0.02)
            if not left:
                break
    return status


# -- network leftovers ------------------------------------------------------
LIBVIRT_MANAGED_FORWARD = {None, "nat", "route", "open"}


def env_networks(state):
    """Bridges and subnets of the networks this environment knew about.

    Returns (owned_bridges, subnets): bridges libvirt created for an active
    network (status files) or which are named vtest-* in a definition, and
    the IP subnets of all those networks.
    """
    bridges, subnets = set(), set()
    files = [(p, True) for p in
             glob.glob(os.path.join(state, "run/libvirt/network/*.xml"))]
    files += [(p, False) for p in
              glob.glob(os.path.join(state, "etc/libvirt/qemu/networks/*.xml"))]
    for path, active in files:
        try:
            root = ET.parse(path).getroot()
        except (ET.ParseError, OSError):
            continue
        net = root if root.tag == "network" else root.find("network")
        if net is None:
            continue
        fwd = net.find("forward")
        mode = fwd.get("mode", "nat") if fwd is not None else None
        br = net.find("bridge")
        name = br.get("name") if br is not None else None
        if mode not in LIBVIRT_MANAGED_FORWARD or not name:
            continue
        if not (active or name.startswith("vtest-")):
            continue
        bridges.add(name)
        for ip in net.findall("ip"):
            addr = ip.get("address")
            plen = ip.get("prefix") or ip.get("netmask")
            if not addr:
                continue
            try:
                if plen is None:
                    plen = "24" if ":" not in addr else "64"
                subnets.add(ipaddress.ip_interface("%s/%s" % (addr, plen)).network)
            except ValueError:
                pass
    return bridges, subnets


def other_envs_active(lock_dir, slot):
    if not lock_dir or not os.path.isdir(lock_dir):
        return False
    for path in glob.glob(os.path.join(lock_dir, "slot-*.lock")):
        if slot is not None and path.endswith("/slot-%d.lock" % slot):
            continue
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        finally:
            os.close(fd)
    return False


def host_bridges():
    out = []
    for path in glob.glob("/sys/class/net/*/bridge"):
        out.append(path.split("/")[-2])
    return out


def libvirt_daemons_running():
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/comm" % entry) as f:
                comm = f.read().strip()
        except OSError:
            continue
        if comm in ("libvirtd", "virtnetworkd") and \
                proc_start_time(int(entry)) is not None:     # not a zombie
            return True
    return False


def run_quiet(argv):
    return subprocess.run(argv, stdin=subprocess.DEVNULL, env=DAEMON_ENV,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)


def clean_firewall(tool, bridges, subnets, drop_chains):
    if shutil.which(tool, path=DAEMON_ENV["PATH"]) is None:
        return 0
    removed = 0
    for table in ("filter", "nat", "mangle"):
        res = run_quiet([tool, "-w", "-t", table, "-S"])
        if res.returncode != 0:
            continue
        for line in res.stdout.splitlines():
            if not line.startswith("-A "):
                continue
            tok = shlex.split(line)
            chain = tok[1]
            hit = False
            for i, t in enumerate(tok[:-1]):
                if t in ("-i", "-o") and tok[i + 1] in bridges:
                    hit = True
                elif (t in ("-s", "-d") and chain.startswith("LIBVIRT_")
                      and (i == 0 or tok[i - 1] != "!")):
                    try:
                        net = ipaddress.ip_network(tok[i + 1], strict=False)
                    except ValueError:
                        continue
                    if net in subnets:
                        hit = True
            if hit:
                if run_quiet([tool, "-w", "-t", table, "-D"] + tok[1:]).returncode == 0:
                    removed += 1
        if drop_chains:
            removed += drop_empty_libvirt_chains(tool, table)
    return removed


def drop_empty_libvirt_chains(tool, table):
    res = run_quiet([tool, "-w", "-t", table, "-S"])
    if res.returncode != 0:
        return 0
    chains, rules = set(), []
    for line in res.stdout.splitlines():
        tok = shlex.split(line)
        if tok[:1] == ["-N"] and tok[1].startswith("LIBVIRT_"):
            chains.add(tok[1])
        elif tok[:1] == ["-A"]:
            rules.append(tok)
    if not chains:
        return 0
    if any(t[1] in chains for t in rules):
        return 0                     # something still uses them: leave all
    removed = 0
    for t in rules:
        if "-j" in t and t[t.index("-j") + 1] in chains and len(t) == 4:
            if run_quiet([tool, "-w", "-t", table, "-D"] + t[1:]).returncode == 0:
                removed += 1
    for c in sorted(chains):
        if run_quiet([tool, "-w", "-t", table, "-X", c]).returncode == 0:
            removed += 1
    return removed


def drop_empty_machine_cgroups():
    """VIREO_TESTENV_CGROUPS=1 only: libvirt creates the host-global
    /sys/fs/cgroup/*/machine partition; remove it (and dead per-domain groups)
    when nothing uses it.  rmdir fails on a cgroup that has tasks or children,
    so this cannot disturb anything alive."""
    for part in glob.glob("/sys/fs/cgroup/*/machine"):
        for sub in glob.glob(os.path.join(part, "qemu-*.libvirt-qemu")):
            for d in sorted((r for r, _, _ in os.walk(sub)), reverse=True):
                try:
                    os.rmdir(d)
                except OSError:
                    pass
        try:
            os.rmdir(part)
        except OSError:
            pass


def netclean(state, slot, lock_dir):
    bridges, subnets = env_networks(state)
    others = other_envs_active(lock_dir, slot)
    present = host_bridges()
    if slot is not None:
        prefix = "vtest-%d-" % slot
        bridges.update(b for b in present if b.startswith(prefix))
    if not others:
        bridges.update(b for b in present if b.startswith("vtest-"))
    drop_chains = not others and not libvirt_daemons_running()
    removed = 0
    for tool in ("iptables", "ip6tables"):
        removed += clean_firewall(tool, bridges, subnets, drop_chains)
    if drop_chains and os.path.exists(os.path.join(state, "cgroups-enabled")):
        drop_empty_machine_cgroups()
    gone = []
    for b in sorted(bridges):
        if os.path.exists("/sys/class/net/%s" % b):
            if run_quiet(["ip", "link", "del", "dev", b]).returncode == 0:
                gone.append(b)
    if gone or removed:
        log("netclean: removed bridges [%s], %d firewall rules/chains"
            % (" ".join(gone), removed))
    return 0


def cmd_netclean(args):
    return netclean(os.path.realpath(args.state), args.slot, args.lock_dir)


def cmd_portfree(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # like libvirtd/sshd: TIME_WAIT leftovers of earlier runs do not count
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", args.port))
    except OSError:
        return 1
    finally:
        s.close()
    return 0


def main():
    p = argparse.ArgumentParser(prog="vireo-holder.py")
    sub = p.add_subparsers(dest="cmd", required=True)
    h = sub.add_parser("hold")
    h.add_argument("state")
    h.add_argument("--lock-fd", type=int, default=None)
    h.add_argument("--owner", type=int, default=None)
    h.add_argument("--lock-dir", default=None)
    h.set_defaults(func=cmd_hold)
    k = sub.add_parser("killns")
    k.add_argument("state")
    k.add_argument("--timeout", type=float, default=10)
    k.set_defaults(func=cmd_killns)
    a = sub.add_parser("nsalive")
    a.add_argument("state")
    a.set_defaults(func=cmd_nsalive)
    n = sub.add_parser("netclean")
    n.add_argument("state")
    n.add_argument("--slot", type=int, default=None)
    n.add_argument("--lock-dir", default=None)
    n.set_defaults(func=cmd_netclean)
    c = sub.add_parser("sshcut")
    c.add_argument("state")
    c.set_defaults(func=cmd_sshcut)
    r = sub.add_parser("subreap")
    r.add_argument("--parent", type=int, default=None)
    r.add_argument("--grace", type=float, default=5.0)
    r.add_argument("argv", nargs=argparse.REMAINDER)
    r.set_defaults(func=cmd_subreap)
    f = sub.add_parser("portfree")
    f.add_argument("port", type=int)
    f.set_defaults(func=cmd_portfree)
    args = p.parse_args()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
