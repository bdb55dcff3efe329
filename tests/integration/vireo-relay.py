#!/usr/bin/python3
"""vireo-relay.py - a loopback TCP relay that adds latency and can play dead.

For Vireo's integration tests (tc netem is not available on the test
machines).  Python 3 standard library only.

  vireo-relay.py --listen 127.0.0.1:0 --target 127.0.0.1:PORT
                 [--delay-ms MS] [--port-file FILE] [--state-file FILE]

Every connection accepted on --listen is relayed to --target.  Each chunk of
data is held for --delay-ms before it is passed on, in each direction
separately and in order, so a request/reply round trip costs 2 x MS more
(EOF is delayed the same way).  The TCP handshake with the relay itself is
not delayed.

Signals:
  SIGUSR1   blackhole: stop forwarding.  Connections stay open, nothing is
            read or written any more and new connections are accepted but not
            connected through, like a link that went dead: the peers only
            notice through their own timeouts/keepalives.  Data already read
            is held, not dropped (TCP would retransmit it after a partition).
  SIGUSR2   resume forwarding (held data flows on, held connections connect).
  SIGHUP    reset: abort every current connection (RST to both sides), keep
            listening.
  SIGTERM, SIGINT   close everything and exit 0.

Signals are taken in the order they arrive (one thread waits for them with
sigwaitinfo; Python's own handlers can swap two signals sent back to back).
With --state-file, the relay rewrites FILE atomically after each change as
"flowing N" or "blackholed N" (N = resets so far): wait for it to know that a
signal has taken effect.

The chosen listen port is printed on stdout (one line, the number) and, with
--port-file, written to FILE atomically once the relay is listening.
Both addresses must be IPv4 literals in 127.0.0.0/8: the relay never talks to
anything but loopback.
"""

import argparse
import asyncio
import ipaddress
import os
import signal
import socket
import struct
import sys
import threading
import time

LOOPBACK = ipaddress.IPv4Network("127.0.0.0/8")
CHUNK = 65536
QUEUE_CHUNKS = 256
SIGNALS = {signal.SIGUSR1, signal.SIGUSR2, signal.SIGHUP, signal.SIGTERM,
           signal.SIGINT}


def log(msg):
    sys.stderr.write("%s vireo-relay[%d]: %s\n"
                     % (time.strftime("%H:%M:%S"), os.getpid(), msg))
    sys.stderr.flush()


def write_atomically(path, text):
    tmp = "%s.tmp%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def loopback_addr(text, what, allow_zero_port):
    host, sep, port = text.rpartition(":")
    if not sep:
        raise argparse.ArgumentTypeError("%s must be ADDRESS:PORT" % what)
    try:
        ip = ipaddress.IPv4Address(host)
    except ValueError:
        raise argparse.ArgumentTypeError(
            "%s: '%s' is not an IPv4 address (names are not accepted)"
            % (what, host))
    if ip not in LOOPBACK:
        raise argparse.ArgumentTypeError(
            "%s: %s is not in 127.0.0.0/8; this relay only talks to loopback"
            % (what, ip))
    try:
        p = int(port)
    except ValueError:
        raise argparse.ArgumentTypeError("%s: bad port '%s'" % (what, port))
    if not (0 if allow_zero_port else 1) <= p <= 65535:
        raise argparse.ArgumentTypeError("%s: bad port %d" % (what, p))
    return str(ip), p


class Conn:
    """One relayed connection: two directions, each a reader and a writer
    joined by a queue of (due time, chunk); b"" is EOF."""

    def __init__(self, relay, c_reader, c_writer):
        self.relay = relay
        self.c_reader, self.c_writer = c_reader, c_writer
        self.t_reader = self.t_writer = None
        self.tasks = []
        peer = c_writer.get_extra_info("peername")
        self.name = "%s:%d" % peer[:2] if peer else "?"

    async def run(self):
        relay = self.relay
        try:
            await relay.flowing.wait()        # a dead link connects nothing
            try:
                self.t_reader, self.t_writer = await asyncio.open_connection(
                    relay.target[0], relay.target[1])
            except OSError as e:
                log("%s: cannot connect to %s:%d: %s"
                    % (self.name, relay.target[0], relay.target[1], e))
                self.abort()
                return
            up = asyncio.Queue(QUEUE_CHUNKS)
            down = asyncio.Queue(QUEUE_CHUNKS)
            self.tasks = [
                asyncio.ensure_future(self.read(self.c_reader, up)),
                asyncio.ensure_future(self.write(up, self.t_writer)),
                asyncio.ensure_future(self.read(self.t_reader, down)),
                asyncio.ensure_future(self.write(down, self.c_writer)),
            ]
            # Both writers finish after forwarding EOF; any error ends it all.
            done, pending = await asyncio.wait(
                self.tasks, return_when=asyncio.FIRST_EXCEPTION)
            failed = [t for t in done if not t.cancelled() and t.exception()]
            if failed:
                self.abort()
            else:
                self.close()
        except asyncio.CancelledError:
            self.abort()
            raise
        finally:
            for t in self.tasks:
                t.cancel()
            relay.conns.discard(self)

    async def read(self, reader, queue):
        loop = asyncio.get_running_loop()
        flowing = self.relay.flowing
        while True:
            await flowing.wait()
            try:
                data = await reader.read(CHUNK)
            except OSError:
                data = None
            if data is None:            # reset: pass it on as a reset
                raise ConnectionResetError
            await queue.put((loop.time() + self.relay.delay, data))
            if not data:
                return

    async def write(self, queue, writer):
        loop = asyncio.get_running_loop()
        flowing = self.relay.flowing
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            await flowing.wait()
            if not data:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            await writer.drain()

    def _each_writer(self):
        return [w for w in (self.c_writer, self.t_writer) if w is not None]

    def close(self):
        for w in self._each_writer():
            w.close()

    def abort(self):
        """Close both sides with RST (SO_LINGER 0)."""
        for w in self._each_writer():
            sock = w.get_extra_info("socket")
            if sock is not None:
                try:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                    struct.pack("ii", 1, 0))
                except OSError:
                    pass
            w.transport.abort()


