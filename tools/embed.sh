#!/bin/sh
# embed.sh OUT.S SYMBOL ROOT FILE... - emit an assembly file that embeds each
# FILE (a path under ROOT) with a NUL terminator, plus a table SYMBOL of
# struct bl_embedded_file { name, data, size } ending in a zero entry.
set -eu
out=$1 sym=$2 root=$3
shift 3
{
	echo '	.section .rodata'
	i=0
	for f in "$@"; do
		rel=${f#"$root"/}
		echo "${sym}_name_$i: .asciz \"$rel\""
		echo '	.balign 16'
		echo "${sym}_data_$i: .incbin \"$f\""
		echo "${sym}_end_$i: .byte 0"
		i=$((i + 1))
	done
	echo '	.section .data.rel.ro,"aw"'
	echo '	.balign 8'
	echo "	.globl $sym"
	echo "$sym:"
	i=0
	for f in "$@"; do
		echo "	.quad ${sym}_name_$i, ${sym}_data_$i, ${sym}_end_$i - ${sym}_data_$i"
		i=$((i + 1))
	done
	echo '	.quad 0, 0, 0'
	echo '	.section .note.GNU-stack,"",@progbits'
} > "$out"
