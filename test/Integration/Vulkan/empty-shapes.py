# REQUIRES: vulkan
# RUN: %python %S/../CPU/empty-shapes.py rms-run %t vulkan | FileCheck %S/../CPU/empty-shapes.py
# The CPU test's empty tensors, on the first Vulkan device.
