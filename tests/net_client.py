#!/usr/bin/env python3
"""The TCP side of tests/system.sh's test_monitor_net: drives the
monitor's Lua console over TCP and prints one line per check, "ok NAME"
or "bad NAME: why", and "answer N TEXT" for each expression of EXPRS
(compared with the UART's). Every connection first answers the
monitor's challenge (monitor/net_auth.c) with the system's KEY file.

usage: net_client.py CONSOLE_PORT TRACE_PORT KEY FLAG LOG EXPR...
FLAG is created when the TCP checks are done (the UART then types its
last lines; FLAG.kick holds the id of a client for it to net.kick);
LOG is QEMU's console, watched for the UART's last answer before
vitrine.poweroff() is sent over TCP. Nothing is timed: every wait is
for an answer, with a generous socket timeout only against a hang.
"""
import hashlib
import hmac
import os
import random
import re
import socket
import sys
import time

PROMPTS = (b"lua> ", b"lua>> ")
WAIT = 90  # seconds: only so that a broken monitor fails the test instead of hanging it


def say(line):
    print(line, flush=True)


def check(name, ok, why=""):
    say(f"ok {name}" if ok else f"bad {name}: {why}")


KEY = b""  # the system's secret, from the KEY file


def read_line(s):
    """One line (without its newline), byte by byte: what follows is the service's."""
    line = b""
    while not line.endswith(b"\n"):
        d = s.recv(1)
        if not d:
            raise EOFError(line)
        line += d
    return line[:-1]


def read_all(s):
    out = b""
    try:
        while True:
            d = s.recv(4096)
            if not d:
                break
            out += d
    except OSError:
        pass
    return out


def challenge(s, service):
    """The nonce of the challenge the monitor sent on s."""
    m = re.fullmatch(rb"vitrine-auth (\w+) ([0-9a-f]{64})", read_line(s))
    if not m or m.group(1) != service.encode():
        raise RuntimeError(f"no {service} challenge")
    return bytes.fromhex(m.group(2).decode())


def answer(nonce, service, key=None):
    mac = hmac.new(KEY if key is None else key, nonce + service.encode(), hashlib.sha256)
    return mac.hexdigest().encode() + b"\n"


def authenticate(s, service, key=None):
    """Answers the challenge; the monitor's verdict line."""
    s.sendall(answer(challenge(s, service), service, key))
    return read_line(s)


