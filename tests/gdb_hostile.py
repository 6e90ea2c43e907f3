#!/usr/bin/env python3
"""The raw side of tests/system-monitor.sh's test_monitor_gdb: what a
hostile client of the monitor's GDB server (TCP 5557) tries once it
authenticated, and that the server answers the protocol right through it
and serves on. Prints "ok NAME" or "bad NAME: why" per check.

usage: gdb_hostile.py GDB_PORT KEY VM
"""
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import net_client  # noqa: E402
from net_client import check, read_line, say  # noqa: E402


def packet(payload):
    return b"$%s#%02x" % (payload, sum(payload) % 256)


def reply(s):
    """The next packet's payload (acks before it skipped); its checksum checked."""
    buf = b""
    while True:
        d = s.recv(1)
        if not d:
            raise EOFError(buf)
        buf += d
        m = re.search(rb"\$([^#]*)#([0-9a-f]{2})$", buf)
        if m:
            if int(m.group(2), 16) != sum(m.group(1)) % 256:
                raise RuntimeError(f"bad checksum in {buf[-80:]!r}")
            return m.group(1)


def session(port, vm):
    s = net_client.connect(port, "gdb")
    s.sendall(vm.encode() + b"\n")
    return s, read_line(s)


def run(port, vm):
    s, line = session(port, "nosuch")
    check("unknown-vm-refused", line == b"error: nosuch: no such VM", repr(line))
    s.close()
    s, line = session(port, vm)
    check("attached", line == b"ok", repr(line))
    other, line = session(port, vm)
    check("one-session-per-vm", line.startswith(b"error: ") and b"another" in line, repr(line))
    other.close()
    s.sendall(packet(b"?"))
    check("ack-and-stop-reply", s.recv(1) == b"+" and re.fullmatch(rb"T05thread:1;", reply(s)))
    s.sendall(b"$?#00")
    check("bad-checksum-nak", s.recv(1) == b"-")
    s.sendall(b"$?#zz")
    check("no-checksum-nak", s.recv(1) == b"-")
    s.sendall(b"$" + b"A" * 20000 + b"#00")
    check("huge-packet-nak", s.recv(1) == b"-")
    rnd = random.Random(5557)
    s.sendall(bytes(rnd.choice(b"+xyz#\x00\xff\r\n}*") for _ in range(5000)))
    s.sendall(packet(b"g"))
    ok = s.recv(1) == b"+"
    regs = reply(s)
    check("registers-after-garbage", ok and len(regs) == 33 * 16 + 8, f"{len(regs)} hex digits")
    s.sendall(packet(b"m200000000,10"))
    check("unmapped-read-e14", s.recv(1) == b"+" and reply(s) == b"E14")
    s.sendall(packet(b"m0,ffffffffffffffffff"))
    check("bad-length-e01", s.recv(1) == b"+" and reply(s) == b"E01")
    s.sendall(packet(b"p999"))
    check("no-such-register-e01", s.recv(1) == b"+" and reply(s) == b"E01")
    s.sendall(packet(b"qNoSuchThing"))
    check("unknown-empty", s.recv(1) == b"+" and reply(s) == b"")
    s.sendall(packet(b"D"))
    check("detach-ok", s.recv(1) == b"+" and reply(s) == b"OK")
    s.close()
    s, line = session(port, vm)
    s.sendall(packet(b"?"))
    check("serves-on", line == b"ok" and s.recv(1) == b"+" and reply(s).startswith(b"T05"))
    s.close()  # the connection's end detaches too: the VM runs on


def main():
    port, vm = int(sys.argv[1]), sys.argv[3]
    net_client.KEY = bytes.fromhex(open(sys.argv[2]).read().strip())
    try:
        run(port, vm)
    except Exception as e:  # every check not reached counts as failed
        say(f"bad client: {type(e).__name__}: {e}")


if __name__ == "__main__":
    main()
