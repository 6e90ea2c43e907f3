#!/usr/bin/env python3
"""The TCP side of tests/system-monitor.sh's test_monitor_hostile: what a
hostile client of the monitor's Lua console tries, and that the monitor
serves on. Prints "ok NAME" or "bad NAME: why" per check.

usage: net_hostile.py CONSOLE_PORT KEY FLAG LOG
KEY is the system's secret (out/net.key: net_client.py authenticates).
FLAG.budget is created when the UART may lengthen the budget; FLAG.loop
once a `while true do end` runs (the UART then types Ctrl-C); FLAG.done
when the client is finished. LOG is QEMU's console, watched for the
UART's answers.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import net_client  # noqa: E402
from net_client import WAIT, Client, check, say  # noqa: E402

# Recursion through C functions: each level a C call, none a Lua call.
RECURSIONS = {
    "format": "t = setmetatable({}, {__tostring = function(s) return string.format('%s', s) end})"
    " return string.format('%s', t)",
    "gsub": "function f(s) return (string.gsub('x', 'x', f)) end return f('x')",
    "concat": "u = setmetatable({}, {__len = function() return 1 end,"
    " __index = function(s, k) return table.concat(s) end}) return table.concat(u)",
}


def wait_log(log, text):
    for _ in range(WAIT * 5):
        if text.encode() in open(log, "rb").read():
            return True
        time.sleep(0.2)
    return False


def run(port, flag, log):
    a = Client(port)
    for name, line in RECURSIONS.items():
        out = a.ev(line)
        check(f"recursion-{name}-error", "stack overflow" in out, out)
        check(f"recursion-{name}-goes-on", a.ev("return 6*7") == "42\n")
    check("recursion-new-client", Client(port).ev("return 6*7") == "42\n")
    st = a.ev("s = vitrine.stack() return s.deepest < s.size")
    check("recursion-within-stack", st == "true\n", st)

    # A state filled to its cap, to the byte: it can still free what it holds.
    out = a.ev("t = nil while true do t = {t} end")
    check("full-state-capped", out == "not enough memory\n", out)
    out = a.ev("t = nil")
    check("full-state-frees", out == "", out)
    out = a.ev("collectgarbage() return collectgarbage('count') < 256")
    check("full-state-collects", out == "true\n", out)

    # The budget: only the UART sets it; a chunk past it is interrupted.
    out = a.ev("net.budget(100)")
    check("budget-uart-only", "only the UART console sets it" in out, out)
    check("budget-set-from-uart", wait_log(log, "budget\t3000"))
    out = a.ev("while true do end")
    check("budget-interrupts", out == "interrupted: ran past its budget of 3000 ms (net.budget)\n", out)
    check("budget-goes-on", a.ev("return 6*7") == "42\n")
    open(flag + ".budget", "a").close()

    # The UART's Ctrl-C interrupts a TCP chunk, whatever its budget.
    check("budget-long-from-uart", wait_log(log, "budget\t600000"))
    a.send("while true do end")
    open(flag + ".loop", "a").close()
    out = a.until_prompt().decode(errors="replace")
    check("uart-ctrl-c-interrupts", out.startswith("interrupted (Ctrl-C on the UART console)\n"), out)
    check("uart-ctrl-c-goes-on", a.ev("return 6*7") == "42\n")


def main():
    port, flag, log = int(sys.argv[1]), sys.argv[3], sys.argv[4]
    net_client.KEY = bytes.fromhex(open(sys.argv[2]).read().strip())
    try:
        run(port, flag, log)
    except Exception as e:  # every check not reached counts as failed
        say(f"bad client: {type(e).__name__}: {e}")
    finally:
        open(flag + ".budget", "a").close()
        open(flag + ".loop", "a").close()
        open(flag + ".done", "a").close()


if __name__ == "__main__":
    main()
