#!/usr/bin/env python3
"""The TCP side of tests/system.sh's test_monitor_net (until the real
`vitrine` client is wired in): drives the monitor's Lua console over
TCP and prints one line per check, "ok NAME" or "bad NAME: why", and
"answer N TEXT" for each expression of EXPRS (compared with the UART's).

usage: net_client.py CONSOLE_PORT TRACE_PORT FLAG LOG EXPR...
FLAG is created when the TCP checks are done (the UART then types its
last line); LOG is QEMU's console, watched for that line's answer before
vitrine.poweroff() is sent over TCP. Nothing is timed: every wait is for
an answer, with a generous socket timeout only against a hang.
"""
import os
import random
import socket
import sys
import time

PROMPTS = (b"lua> ", b"lua>> ")
WAIT = 90  # seconds: only so that a broken monitor fails the test instead of hanging it


def say(line):
    print(line, flush=True)


def check(name, ok, why=""):
    say(f"ok {name}" if ok else f"bad {name}: {why}")


class Client:
    def __init__(self, port):
        self.s = None
        # QEMU's user networking accepts on the host at once and drops the
        # connection while the guest does not answer yet: retry until the banner.
        for _ in range(300):
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
                self.s, self.buf = s, b""
                self.banner = self.until_prompt()
                if b"console over TCP" in self.banner:
                    return
                s.close()
            except OSError:
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
    port, tport, flag, log = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    exprs = sys.argv[5:]
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
    s9 = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    got = b""
    while True:
        d = s9.recv(4096)
        if not d:
            break
        got += d
    check("ninth-client-refused", b"too many clients" in got, got)
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
    t = socket.create_connection(("127.0.0.1", tport), timeout=WAIT)
    t.close()
    check("console-after-stream", b.ev("secret") == "two\n")

    # The UART's turn: it types a line once FLAG exists; wait until it answered.
    open(flag, "a").close()
    for _ in range(WAIT * 5):
        if b"uart-after\t42" in open(log, "rb").read():
            break
        time.sleep(0.2)
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


if __name__ == "__main__":
    main()
