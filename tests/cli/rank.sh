#!/bin/bash
# SPDX-License-Identifier: MIT
# Ranking, deduplication, DISTINCT, field-bounded windows and cascades,
# checked against sqlite3 computing the same answers on generated data,
# in order and shuffled within the allowed delay.
. "$(dirname "$0")/lib.sh"

if ! command -v sqlite3 >/dev/null 2>&1; then
	skip "everything against sqlite3" "sqlite3 is not installed"
	done_testing
	exit $?
fi

D=$SCRATCH
# 2000 events over 200 s: key k (8 values), value v with many ties.
awk 'BEGIN { srand(9); for (i = 0; i < 2000; i++) {
	printf "{\"t\":%d,\"k\":\"k%d\",\"v\":%d}\n", 1000000 + i * 100, int(rand() * 8), int(rand() * 20) } }' > "$D/ev.ndjson"
# Shuffled within 1.5 s.
awk 'BEGIN { srand(3) } { match($0, /"t":[0-9]+/); t = substr($0, RSTART + 4, RLENGTH - 4);
	printf "%d\t%s\n", t + int(rand() * 1500), $0 }' "$D/ev.ndjson" | sort -n -k1,1 | cut -f2- > "$D/shuf.ndjson"
stream-sink -o csv "$D/ev.ndjson" > "$D/ev.csv"
sqlite3 "$D/db" ".mode csv" ".import $D/ev.csv ev" \
	"create table e as select cast(t as integer) t, k, cast(v as integer) v from ev"

SRC="stream-source -t t:epoch_ms -d 2s"
SRC_LONG="stream-source -t t:epoch_ms -d 100s"

# Top 3 per 10 s window and key by v, ties kept: RANK() <= 3.
SQL_TOP="select (t / 10000) * 10, k, v, t, r from (select t, k, v,
	rank() over (partition by t / 10000, k order by v desc) r from e)
	where r <= 3 order by t / 10000, k, r, t;"
sqlite3 -csv "$D/db" "$SQL_TOP" > "$D/top.want"
TOP="stream-window -T 10s | stream-top -n 3 -b v -g k --with-ties -r |
	stream-sink -o csv --no-header --time-format epoch_s -k window_start,k,v,t,rank"

testing "top 3 per window and key with ties = sqlite RANK()" \
	"$SRC $D/ev.ndjson | $TOP | sort -t, -k1,1n -k2,2 -k5,5n -k4,4n > got; cmp got $D/top.want && wc -l < got" \
	"$(wc -l < "$D/top.want")"

testing "the same top rows from a shuffled copy" \
	"$SRC $D/shuf.ndjson | $TOP | sort -t, -k1,1n -k2,2 -k5,5n -k4,4n > got; cmp got $D/top.want && echo same" \
	"same"

# Top 1 without ties: ROW_NUMBER by v desc, then the earlier event.
SQL_TOP1="select (t / 10000) * 10, v, t from (select t, v, row_number() over
	(partition by t / 10000 order by v desc, t) r from e) where r = 1
	order by t / 10000;"
testing "top 1 per window without ties = ROW_NUMBER(), earlier event first" \
	"sqlite3 -csv $D/db \"$SQL_TOP1\" > want
	 $SRC $D/ev.ndjson | stream-window -T 10s | stream-top -b v | stream-sink -o csv --no-header --time-format epoch_s -k window_start,v,t > got
	 cmp got want && wc -l < got" \
	"20"

# DISTINCT per window.
SQL_DISTINCT="select distinct (t / 10000) * 10, k from e order by 1, 2;"
testing "stream-agg -g with no accumulator = SELECT DISTINCT per window" \
	"sqlite3 -csv $D/db \"$SQL_DISTINCT\" > want
	 $SRC $D/shuf.ndjson | stream-window -T 10s | stream-agg -g k | stream-sink -o csv --no-header --time-format epoch_s -k window_start,k > got
	 cmp got want && wc -l < got" \
	"$(sqlite3 -csv "$D/db" "$SQL_DISTINCT" | wc -l)"

