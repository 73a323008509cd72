# Tumbling 10 s p99 of latency_ms by host (jq -n -r -f p99.jq
# events.ndjson): the value of rank floor(0.99 n), 0-based, in the sorted
# values.  Prints BUCKET,host,p99.
[inputs | [.time[0:18], .host, .latency_ms]]
| group_by(.[0:2])
| .[]
| (map(.[2]) | sort) as $v
| "\(.[0][0]),\(.[0][1]),\($v[$v | length * 0.99 | floor])"
