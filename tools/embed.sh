#!/bin/sh
# embed.sh OUT.S SYMBOL ROOT FILE... - emit an assembly file that embeds each
# FILE (a path under ROOT) with a NUL terminator, plus a table SYMBOL of
# struct bl_embedded_file { name, data, size } ending in a zero entry, and
# SYMBOL_digest: the SHA-256 (hex) of every name and content, for keys of
# what is made from the files.
set -eu
out=$1 sym=$2 root=$3
shift 3
digest=$(for f in "$@"; do printf '%s\0' "${f#"$root"/}"; cat "$f"; printf '\0'; done | sha256sum | cut -d' ' -f1)
{
	echo '	.section .rodata'
	echo "	.globl ${sym}_digest"
	echo "${sym}_digest: .asciz \"$digest\""
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
