-- irqlat.lua: how long the hypervisor takes from a timer interrupt's
-- arrival to its injection, per VM, over what the trace rings hold.
-- Batch: make run CONFIG=monitor-timer SCRIPT=monitor/scripts/irqlat.lua
for i = 1, 3000000 do end -- let the other VMs run a little first
for _, v in ipairs(vm.list()) do
  local l = irq.latency{vm = v.id, intid = 27}
  if l.count > 0 then
    print(string.format("irqlat: %s: %d interrupts, ns min %d avg %d p50 %d p99 %d max %d",
      v.name, l.count, l.min, l.avg, l.p50, l.p99, l.max))
    print(l.histogram)
  end
end
