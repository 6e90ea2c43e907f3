-- irqlat.lua: how long a timer interrupt takes, per VM, over what the trace
-- rings hold: arrival to injection (the hypervisor), then, when the guest
-- marks its handler's entry, injection to handler and arrival to handler.
-- Batch: make run CONFIG=monitor-timer SCRIPT=monitor/scripts/irqlat.lua
for i = 1, 3000000 do end -- let the other VMs run a little first
fmt = "irqlat: %s: %-19s %d interrupts, ns min %d avg %d p50 %d p99 %d max %d"
for _, v in ipairs(vm.list()) do
  local l = irq.latency{vm = v.id, intid = 27}
  if l.count > 0 then
    print(string.format(fmt, v.name, "arrival->injection", l.count, l.min, l.avg, l.p50, l.p99, l.max))
    for _, st in ipairs{{"injection->handler", l.stages.injection_to_marker},
                        {"arrival->handler", l.stages.arrival_to_marker}} do
      local s = st[2]
      if s.count > 0 then
        print(string.format(fmt, v.name, st[1], s.count, s.min, s.avg, s.p50, s.p99, s.max))
      end
    end
    print(l.histogram)
  end
end