# Dedup: each key's first and last event (by time) per 10 s window.
SQL_FIRST="select (t / 10000) * 10, k, min(t) from e group by t / 10000, k order by 1, 3;"
testing "stream-dedup --keep first per window = min(t) per key" \
	"sqlite3 -csv $D/db \"$SQL_FIRST\" > want
	 $SRC $D/shuf.ndjson | stream-window -T 10s | stream-dedup -k k | stream-sink -o csv --no-header --time-format epoch_s -k window_start,k,t | sort -t, -k1,1n -k3,3n > got
	 cmp got want && wc -l < got" \
	"$(sqlite3 -csv "$D/db" "$SQL_FIRST" | wc -l)"

SQL_LAST="select (t / 10000) * 10, k, max(t) from e group by t / 10000, k order by 1, 2;"
testing "stream-dedup --keep last per window = max(t) per key" \
	"sqlite3 -csv $D/db \"$SQL_LAST\" > want
	 $SRC $D/shuf.ndjson | stream-window -T 10s | stream-dedup -k k --keep last | stream-sink -o csv --no-header --time-format epoch_s -k window_start,k,t > got
	 cmp got want && echo same" \
	"same"

testing "stream-dedup --within: first per key per 30 s from its first" \
	"$SRC $D/ev.ndjson | stream-dedup -k k -W 30s | stream-sink -o csv --no-header -k k,t | sort > a
	 $SRC $D/shuf.ndjson | stream-dedup -k k -W 30s | stream-sink -o csv --no-header -k k,t | sort > b
	 cmp a b && awk -F, '{ if (last[\$1] != \"\" && \$2 - last[\$1] < 30000) bad++; last[\$1] = \$2 } END { print ((NR > 8 && !bad) ? \"spaced\" : \"bad \" bad) }' a" \
	"spaced"

# Cascade: count per key per window, then the max of those per window.
SQL_CASCADE="select w * 10, max(c) from (select t / 10000 w, k, count(*) c from e group by 1, 2) group by w order by w;"
testing "cascaded aggregation = max of per-key counts per window" \
	"sqlite3 -csv $D/db \"$SQL_CASCADE\" > want
	 $SRC $D/shuf.ndjson | stream-window -T 10s | stream-agg -g k count | stream-agg max:count | stream-sink -o csv --no-header --time-format epoch_s -k window_start,max_count > got
	 cmp got want && wc -l < got" \
	"20"

# Field-bounded windows: auctions open until 'expires'; the best bid of
# each, counting only bids inside [auction time, expires).
awk 'BEGIN { srand(5); for (a = 0; a < 40; a++) {
	t = 1000000 + a * 2000; printf "{\"t\":%d,\"id\":%d,\"expires\":%d}\n", t, a, t + 1000 + int(rand() * 9000) }
	for (b = 0; b < 1500; b++) printf "{\"t\":%d,\"id\":%d,\"price\":%d}\n", 1000000 + int(rand() * 90000), int(rand() * 40), int(rand() * 1000) }' |
	sort -t: -k2,2n > "$D/auction.ndjson"
stream-sink -o csv -k t,id,expires,price "$D/auction.ndjson" > "$D/auction.csv"
sqlite3 "$D/db" ".mode csv" ".import $D/auction.csv au"
SQL_AU="select a.id, max(cast(b.price as integer)) from au a join au b on a.id = b.id
	and a.expires != '' and b.price != '' and cast(b.t as integer) >= cast(a.t as integer)
	and cast(b.t as integer) < cast(a.expires as integer) group by a.id order by cast(a.id as integer);"
testing "max bid per auction until its expiry = sqlite join" \
	"sqlite3 -csv $D/db \"$SQL_AU\" > want
	 $SRC_LONG $D/auction.ndjson | stream-window -U expires:epoch_ms -b id 2>/dev/null | stream-agg -g id best=max:price --having 'best IS NOT NULL' 2>/dev/null | stream-sink -o csv --no-header -k id,best | sort -t, -k1,1n > got
	 cmp got want && wc -l < got" \
	"$(sqlite3 -csv "$D/db" "$SQL_AU" | wc -l)"

done_testing
