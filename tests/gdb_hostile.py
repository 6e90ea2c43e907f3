#!/usr/bin/env python3
"""The raw side of tests/system-monitor.sh's test_monitor_gdb: what a
hostile client of the monitor's GDB server (TCP 5557) tries once it
authenticated, and that the server answers the protocol right through it
and serves on: framing, memory (m, M and the binary X with its escapes),
`monitor` commands (qRcmd) that fail, loop until a Ctrl-C or print
too much, and continues that end at once, by Ctrl-Cs or by the
connection's end. Prints "ok NAME" or "bad NAME: why" per check.

usage: gdb_hostile.py GDB_PORT KEY VM ADDR
ADDR: a writable 8 bytes of the VM's (put back as they were).
With --interrupt for ADDR, only a continue, a Ctrl-C and a detach.
"""
import os
import random
import re
import sys
import time

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


def ack_reply(s):
    """The + for our packet, then the reply's payload (or None if no +)."""
    return reply(s) if s.recv(1) == b"+" else None


def ask(s, payload):
    """Our packet, its + and the reply's payload."""
    s.sendall(packet(payload))
    return ack_reply(s)


def rcmd(s, lua, ctrl_c=False):
    """`monitor lua`: what its O packets said, and the packet that ended them."""
    s.sendall(packet(b"qRcmd," + lua.encode().hex().encode()))
    if ctrl_c:
        time.sleep(0.5)
        s.sendall(b"\x03")
    said = b""
    while True:
        r = reply(s)
        s.sendall(b"+")
        if not r.startswith(b"O") or r == b"OK":
            return said, r
        said += bytes.fromhex(r[1:].decode())


def escape(data):
    return b"".join(b"}" + bytes([b ^ 0x20]) if b in b"}#$*" else bytes([b]) for b in data)


def binary_writes(s, addr):
    """X with every escaped byte, and X's malformed kinds, which write nothing."""
    a = b"%x" % addr
    orig = ask(s, b"m" + a + b",8")
    data = bytes([0x7D, 0x23, 0x24, 0x2A, 0x00, 0x41, 0xFF, 0x7D])
    ok = ask(s, b"X" + a + b",8:" + escape(data))
    back = ask(s, b"m" + a + b",8")
    check("x-escaped-write", ok == b"OK" and back == data.hex().encode(), f"{ok!r} {back!r}")
    bad = [b"X" + a + b",1:}", b"X" + a + b",4:ab", b"X" + a + b",1:ab", b"X" + a + b",2", b"X,1:a"]
    answers = [ask(s, p) for p in bad]
    back = ask(s, b"m" + a + b",8")
    check("x-malformed-e01", answers == [b"E01"] * len(bad) and back == data.hex().encode(),
          f"{answers!r} {back!r}")
    probe = ask(s, b"X" + a + b",0:")
    check("x-probe-ok", probe == b"OK", repr(probe))
    ok = ask(s, b"M" + a + b",8:" + orig)
    back = ask(s, b"m" + a + b",8")
    check("m-restored", ok == b"OK" and back == orig, f"{ok!r} {back!r} {orig!r}")


def monitor_commands(s):
    said, end = rcmd(s, "x = 6 print(x * 7)")
    check("rcmd-output", said == b"42\n" and end == b"OK", f"{said!r} {end!r}")
    said, end = rcmd(s, "error('boom')")
    check("rcmd-error", b"boom" in said and end == b"E01", f"{said!r} {end!r}")
    said, end = rcmd(s, "while true do end", ctrl_c=True)
    check("rcmd-loop-ctrl-c", b"interrupted (Ctrl-C)" in said and end == b"E01",
          f"{said!r} {end!r}")
    said, end = rcmd(s, "print(string.rep('x', 300000))")
    check("rcmd-huge-output-cut", said.startswith(b"x" * 65536) and b"output cut" in said
          and said.count(b"x") == 65536 and end == b"OK", f"{len(said)} {said[-80:]!r} {end!r}")
    s.sendall(packet(b"qRcmd,7"))
    check("rcmd-bad-hex-e01", ack_reply(s) == b"E01")
    said, end = rcmd(s, "print(x)")
    check("rcmd-state-kept", said == b"6\n" and end == b"OK", f"{said!r} {end!r}")


