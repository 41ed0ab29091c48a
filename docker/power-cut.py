#!/usr/bin/env python3
"""Cuts the node's files back to what a sync made durable (installed as raftchat-power-cut).

Run after the node's JVM was killed (raftchat-node-ctl kill KILL), in a container started with
RAFTCHAT_POWER_LOSS=true: the JVM ran with libraftchat-powerloss (docker/powerloss.c), which wrote
each durable point to the ledger. Every file under the watched tree is truncated to its durable
size; a file no sync ever covered is left empty. That is what a power failure leaves: the page
cache, which a kill -9 alone keeps, is gone. The node's own log files (any "logs" directory) are
kept whole: they are for the operator, not part of the replica.

Prints one line: files cut, bytes dropped. Exit 3 if the JVM still runs, 2 if the shim was not active.
"""
import os
import stat
import subprocess
import sys

LEDGER = "/run/raftchat/powerloss/ledger"


def durable_sizes(ledger_path):
    """Inode -> bytes a sync made durable (data belongs to the inode, whatever its names)."""
    durable = {}
    with open(ledger_path, encoding="utf-8", errors="surrogateescape") as ledger:
        for line in ledger:
            fields = line.rstrip("\n").split("\t")
            try:
                if fields[0] == "S" and len(fields) >= 3:
                    durable[int(fields[1])] = int(fields[2])
                elif fields[0] == "U" and len(fields) == 2:
                    durable.pop(int(fields[1]), None)
            except ValueError:
                pass  # a line torn by the kill, after the last complete one
    return durable


def node_running():
    return subprocess.run(["raftchat-node-ctl", "status"], stdout=subprocess.DEVNULL).returncode == 0


def main():
    root = os.environ.get("RAFTCHAT_POWERLOSS_DIR", "/data").rstrip("/") or "/"
    if not os.path.exists(LEDGER):
        print("raftchat-power-cut: no ledger at " + LEDGER + " (was the node started with RAFTCHAT_POWER_LOSS=true?)",
              file=sys.stderr)
        return 2
    if node_running():
        print("raftchat-power-cut: the node is running; kill it first (raftchat-node-ctl kill KILL)", file=sys.stderr)
        return 3
    durable = durable_sizes(LEDGER)
    files_cut = 0
    bytes_dropped = 0
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = [d for d in subdirs if d != "logs"]
        for name in files:
            path = os.path.join(directory, name)
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode):
                continue
            size = st.st_size
            keep = min(size, durable.get(st.st_ino, 0))
            if keep < size:
                os.truncate(path, keep)
                files_cut += 1
                bytes_dropped += size - keep
    os.remove(LEDGER)
    print(f"power cut: {files_cut} files cut back to their last sync, {bytes_dropped} bytes dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
