-- top.lua: exits per second of every VM, refreshed like top; Ctrl-C stops it.
-- Globals it reads: interval (seconds, default 1), rounds (default 5).
-- Batch: make run CONFIG=monitor SCRIPT=monitor/scripts/top.lua
interval = interval or 1
rounds = rounds or 5
for round = 1, rounds do
  local before, t0 = {}, vitrine.now()
  for _, v in ipairs(vm.list()) do before[v.id] = v.exits end
  while vitrine.now() - t0 < interval * vitrine.freq() do end
  local dt = (vitrine.now() - t0) / vitrine.freq()
  print(string.format("top: %-12s %-9s %12s %8s", "VM", "state", "exits/s", "resets"))
  for _, v in ipairs(vm.list()) do
    print(string.format("top: %-12s %-9s %12d %8d", v.name, v.state,
      math.floor((v.exits - before[v.id]) / dt), v.resets))
  end
end
