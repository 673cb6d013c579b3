/*
 * =c
 * Null
 * =s
 * null element: passes packets unchanged
 * =ports
 * 1 input, 1 output
 * =processing
 * agnostic
 * =d
 * Emits input packets unchanged.  Useful as a placeholder (a join point
 * declared before its inputs) and for benchmarking the cost of one element
 * on the path; an empty compound element `{->}` serves as a placeholder
 * without any runtime cost.
 * =e
 *   join :: Null;
 *   src0 -> join;
 *   src1 -> join;
 *   join -> Counter -> Discard;
 * =a
 * Discard, Idle
 */
#include "element.h"

static struct cabo_packet *null_simple_action(struct cabo_element *e, struct cabo_packet *p)
{
	return p;
}

CABO_ELEMENT_CLASS(null_class) = {
	.name = "Null", .port_count = "1/1", .processing = "a/a",
	.size = sizeof(struct cabo_element),
	.simple_action = null_simple_action,
};
