/* The PCIe host bridge: functions given to VMs by their configs (`pci`). */
#ifndef PCIE_H
#define PCIE_H

/* At boot, after the VMs are built: scan bus 0, place and attach the configured functions. */
void pcie_init(void);

#endif