def connect(port, service):
    """An authenticated socket (QEMU's user networking may drop the first tries).
    Tries are half a second apart, for up to three minutes: a slow guest (under
    -icount, on a busy host) is not flooded with handshakes it must drop."""
    for _ in range(360):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
            if authenticate(s, service) == b"vitrine-auth ok":
                return s
            s.close()
        except (OSError, EOFError, RuntimeError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the monitor's {service} never answered")


class Client:
    def __init__(self, port):
        self.s = None
        # QEMU's user networking accepts on the host at once and drops the
        # connection while the guest does not answer yet: retry until the banner.
        for _ in range(300):
            try:
                s = connect(port, "console")
                self.s, self.buf = s, b""
                self.banner = self.until_prompt()
                if b"console over TCP" in self.banner:
                    return
                s.close()
            except (OSError, EOFError):
                pass
            time.sleep(0.2)
        raise RuntimeError("the monitor's console never answered")

    def recv(self):
        data = self.s.recv(65536)
        if not data:
            raise EOFError
        self.buf += data

    def until_prompt(self):
        while not self.buf.endswith(PROMPTS):
            self.recv()
        out, self.buf = self.buf, b""
        return out

    def send(self, data):
        self.s.sendall(data if isinstance(data, bytes) else data.encode() + b"\n")

    def ev(self, line):
        """The answer to one line, without the prompt that follows it."""
        self.send(line)
        out = self.until_prompt()
        for p in PROMPTS:
            if out.endswith(p):
                return out[: -len(p)].decode(errors="replace")
        return out.decode(errors="replace")


def main():
    global KEY
    port, tport, flag, log = int(sys.argv[1]), int(sys.argv[2]), sys.argv[4], sys.argv[5]
    KEY = bytes.fromhex(open(sys.argv[3]).read().strip())
    exprs = sys.argv[6:]
    try:
        run(port, tport, log, exprs, flag)
    except Exception as e:  # every check not reached counts as failed
        say(f"bad client: {type(e).__name__}: {e}")
    finally:
        open(flag, "a").close()
        open(flag + ".done", "a").close()


def run(port, tport, log, exprs, flag):
    a = Client(port)
    check("banner", b"Lua 5.4" in a.banner, a.banner)
    for i, e in enumerate(exprs):
        say(f"answer {i} {a.ev(e).rstrip(chr(10))}")

    # A state per client.
    b = Client(port)
    a.ev("secret = 42")
    check("state-own-global", a.ev("secret") == "42\n")
    check("state-separate", b.ev("secret") == "nil\n")
    b.ev("secret = 'two'")
    check("state-separate-after-set", a.ev("secret") == "42\n")

    # print() goes to the client that ran the chunk (the UART log must lack it).
    check("print-to-client", a.ev("print('only-tcp-' .. 'marker')") == "only-tcp-marker\n")

    # Frames came in through the device's interrupt (vnet_poll works only on one).
    st = a.ev("s = net.stats() print('netstats', s.up, s.irqs > 0, s.rx_frames > 0, s.tx_frames > 0, s.clients)")
    check("net-stats-interrupts", st == "netstats\ttrue\ttrue\ttrue\ttrue\t2\n", st)  # a and b
    att = a.ev("console.attach('hello')")
    check("no-attach-over-tcp", att == "console:1: console.attach: only on the UART console\n", att)

    # Multi-line chunks with the continuation prompt.
    a.send("function sq(x)")
    check("continuation-prompt", a.until_prompt() == b"lua>> ")
    a.ev("return x * x")
    a.ev("end")
    check("continued-chunk-runs", a.ev("sq(12)") == "144\n")
    check("error-carries-on", a.ev("error('boom')") == "console:1: boom\n" and a.ev("1+1") == "2\n")

    # 8 clients at once, all answered; a ninth is refused.
    more = [Client(port) for _ in range(6)]
    clients = [a, b] + more
    for n, c in enumerate(clients):
        c.send(f"print('client', {n}, {n} * {n})")
    answers = [c.until_prompt() for c in clients]
    want = [f"client\t{n}\t{n * n}\n".encode() + b"lua> " for n in range(8)]
    check("eight-clients-answered", answers == want, answers)
    s9 = connect(port, "console")
    got = read_all(s9)
    check("ninth-client-refused", got == b"monitor: too many clients\n", got)
    s9.close()

    # A 1 MiB line: "line too long", and the session answers on.
    c = more[0]
    c.send(b"x = '" + b"a" * (1 << 20) + b"'\n")
    check("long-line-refused", c.until_prompt().startswith(b"line too long"))
    check("long-line-session-goes-on", c.ev("print('after long', 1 + 1)") == "after long\t2\n")

    # Binary garbage (no line ends, no Ctrl-C), then a valid line.
    rnd = random.Random(6)
    junk = bytes(b for b in (rnd.randrange(256) for _ in range(3000)) if b not in b"\r\n\x03")
    c = more[1]
    c.send(junk + b"\n")
    c.until_prompt()
    check("garbage-then-valid-line", c.ev("print('after garbage')") == "after garbage\n")

    # Ctrl-C from the client interrupts its own chunk.
    c = more[2]
    c.send(b"while true do end\n\x03")
    check("ctrl-c-interrupts", c.until_prompt() == b"interrupted (Ctrl-C)\nlua> ")
    check("ctrl-c-session-goes-on", c.ev("print('alive')") == "alive\n")

    # The memory cap: an error, not a crash; the state is usable after it.
    c = more[3]
    err = c.ev("t = {} for i = 1, 1e7 do t[i] = i end")
    check("lua-memory-capped", err == "not enough memory\n", err)
    check("lua-memory-recovers", c.ev("t = nil collectgarbage() print('mem ok')") == "mem ok\n")

    # A client leaving mid-chunk: the others carry on.
    c = more[4]
    c.send("while true do end")
    c.s.close()
    check("others-after-disconnect", a.ev("print('still', secret)") == "still\t42\n")
    # Its slot is free again: a new client is served.
    n = Client(port)
    check("slot-reused", n.ev("1 + 2") == "3\n")
    # Half-closed after a last line without its newline: it runs, then the monitor closes.
    n.send(b"print('last', 7)")
    n.s.shutdown(socket.SHUT_WR)
    out = b""
    while True:
        d = n.s.recv(4096)
        if not d:
            break
        out += d
    check("half-close-last-line", out == b"last\t7\nlua> ", out)

    # The trace stream port accepts; the console is not disturbed.
    t = connect(tport, "stream")
    first = t.recv(4)
    t.close()
    check("stream-after-auth", len(first) > 0, first)
    check("console-after-stream", b.ev("secret") == "two\n")

    auth_checks(port, tport, a)

    # The UART's turn: it types its lines once FLAG exists (net.clients(), net.kick of
    # client b, whose id the banner said); wait until it answered.
    with open(flag + ".kick", "w") as f:
        f.write(re.search(rb"client (\d+)", b.banner).group(1).decode() + "\n")
    open(flag, "a").close()
    for _ in range(WAIT * 5):
        if b"uart-after\t42" in open(log, "rb").read():
            break
        time.sleep(0.2)
    got = read_all(b.s)
    check("kicked-from-uart", got.endswith(b"monitor: disconnected from the UART console\n"), got)
    check("others-after-kick", a.ev("print('after kick')") == "after kick\n")
    a.send("vitrine.poweroff()")
    out = b""
    try:
        while True:
            d = a.s.recv(4096)
            if not d:
                break
            out += d
    except OSError:
        pass
    check("poweroff-over-tcp", b"monitor: image " in out, out)


def auth_checks(port, tport, a):
    """The handshake: what an unauthenticated or wrong client gets (a: a served client)."""
    # 8 connections that never answer, then an authenticated client: served. The
    # first ones are dropped for the later ones (the pending table is small).
    idle = []
    for _ in range(8):
        idle.append(socket.create_connection(("127.0.0.1", port), timeout=WAIT))
        challenge(idle[-1], "console")  # it reached the monitor before the next one
    n = Client(port)
    check("idle-unauthenticated-do-not-lock-out", n.ev("6 * 7") == "42\n")
    got = read_all(idle[0])
    check("oldest-pending-dropped",
          got == b"vitrine-auth refused: too many connections waiting to authenticate\n", got)
    # Those left are dropped after the handshake's timeout.
    got = read_all(idle[-1])
    check("idle-unauthenticated-dropped", got == b"vitrine-auth refused: no answer within 5 s\n", got)
    for s in idle:
        s.close()
    n.s.close()

    # Lua instead of the answer: refused, nothing run (the session below is still up).
    for name, line in (("poweroff", b"vitrine.poweroff()\n"), ("return", b"return 6*7\n")):
        s = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        challenge(s, "console")
        s.sendall(line)
        got = read_all(s)
        s.close()
        check("no-lua-before-auth-" + name,
              got == b"vitrine-auth refused: wrong answer to the challenge (is the secret right?)\n",
              got)
    check("still-up-after-unauthenticated", a.ev("1 + 1") == "2\n")

    # A wrong secret: refused.
    s = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    verdict = authenticate(s, "console", key=bytes(32))
    check("wrong-secret-refused", verdict.startswith(b"vitrine-auth refused: wrong answer"), verdict)
    s.close()

    # A recorded answer replayed to a new challenge: refused (nonces never repeat).
    s1 = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    n1 = challenge(s1, "console")
    s1.sendall(answer(n1, "console"))
    check("recorded-session-ok", read_line(s1) == b"vitrine-auth ok")
    s2 = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    n2 = challenge(s2, "console")
    s2.sendall(answer(n1, "console"))
    verdict = read_line(s2)
    check("replayed-answer-refused", n1 != n2 and verdict.startswith(b"vitrine-auth refused"),
          (n1.hex(), n2.hex(), verdict))
    s1.close()
    s2.close()
    # The console's answer is no answer for the stream: the service is in the MAC.
    s = socket.create_connection(("127.0.0.1", tport), timeout=WAIT)
    nonce = challenge(s, "stream")
    s.sendall(answer(nonce, "console"))
    got = read_all(s)
    check("stream-demands-auth",
          got == b"vitrine-auth refused: wrong answer to the challenge (is the secret right?)\n", got)
    s.close()

    # Seeing and kicking clients is the UART's.
    got = a.ev("net.clients()")
    check("net-clients-not-over-tcp", got == "console:1: net.clients: only on the UART console\n", got)
    got = a.ev("net.kick(1)")
    check("net-kick-not-over-tcp", got == "console:1: net.kick: only on the UART console\n", got)


if __name__ == "__main__":
    main()
