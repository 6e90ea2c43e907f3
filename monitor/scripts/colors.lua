-- colors.lua: the last-level cache's colours and which VMs may allocate in each.
-- Batch: make run CONFIG=monitor SCRIPT=monitor/scripts/colors.lua
-- Until cache colouring exists every VM owns every colour: the map shows the overlap.
for line in cache.colors().map:gmatch("[^\n]+") do print("colors: " .. line) end
