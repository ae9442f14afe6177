	.section .rodata
bl_embedded_headers_name_0: .asciz "bpf/bpf_core_read.h"
	.balign 16
bl_embedded_headers_data_0: .incbin "build-san/inc/bpf/bpf_core_read.h"
bl_embedded_headers_end_0: .byte 0
bl_embedded_headers_name_1: .asciz "bpf/bpf_endian.h"
	.balign 16
bl_embedded_headers_data_1: .incbin "build-san/inc/bpf/bpf_endian.h"
bl_embedded_headers_end_1: .byte 0
bl_embedded_headers_name_2: .asciz "bpf/bpf_helper_defs.h"
	.balign 16
bl_embedded_headers_data_2: .incbin "build-san/inc/bpf/bpf_helper_defs.h"
bl_embedded_headers_end_2: .byte 0
bl_embedded_headers_name_3: .asciz "bpf/bpf_helpers.h"
	.balign 16
bl_embedded_headers_data_3: .incbin "build-san/inc/bpf/bpf_helpers.h"
bl_embedded_headers_end_3: .byte 0
bl_embedded_headers_name_4: .asciz "bpf/bpf_tracing.h"
	.balign 16
bl_embedded_headers_data_4: .incbin "build-san/inc/bpf/bpf_tracing.h"
bl_embedded_headers_end_4: .byte 0
bl_embedded_headers_name_5: .asciz "bpflua/bcc.h"
	.balign 16
bl_embedded_headers_data_5: .incbin "build-san/inc/bpflua/bcc.h"
bl_embedded_headers_end_5: .byte 0
bl_embedded_headers_name_6: .asciz "bpflua/flavor.h"
	.balign 16
bl_embedded_headers_data_6: .incbin "build-san/inc/bpflua/flavor.h"
bl_embedded_headers_end_6: .byte 0
bl_embedded_headers_name_7: .asciz "bpflua/helpers.h"
	.balign 16
bl_embedded_headers_data_7: .incbin "build-san/inc/bpflua/helpers.h"
bl_embedded_headers_end_7: .byte 0
bl_embedded_headers_name_8: .asciz "bpflua/kernel_defs.h"
	.balign 16
bl_embedded_headers_data_8: .incbin "build-san/inc/bpflua/kernel_defs.h"
bl_embedded_headers_end_8: .byte 0
bl_embedded_headers_name_9: .asciz "bpflua/maps.h"
	.balign 16
bl_embedded_headers_data_9: .incbin "build-san/inc/bpflua/maps.h"
bl_embedded_headers_end_9: .byte 0
bl_embedded_headers_name_10: .asciz "bpflua/probes.h"
	.balign 16
bl_embedded_headers_data_10: .incbin "build-san/inc/bpflua/probes.h"
bl_embedded_headers_end_10: .byte 0
bl_embedded_headers_name_11: .asciz "bpflua/regs.h"
	.balign 16
bl_embedded_headers_data_11: .incbin "build-san/inc/bpflua/regs.h"
bl_embedded_headers_end_11: .byte 0
	.section .data.rel.ro,"aw"
	.balign 8
	.globl bl_embedded_headers
bl_embedded_headers:
	.quad bl_embedded_headers_name_0, bl_embedded_headers_data_0, bl_embedded_headers_end_0 - bl_embedded_headers_data_0
	.quad bl_embedded_headers_name_1, bl_embedded_headers_data_1, bl_embedded_headers_end_1 - bl_embedded_headers_data_1
	.quad bl_embedded_headers_name_2, bl_embedded_headers_data_2, bl_embedded_headers_end_2 - bl_embedded_headers_data_2
	.quad bl_embedded_headers_name_3, bl_embedded_headers_data_3, bl_embedded_headers_end_3 - bl_embedded_headers_data_3
	.quad bl_embedded_headers_name_4, bl_embedded_headers_data_4, bl_embedded_headers_end_4 - bl_embedded_headers_data_4
	.quad bl_embedded_headers_name_5, bl_embedded_headers_data_5, bl_embedded_headers_end_5 - bl_embedded_headers_data_5
	.quad bl_embedded_headers_name_6, bl_embedded_headers_data_6, bl_embedded_headers_end_6 - bl_embedded_headers_data_6
	.quad bl_embedded_headers_name_7, bl_embedded_headers_data_7, bl_embedded_headers_end_7 - bl_embedded_headers_data_7
	.quad bl_embedded_headers_name_8, bl_embedded_headers_data_8, bl_embedded_headers_end_8 - bl_embedded_headers_data_8
	.quad bl_embedded_headers_name_9, bl_embedded_headers_data_9, bl_embedded_headers_end_9 - bl_embedded_headers_data_9
	.quad bl_embedded_headers_name_10, bl_embedded_headers_data_10, bl_embedded_headers_end_10 - bl_embedded_headers_data_10
	.quad bl_embedded_headers_name_11, bl_embedded_headers_data_11, bl_embedded_headers_end_11 - bl_embedded_headers_data_11
	.quad 0, 0, 0
	.section .note.GNU-stack,"",@progbits
