# status >= 500 AND latency_ms > 250 on NDJSON in the key order
# bench/gen.c writes (split on '"': $19 is ':STATUS,', $23 ':LATENCY}');
# prints the matching lines unchanged.
BEGIN { FS = "\"" }
substr($19, 2) + 0 >= 500 && substr($23, 2) + 0 > 250
