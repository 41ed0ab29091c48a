#!/usr/bin/env python3
"""Outgoing network latency for a RaftChat node container, without tc netem.

Installed as /usr/local/bin/raftchat-netdelay. Needs root and NET_ADMIN (docker --cap-add NET_ADMIN).

    raftchat-netdelay start --delay-ms 50 [--jitter-ms 10] [--to IP[,IP...]]
    raftchat-netdelay status
    raftchat-netdelay stop

Why: the kernels of the CI machines are built without the netem qdisc, so
`tc qdisc add dev eth0 root netem delay 50ms` fails there with
"Error: Specified qdisc kind is unknown." They do have NFQUEUE. `start` sends the container's
outgoing packets (all, or those to the given IPs) through an NFQUEUE rule in the mangle table's
POSTROUTING chain (so partition rules in the filter table still apply first) to a small daemon
that holds each packet for the delay and then accepts it, in order (jitter never reorders).
Like netem on eth0, it delays only what this container SENDS: to delay a link both ways, run it
in both containers. The rule uses --queue-bypass and the queue fails open, so if the daemon
dies, packets flow undelayed instead of being dropped. `stop` removes the rule and the daemon.

Only the Python standard library is used (python3-minimal): raw netfilter netlink messages.
"""
import argparse
import collections
import errno
import os
import random
import select
import signal
import socket
import struct
import subprocess
import sys
import time

STATE_DIR = "/run/raftchat"
PID_FILE = STATE_DIR + "/netdelay.pid"
READY_FILE = STATE_DIR + "/netdelay.ready"
LOG_FILE = STATE_DIR + "/netdelay.log"
CHAIN = "RAFTCHAT_DELAY"
DEFAULT_QUEUE = 7

# netlink / nfnetlink_queue constants (linux/netlink.h, linux/netfilter/nfnetlink_queue.h)
NETLINK_NETFILTER = 12
NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
NLMSG_ERROR = 0x2
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET = 0
NFQNL_MSG_VERDICT = 1
NFQNL_MSG_CONFIG = 2
NFQA_PACKET_HDR = 1
NFQA_VERDICT_HDR = 2
NFQA_CFG_CMD = 1
NFQA_CFG_PARAMS = 2
NFQA_CFG_QUEUE_MAXLEN = 3
NFQA_CFG_MASK = 4
NFQA_CFG_FLAGS = 5
NFQNL_CFG_CMD_BIND = 1
NFQNL_CFG_CMD_UNBIND = 2
NFQNL_COPY_META = 1
NFQA_CFG_F_FAIL_OPEN = 1 << 0
NFQA_CFG_F_GSO = 1 << 2
NF_ACCEPT = 1


def log(msg):
    print(time.strftime("%Y-%m-%d %H:%M:%S") + " [raftchat-netdelay] " + msg, flush=True)


def attr(kind, payload):
    length = 4 + len(payload)
    return struct.pack("=HH", length, kind) + payload + b"\0" * ((4 - length % 4) % 4)


class Queue:
    def __init__(self, num):
        self.num = num
        self.seq = 0
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.sock.bind((0, 0))

    def send(self, msg_type, attrs, flags=NLM_F_REQUEST):
        self.seq += 1
        body = struct.pack("=BBH", socket.AF_UNSPEC, 0, socket.htons(self.num)) + b"".join(attrs)
        header = struct.pack("=IHHII", 16 + len(body), (NFNL_SUBSYS_QUEUE << 8) | msg_type, flags, self.seq, 0)
        self.sock.send(header + body)

    def config(self, attrs):
        """Sends a config message and waits for its ack; raises OSError on a netlink error."""
        self.send(NFQNL_MSG_CONFIG, attrs, NLM_F_REQUEST | NLM_F_ACK)
        want = self.seq
        while True:
            data = self.sock.recv(65536)
            for msg_type, seq, payload in self.messages(data):
                if msg_type == NLMSG_ERROR and seq == want:
                    code = struct.unpack("=i", payload[:4])[0]
                    if code:
                        raise OSError(-code, os.strerror(-code))
                    return

    def bind(self, maxlen):
        self.config([attr(NFQA_CFG_CMD, struct.pack("=BBH", NFQNL_CFG_CMD_BIND, 0, 0))])
        self.config([attr(NFQA_CFG_PARAMS, struct.pack(">IB", 0, NFQNL_COPY_META) + b"\0\0\0")])
        self.config([attr(NFQA_CFG_QUEUE_MAXLEN, struct.pack(">I", maxlen))])
        flags = NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO
        self.config([attr(NFQA_CFG_FLAGS, struct.pack(">I", flags)), attr(NFQA_CFG_MASK, struct.pack(">I", flags))])

    def unbind(self):
        try:
            self.config([attr(NFQA_CFG_CMD, struct.pack("=BBH", NFQNL_CFG_CMD_UNBIND, 0, 0))])
        except OSError:
            pass

    def accept(self, packet_id):
        self.send(NFQNL_MSG_VERDICT, [attr(NFQA_VERDICT_HDR, struct.pack(">II", NF_ACCEPT, packet_id))])

    @staticmethod
    def messages(data):
        offset = 0
        while offset + 16 <= len(data):
            length, msg_type, _flags, seq, _pid = struct.unpack_from("=IHHII", data, offset)
            if length < 16:
                break
            yield msg_type, seq, data[offset + 16:offset + length]
            offset += (length + 3) & ~3

    @staticmethod
    def packet_id(payload):
        offset = 4  # nfgenmsg
        while offset + 4 <= len(payload):
            length, kind = struct.unpack_from("=HH", payload, offset)
            if length < 4:
                break
            if kind & 0x3FFF == NFQA_PACKET_HDR:
                return struct.unpack_from(">I", payload, offset + 4)[0]
            offset += (length + 3) & ~3
        return None


