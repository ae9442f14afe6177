-- cdef.lua - the one owner of bpflua's FFI declarations: runtime/ffi.h, the
-- header the C side of the data path is compiled against, handed to
-- ffi.cdef once. Modules that call C through the FFI take `C` from here.

local ffi = require "ffi"
local core = require "bpflua.core"

ffi.cdef(core.ffi_header())

return ffi.C
