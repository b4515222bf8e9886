# SPDX-License-Identifier: BSD-2-Clause
# U-Boot boot script for migrant; `make` compiles it into build/uboot/boot.scr
# with `mkimage -T script`. It is board-neutral: the same boot.scr boots
# QEMU's virt board (make run-uboot) and a VisionFive 2 (docs/hardware.md).
#
# U-Boot's distro boot and bootstd both find boot.scr on a partition and set
# devtype, devnum, distro_bootpart and prefix (the folder it was found in)
# before running it; the files below are read from the same folder:
#   migrant.bin   the kernel (a RISC-V Linux-style Image, for booti)
#   initrd.cpio   the initrd
#   migrant.env   the kernel command line, a line bootargs=<command line>;
#                 optionally a line migrant_kernel=<file> to boot another
#                 kernel file than migrant.bin (say, a bkl build beside it)
#   ${fdtfile}    optional: a device tree to use instead of U-Boot's own
# Typed by hand, set those four variables first (docs/hardware.md).

echo "migrant: booting from ${devtype} ${devnum}:${distro_bootpart} ${prefix}"

# migrant.env is read into the initrd's slot, which the initrd itself
# overwrites later: the script runs from ${scriptaddr}, so that is no scratch.
setenv bootargs
setenv migrant_kernel
if load ${devtype} ${devnum}:${distro_bootpart} ${ramdisk_addr_r} ${prefix}migrant.env; then
    env import -t -r ${ramdisk_addr_r} ${filesize} bootargs migrant_kernel
fi
if test -z "${migrant_kernel}"; then
    setenv migrant_kernel migrant.bin
fi
echo "migrant: ${migrant_kernel}, command line \"${bootargs}\""

# The device tree U-Boot itself runs on describes the board; a board whose
# U-Boot carries a reduced tree can put the full one beside the kernel.
setenv migrant_fdt ${fdtcontroladdr}
if test -n "${fdtfile}" && test -e ${devtype} ${devnum}:${distro_bootpart} ${prefix}${fdtfile}; then
    load ${devtype} ${devnum}:${distro_bootpart} ${fdt_addr_r} ${prefix}${fdtfile} && setenv migrant_fdt ${fdt_addr_r}
fi

if load ${devtype} ${devnum}:${distro_bootpart} ${kernel_addr_r} ${prefix}${migrant_kernel}; then
    if load ${devtype} ${devnum}:${distro_bootpart} ${ramdisk_addr_r} ${prefix}initrd.cpio; then
        booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${migrant_fdt}
    fi
fi
echo "migrant: boot failed"
