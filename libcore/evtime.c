/* SPDX-License-Identifier: MIT */
/* Event time taken from a record field (--time FIELD[:FORMAT]). */
#include "libcore/evtime.h"

#include <stdlib.h>
#include <string.h>

#include "libcore/xalloc.h"

/* A word that looks meant as a format name ("rfc333", "epoch_sec"). */
static int
format_like(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_'))
			return 0;
	return 1;
}

int
core_evtime_init(struct core_evtime *et, const char *spec)
{
	const char *colon = strchr(spec, ':');

	memset(et, 0, sizeof(*et));
	if (*spec && spec[strlen(spec) - 1] == ':') {
		/* "a:b:" is the field "a:b" with the format detected. */
		core_timefmt_init(&et->fmt, "auto");
		et->name = core_xmemdup(spec, strlen(spec) - 1);
		core_fieldref_init(&et->field, et->name);
		return 0;
	}
	if (colon && format_like(colon + 1) &&
	    core_timefmt_init(&et->fmt, colon + 1) < 0)
		return -1;    /* a misspelt format, not a name with a colon */
	if (colon && core_timefmt_init(&et->fmt, colon + 1) == 0) {
		et->name = core_xmemdup(spec, (size_t)(colon - spec));
	} else {
		core_timefmt_init(&et->fmt, "auto");
		et->name = core_xstrdup(spec);
	}
	core_fieldref_init(&et->field, et->name);
	return 0;
}

void
core_evtime_release(struct core_evtime *et)
{
	core_timefmt_release(&et->fmt);
	free(et->name);
	et->name = NULL;
}

int
core_evtime_get(struct core_evtime *et, const struct core_rec *r,
    int64_t *ns, const char **why)
{
	const struct core_value *v = core_rec_getref(r, &et->field);

	if (v == NULL) {
		*why = "missing time field";
		return -1;
	}
	switch (v->type) {
	case CORE_TIME:
		*ns = v->u.i;
		return 0;
	case CORE_INT:
		if (core_time_from_int(&et->fmt, v->u.i, ns) == 0)
			return 0;
		break;
	case CORE_DOUBLE:
		/* Number text is parsed as text: exact to the nanosecond. */
		if (v->flags & CORE_VF_TEXT) {
			if (core_time_parse(&et->fmt, v->u.s, v->len, ns) == 0)
				return 0;
		} else if (core_time_from_double(&et->fmt, v->u.d, ns) == 0) {
			return 0;
		}
		break;
	case CORE_STR:
		if (core_time_parse_memo(&et->fmt, &et->memo, v->u.s, v->len,
		    ns) == 0)
			return 0;
		break;
	case CORE_NULL:
		*why = "null time field";
		return -1;
	default:
		break;
	}
	*why = "unrecognised time";
	return -1;
}