class Relay:
    def __init__(self, listen, target, delay_ms, port_file, state_file):
        self.listen = listen
        self.target = target
        self.delay = delay_ms / 1000.0
        self.port_file = port_file
        self.state_file = state_file
        self.resets = 0
        self.conns = set()
        self.flowing = None
        self.stopping = None

    def write_state(self):
        if self.state_file:
            write_atomically(self.state_file, "%s %d\n" % (
                "flowing" if self.flowing.is_set() else "blackholed",
                self.resets))

    def on_signal(self, signo):
        if signo == signal.SIGUSR1:
            self.blackhole()
        elif signo == signal.SIGUSR2:
            self.resume()
        elif signo == signal.SIGHUP:
            self.reset()
        else:
            self.stopping.set()
            return
        self.write_state()

    async def handle(self, reader, writer):
        conn = Conn(self, reader, writer)
        self.conns.add(conn)
        await conn.run()

    def blackhole(self):
        if self.flowing.is_set():
            self.flowing.clear()
            log("SIGUSR1: blackholing (%d connection(s) held)" % len(self.conns))

    def resume(self):
        if not self.flowing.is_set():
            self.flowing.set()
            log("SIGUSR2: forwarding again (%d connection(s))" % len(self.conns))

    def reset(self):
        log("SIGHUP: resetting %d connection(s)" % len(self.conns))
        self.resets += 1
        for c in list(self.conns):
            c.abort()

    async def main(self):
        loop = asyncio.get_running_loop()
        self.flowing = asyncio.Event()
        self.flowing.set()
        self.stopping = asyncio.Event()

        def wait_signals():                 # all threads block SIGNALS
            while True:
                signo = signal.sigwaitinfo(SIGNALS).si_signo
                loop.call_soon_threadsafe(self.on_signal, signo)
                if signo in (signal.SIGTERM, signal.SIGINT):
                    return
        threading.Thread(target=wait_signals, daemon=True).start()
        server = await asyncio.start_server(
            self.handle, self.listen[0], self.listen[1],
            family=socket.AF_INET, reuse_address=True)
        port = server.sockets[0].getsockname()[1]
        self.write_state()
        if self.port_file:
            write_atomically(self.port_file, "%d\n" % port)
        sys.stdout.write("%d\n" % port)
        sys.stdout.flush()
        log("listening on %s:%d -> %s:%d, delay %g ms each way"
            % (self.listen[0], port, self.target[0], self.target[1],
               self.delay * 1000))
        await self.stopping.wait()
        server.close()
        for c in list(self.conns):
            c.abort()
        await asyncio.sleep(0)
        log("exiting")


def main():
    p = argparse.ArgumentParser(
        prog="vireo-relay.py",
        description="Loopback TCP relay with latency and blackholing "
                    "(SIGUSR1 blackhole, SIGUSR2 resume, SIGHUP reset).")
    p.add_argument("--listen", default="127.0.0.1:0",
                   type=lambda s: loopback_addr(s, "--listen", True),
                   help="ADDRESS:PORT in 127.0.0.0/8 (port 0: pick one)")
    p.add_argument("--target", required=True,
                   type=lambda s: loopback_addr(s, "--target", False),
                   help="ADDRESS:PORT in 127.0.0.0/8")
    p.add_argument("--delay-ms", type=float, default=0.0,
                   help="added to each chunk in each direction")
    p.add_argument("--port-file", help="write the listen port here")
    p.add_argument("--state-file",
                   help='keep "flowing|blackholed RESETS" here')
    args = p.parse_args()
    if args.delay_ms < 0 or args.delay_ms > 600000:
        p.error("--delay-ms must be between 0 and 600000")
    # Before any thread exists, so that every thread inherits the mask and
    # only sigwaitinfo() takes these signals.
    signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    for signo in SIGNALS:       # ignored ones (nohup, `&`) would be discarded
        signal.signal(signo, signal.SIG_DFL)
    relay = Relay(args.listen, args.target, args.delay_ms, args.port_file,
                  args.state_file)
    try:
        asyncio.run(relay.main())
    except OSError as e:
        log("error: %s" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
