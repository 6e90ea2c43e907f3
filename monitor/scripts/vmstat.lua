-- vmstat.lua: every VM's state, pCPUs, memory, resets and exits so far.
-- Batch: make run CONFIG=monitor SCRIPT=monitor/scripts/vmstat.lua
-- (Each line typed at the console is its own chunk: no top-level locals.)
fmt = "vmstat: %-12s %-9s %-8s %8s %6s %10s"
print(string.format(fmt, "VM", "state", "pCPUs", "RAM MiB", "resets", "exits"))
for _, v in ipairs(vm.list()) do
  print(string.format(fmt, v.name, v.state, table.concat(v.pcpus, ","), v.ram // 1048576,
    v.resets, v.exits))
end
