/* Graphviz rendering of a configuration. */
#ifndef CABO_DOT_H
#define CABO_DOT_H
#include "config.h"
/* A `digraph` with one node per element ("name :: Class") and one edge per
 * connection labelled with its ports. Caller frees. */
char *cabo_config_dot(const struct cabo_config *config);
#endif
