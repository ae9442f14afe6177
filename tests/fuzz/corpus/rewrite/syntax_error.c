int f(void *c){ return 1+; }
