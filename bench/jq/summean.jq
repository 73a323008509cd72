# Tumbling 10 s sum of bytes and mean of latency_ms by host
# (jq -n -r -f summean.jq events.ndjson).  Prints BUCKET,host,sum,mean.
[inputs | [.time[0:18], .host, .bytes, .latency_ms]]
| group_by(.[0:2])
| .[]
| "\(.[0][0]),\(.[0][1]),\(map(.[2]) | add),\(map(.[3]) | add / length)"
