/* metrics_http.h - the /metrics endpoint (libmicrohttpd, own thread). */
#ifndef BL_METRICS_HTTP_H
#define BL_METRICS_HTTP_H

#include "err.h"

/* Serves GET /metrics on "[ADDR:]PORT" until bl_metrics_stop(); -errno
 * with e filled (bad address, port in use, already serving). */
int bl_metrics_serve(const char *spec, struct bl_err *e);
void bl_metrics_stop(void);

#endif
