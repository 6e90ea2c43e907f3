-- llctop.lua: each VM's LLC misses per second, its miss rate, and the VMs it
-- shares cache colours with (who can evict its lines), refreshed like top.
-- The counts come from cache.llc(): the emulated LLC (make run LLC=1) or the
-- PMU events the hypervisor counts (hardware, or a config's llc-events).
-- Globals it reads: interval (seconds, default 1), rounds (default 5).
-- Batch: make run CONFIG=monitor-colors LLC=1 SCRIPT=monitor/scripts/llctop.lua
interval = interval or 1
rounds = rounds or 5
-- One function, one chunk: the console runs each top-level line on its own.
function llctop()
  local first, why = cache.llc()
  if not first then
    print("llctop: " .. why)
    return
  end
  local shares = {}
  for _, o in ipairs(cache.colors().overlaps) do
    shares[o.a] = (shares[o.a] and shares[o.a] .. "," or "") .. o.b
    shares[o.b] = (shares[o.b] and shares[o.b] .. "," or "") .. o.a
  end
  print(string.format("llctop: source %s%s", first.source,
    first.refill_name and " (" .. first.refill_name .. ")" or ""))
  for round = 1, rounds do
    local a, t0 = cache.llc(), vitrine.now()
    while vitrine.now() - t0 < interval * vitrine.freq() do end
    local b = cache.llc()
    local dt = (vitrine.now() - t0) / vitrine.freq()
    print(string.format("llctop: %-12s %12s %10s  %s", "VM", "misses/s", "miss rate", "shares colours with"))
    for i, v in ipairs(b.vms) do
      local dm, da = v.misses - a.vms[i].misses, (v.accesses or 0) - (a.vms[i].accesses or 0)
      local rate = v.accesses and da > 0 and string.format("%9.2f%%", 100 * dm / da) or "-"
      print(string.format("llctop: %-12s %12d %10s  %s", v.name, math.floor(dm / dt), rate,
        shares[v.name] or "nobody"))
    end
  end
end
llctop()
