# Tumbling 10 s count by status (jq -n -r -f count.jq events.ndjson): the
# first 18 characters of the time are the 10-second bucket.
# Prints BUCKET,status,count.
[inputs | [.time[0:18], .status]]
| group_by(.)
| .[]
| "\(.[0][0]),\(.[0][1]),\(length)"
