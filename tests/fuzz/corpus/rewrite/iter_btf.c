BPF_HASH(seen, u32, u64);
static inline int show(struct seq_file *seq, struct task_struct *t) {
    return BPF_SEQ_PRINTF(seq, "%d\n", t->pid);
}
BPF_ITER(task_file) {
    struct seq_file *seq = ctx->meta->seq;
    struct task_struct *task = ctx->task, *other = 0;
    struct file *file = ctx->file;
    if (!task || !file) return 0;
    const unsigned char *name = file->f_path.dentry->d_name.name;
    struct qstr q = file->f_path.dentry->d_name;
    other = task->real_parent;
    if (name[0] == '/') other = (struct task_struct *)bpf_get_current_task();
    bpf_probe_read_kernel(&task, sizeof(task), &other->group_leader);
    BPF_SEQ_PRINTF(seq, "%d %u %s %u\n", other->tgid, ctx->fd, name, q.len);
    return show(seq, task);
}
BPF_ITER(tcp) {
    struct sock_common *skc = ctx->sk_common;
    struct tcp_sock *tp = skc ? bpf_skc_to_tcp_sock(skc) : 0;
    if (!tp) return 0;
    struct inet_sock *inet = &tp->inet_conn.icsk_inet;
    u32 k = inet->inet_sport;
    u64 v = tp->inet_conn.icsk_inet.sk.sk_protocol;
    seen.update(&k, &v);
    return 0;
}
LSM_PROBE(file_open, struct file *file) {
    struct inode *inode = file->f_inode;
    return inode->i_mode & 0 ? -1 : 0;
}