def session(port, vm):
    s = net_client.connect(port, "gdb")
    s.sendall(vm.encode() + b"\n")
    return s, read_line(s)


def run(port, vm, addr):
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
    binary_writes(s, addr)
    monitor_commands(s)
    s.sendall(packet(b"D"))
    check("detach-ok", s.recv(1) == b"+" and reply(s) == b"OK")
    s.close()
    s, line = session(port, vm)
    s.sendall(packet(b"?"))
    check("serves-on", line == b"ok" and s.recv(1) == b"+" and reply(s).startswith(b"T05"))
    s.close()  # the connection's end detaches too: the VM runs on
    continues(port, vm)


def continues(port, vm):
    """Continues ended every way a client can: by a stop that comes at once
    (a hardware breakpoint where the vCPU stands: the first instruction it
    runs), by two Ctrl-Cs (one stop reply), by a Ctrl-C after garbage and
    a packet the running VM refuses, and by the connection's end mid-run;
    then a new session attaches and answers."""
    s, line = session(port, vm)
    check("cont-attached", line == b"ok", repr(line))
    pc = ask(s, b"p20")
    at = int.from_bytes(bytes.fromhex(pc.decode()), "little")
    ok = ask(s, b"Z1,%x,4" % at)
    s.sendall(packet(b"c"))
    acked = s.recv(1) == b"+"
    stop = reply(s)
    now = ask(s, b"p20")
    check("cont-stop-at-once-reported", ok == b"OK" and acked and stop == b"T05thread:1;"
          and now == pc, f"{ok!r} {stop!r} {pc!r} {now!r}")
    check("cont-hw-removed", ask(s, b"z1,%x,4" % at) == b"OK")
    s.sendall(packet(b"c"))
    acked = s.recv(1) == b"+"
    s.sendall(b"\x03\x03")
    stop = reply(s)
    check("cont-ctrl-c-twice-one-stop", acked and stop == b"T02thread:1;"
          and ask(s, b"?") == b"T05thread:1;", repr(stop))
    s.sendall(packet(b"c"))
    acked = s.recv(1) == b"+"
    rnd = random.Random(5558)
    s.sendall(bytes(rnd.choice(b"+xyz#\x00\xff\r\n}*") for _ in range(5000)))
    refused = ask(s, b"g")
    s.sendall(b"\x03")
    stop = reply(s)
    check("cont-garbage-then-ctrl-c", acked and refused == b"E16" and stop == b"T02thread:1;",
          f"{refused!r} {stop!r}")
    s.sendall(packet(b"c"))
    acked = s.recv(1) == b"+"
    s.close()  # mid-run: the session ends, the VM runs on
    for _ in range(50):  # the server sees the close at its next poll
        s, line = session(port, vm)
        if line == b"ok":
            break
        s.close()
        time.sleep(0.1)
    check("cont-lost-client-reattach", acked and line == b"ok"
          and ask(s, b"?") == b"T05thread:1;", repr(line))
    check("cont-detach-ok", ask(s, b"D") == b"OK")
    s.close()


def interrupt(port, vm):
    """Continue, then Ctrl-C: the VM stops (T02: SIGINT), then runs on detached."""
    s, line = session(port, vm)
    check("interrupt-attached", line == b"ok", repr(line))
    stop = ask(s, b"?")
    s.sendall(packet(b"c"))
    acked = s.recv(1) == b"+"
    time.sleep(1)
    s.sendall(b"\x03")
    check("interrupt-stops", acked and re.fullmatch(rb"T02thread:1;", reply(s)), repr(stop))
    check("interrupt-detach-ok", ask(s, b"D") == b"OK")
    s.close()


def main():
    port, vm = int(sys.argv[1]), sys.argv[3]
    net_client.KEY = bytes.fromhex(open(sys.argv[2]).read().strip())
    try:
        if sys.argv[4] == "--interrupt":
            interrupt(port, vm)
        else:
            run(port, vm, int(sys.argv[4], 16))
    except Exception as e:  # every check not reached counts as failed
        say(f"bad client: {type(e).__name__}: {e}")


if __name__ == "__main__":
    main()