def run(args):
    os.makedirs(STATE_DIR, exist_ok=True)
    queue = Queue(args.queue)
    queue.bind(args.maxlen)
    delay = args.delay_ms / 1000.0
    jitter = args.jitter_ms / 1000.0
    held = collections.deque()  # (due, packet_id), due non-decreasing: never reorders
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
    with open(READY_FILE, "w") as f:
        f.write(str(os.getpid()))
    log("queue %d: delaying packets by %d ms (jitter %d ms)" % (args.queue, args.delay_ms, args.jitter_ms))
    last_due = 0.0
    while not stopping:
        now = time.monotonic()
        while held and held[0][0] <= now:
            queue.accept(held.popleft()[1])
        timeout = max(0.0, held[0][0] - now) if held else 0.5
        try:
            ready, _, _ = select.select([queue.sock], [], [], timeout)
        except InterruptedError:
            continue
        if not ready:
            continue
        try:
            data = queue.sock.recv(1 << 16)
        except OSError as e:
            if e.errno == errno.ENOBUFS:  # the kernel dropped messages for us; fail-open covers it
                continue
            raise
        now = time.monotonic()
        for msg_type, _seq, payload in Queue.messages(data):
            if msg_type != (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
                continue
            packet_id = Queue.packet_id(payload)
            if packet_id is None:
                continue
            due = now + max(0.0, delay + random.uniform(-jitter, jitter))
            last_due = max(last_due, due)
            held.append((last_due, packet_id))
    for _due, packet_id in held:  # release what we hold
        queue.accept(packet_id)
    queue.unbind()
    log("stopped")


def iptables(*argv, check=True):
    return subprocess.run(["iptables", "-w", "-t", "mangle", *argv], check=check,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def remove_rules():
    while iptables("-D", "POSTROUTING", "-j", CHAIN, check=False).returncode == 0:
        pass
    iptables("-F", CHAIN, check=False)
    iptables("-X", CHAIN, check=False)


def daemon_pid():
    try:
        pid = int(open(PID_FILE).read().strip())
        os.kill(pid, 0)
        with open("/proc/%d/stat" % pid) as f:
            if f.read().split()[2] == "Z":
                return None
        return pid
    except (OSError, ValueError):
        return None


def stop(_args=None, quiet=False):
    remove_rules()
    pid = daemon_pid()
    if pid:
        os.kill(pid, signal.SIGTERM)
        for _ in range(50):
            if not daemon_pid():
                break
            time.sleep(0.1)
    for f in (PID_FILE, READY_FILE):
        try:
            os.unlink(f)
        except FileNotFoundError:
            pass
    if not quiet:
        print("netdelay off")


def start(args):
    if daemon_pid():
        stop(quiet=True)  # restart with the new settings
    os.makedirs(STATE_DIR, exist_ok=True)
    try:
        os.unlink(READY_FILE)
    except FileNotFoundError:
        pass
    cmd = [sys.executable, os.path.abspath(__file__), "run", "--delay-ms", str(args.delay_ms),
           "--jitter-ms", str(args.jitter_ms), "--queue", str(args.queue), "--maxlen", str(args.maxlen)]
    with open(LOG_FILE, "a") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True)
    with open(PID_FILE, "w") as f:
        f.write(str(proc.pid))
    for _ in range(100):
        if os.path.exists(READY_FILE):
            break
        if proc.poll() is not None:
            sys.exit("raftchat-netdelay: the daemon exited with code %d; see %s" % (proc.returncode, LOG_FILE))
        time.sleep(0.05)
    else:
        proc.terminate()
        sys.exit("raftchat-netdelay: the daemon did not bind queue %d within 5 s; see %s" % (args.queue, LOG_FILE))
    remove_rules()
    iptables("-N", CHAIN)
    targets = [t for t in (args.to or "").split(",") if t] or [None]
    for target in targets:
        rule = ["-A", CHAIN, "!", "-o", "lo"] + (["-d", target] if target else [])
        iptables(*rule, "-j", "NFQUEUE", "--queue-num", str(args.queue), "--queue-bypass")
    iptables("-A", "POSTROUTING", "-j", CHAIN)
    print("netdelay on: %d ms (jitter %d ms) on packets to %s (daemon pid %d)"
          % (args.delay_ms, args.jitter_ms, args.to or "everything but lo", proc.pid))


def status(_args):
    pid = daemon_pid()
    rules = subprocess.run(["iptables", "-w", "-t", "mangle", "-S", CHAIN], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True).stdout.strip()
    if pid:
        print("netdelay on (daemon pid %d)\n%s" % (pid, rules))
    else:
        print("netdelay off" + (" (stale rules:\n%s)" % rules if rules else ""))
        sys.exit(3)


def main():
    parser = argparse.ArgumentParser(prog="raftchat-netdelay", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    for name in ("start", "run"):
        p = sub.add_parser(name)
        p.add_argument("--delay-ms", type=int, required=True)
        p.add_argument("--jitter-ms", type=int, default=0)
        p.add_argument("--queue", type=int, default=DEFAULT_QUEUE)
        p.add_argument("--maxlen", type=int, default=10000)
        if name == "start":
            p.add_argument("--to", help="comma-separated destination IPs/CIDRs (default: all but loopback)")
    sub.add_parser("stop")
    sub.add_parser("status")
    args = parser.parse_args()
    {"start": start, "run": run, "stop": stop, "status": status}[args.cmd](args)


if __name__ == "__main__":
    main()
