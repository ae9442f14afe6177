	.section .rodata
bl_embedded_ffi_name_0: .asciz "ffi.h"
	.balign 16
bl_embedded_ffi_data_0: .incbin "runtime/ffi.h"
bl_embedded_ffi_end_0: .byte 0
	.section .data.rel.ro,"aw"
	.balign 8
	.globl bl_embedded_ffi
bl_embedded_ffi:
	.quad bl_embedded_ffi_name_0, bl_embedded_ffi_data_0, bl_embedded_ffi_end_0 - bl_embedded_ffi_data_0
	.quad 0, 0, 0
	.section .note.GNU-stack,"",@progbits
