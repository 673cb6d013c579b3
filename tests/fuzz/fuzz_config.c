/* libFuzzer target for the configuration parser: any input must give a
 * configuration or located errors, never a crash, leak or hang; and a
 * configuration's flat text must parse back to the same text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Pretends names starting with 'P' are primitive classes, so both ways of
 * telling classes from elements get exercised. */
static bool is_class(const char *name, void *arg)
{
	(void)arg;
	return name[0] == 'P';
}

/* A flat configuration must parse back to itself. */
static void check_round_trip(const char *flat)
{
	struct cabo_errh errh;
	struct cabo_config again;
	cabo_errh_init(&errh, NULL);
	if (cabo_config_parse_string(flat, "flat.click", NULL, &again, &errh) != 0)
		abort();
	char *text = cabo_config_unparse(&again);
	if (strcmp(text, flat) != 0)
		abort();
	free(text);
	cabo_config_free(&again);
	cabo_errh_destroy(&errh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	static const char *const overrides[] = { "A=1", "B=$A$A" };
	struct cabo_config_options opt = { .overrides = overrides, .noverrides = 2 };
	if (size && data[0] & 1)
		opt.is_class = is_class;

	struct cabo_errh errh;
	struct cabo_config config;
	cabo_errh_init(&errh, NULL);
	if (cabo_config_parse_string(text, "fuzz.click", &opt, &config, &errh) == 0) {
		char *flat = cabo_config_unparse(&config);
		/* Substituted text can complete a `${NAME-default}` that
		 * was left alone (as Click would), which then expands when
		 * parsed again: only such text may differ. */
		if (!strstr(flat, "${"))
			check_round_trip(flat);
		free(flat);
	}
	cabo_config_free(&config);
	cabo_errh_destroy(&errh);
	free(text);
	return 0;
}
