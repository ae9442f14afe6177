/* bcc/proto.h - BCC's packet header records, for socket filters and TC
 * programs that walk a packet with cursor_advance (bpflua/packet.h).
 *
 * Fields are in wire order, bit-fields most significant bit first, as
 * BCC's layouts are: a record describes bytes of the packet and is never
 * read as memory. BPF_PACKET_HEADER marks it so that the rewriter
 * (runtime/compile/rw_packet.c) turns `hdr->field` into a packet load
 * (README, "Packets").
 */
#ifndef BPFLUA_BCC_PROTO_H
#define BPFLUA_BCC_PROTO_H

#define BPF_PACKET_HEADER __attribute__((packed, annotate("bpflua_packet")))

struct ethernet_t {			/* 14 bytes */
	unsigned long long dst:48;
	unsigned long long src:48;
	unsigned int type:16;
} BPF_PACKET_HEADER;

struct dot1q_t {			/* 802.1Q tag, 4 bytes */
	unsigned short pri:3;
	unsigned short cfi:1;
	unsigned short vlanid:12;
	unsigned short type;
} BPF_PACKET_HEADER;

struct arp_t {				/* IPv4 over Ethernet, 28 bytes */
	unsigned short htype;
	unsigned short ptype;
	unsigned char hlen;
	unsigned char plen;
	unsigned short oper;
	unsigned long long sha:48;
	unsigned long long spa:32;
	unsigned long long tha:48;
	unsigned int tpa;
} BPF_PACKET_HEADER;

struct ip_t {				/* IPv4 without options, 20 bytes */
	unsigned char ver:4;
	unsigned char hlen:4;
	unsigned char tos;
	unsigned short tlen;
	unsigned short identification;
	unsigned short ffo_unused:1;
	unsigned short df:1;
	unsigned short mf:1;
	unsigned short foffset:13;
	unsigned char ttl;
	unsigned char nextp;
	unsigned short hchecksum;
	unsigned int src;
	unsigned int dst;
} BPF_PACKET_HEADER;

struct icmp_t {
	unsigned char type;
	unsigned char code;
	unsigned short checksum;
} BPF_PACKET_HEADER;

struct ip6_t {				/* 40 bytes */
	unsigned int ver:4;
	unsigned int priority:8;
	unsigned int flow_label:20;
	unsigned short payload_len;
	unsigned char next_header;
	unsigned char hop_limit;
	unsigned long long src_hi;
	unsigned long long src_lo;
	unsigned long long dst_hi;
	unsigned long long dst_lo;
} BPF_PACKET_HEADER;

struct ip6_opt_t {			/* an extension header's first 8 bytes */
	unsigned char next_header;
	unsigned char ext_len;
	unsigned char pad[6];
} BPF_PACKET_HEADER;

struct icmp6_t {
	unsigned char type;
	unsigned char code;
	unsigned short checksum;
} BPF_PACKET_HEADER;

struct udp_t {
	unsigned short sport;
	unsigned short dport;
	unsigned short length;
	unsigned short crc;
} BPF_PACKET_HEADER;

struct tcp_t {				/* without options, 20 bytes */
	unsigned short src_port;
	unsigned short dst_port;
	unsigned int seq_num;
	unsigned int ack_num;
	unsigned char offset:4;
	unsigned char reserved:4;
	unsigned char flag_cwr:1;
	unsigned char flag_ece:1;
	unsigned char flag_urg:1;
	unsigned char flag_ack:1;
	unsigned char flag_psh:1;
	unsigned char flag_rst:1;
	unsigned char flag_syn:1;
	unsigned char flag_fin:1;
	unsigned short rcv_wnd;
	unsigned short cksum;
	unsigned short urg_ptr;
} BPF_PACKET_HEADER;

struct vxlan_t {			/* 8 bytes */
	unsigned int rsv1:4;
	unsigned int iflag:1;
	unsigned int rsv2:3;
	unsigned int rsv3:24;
	unsigned int key:24;
	unsigned int rsv4:8;
} BPF_PACKET_HEADER;

struct vxlan_gbp_t {			/* VXLAN group policy extension, 8 bytes */
	unsigned int gflag:1;
	unsigned int rsv1:3;
	unsigned int iflag:1;
	unsigned int rsv2:3;
	unsigned int rsv3:1;
	unsigned int dflag:1;
	unsigned int rsv4:1;
	unsigned int aflag:1;
	unsigned int rsv5:3;
	unsigned int tag:16;
	unsigned int key:24;
	unsigned int rsv6:8;
} BPF_PACKET_HEADER;

#endif
