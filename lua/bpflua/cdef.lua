-- cdef.lua - the one owner of bpflua's FFI declarations: runtime/ffi.h, the
-- header the C side of the data path is compiled against, handed to
-- ffi.cdef once. Modules that call C through the FFI take `C` from here.

local ffi = require "ffi"
local core = require "bpflua.core"

ffi.cdef(core.ffi_header())
-- A BPF_STACK_TRACE_BUILDID entry (the kernel's struct bpf_stack_build_id),
-- which no map BTF describes (lua/bpflua/stacks.lua).
ffi.cdef [[
struct bl_stack_build_id {
  int32_t status;
  unsigned char build_id[20];
  union { uint64_t offset; uint64_t ip; };
};
]]

return ffi.C
