#!/usr/bin/env bash
# `mallard generate`: the five event types in their weights with their detail fields, timestamps
# as specified (first batch 30 days ago, 0.1..2.0 s apart, next batch 1 s after the newest event),
# --seed reproducible, --truncate, --start-at, and Ctrl-C finishing the batch in progress.
# Usage: pipeline_generator.sh MALLARD BACKEND   (needs the test PostgreSQL server; BACKEND unused)
source "$(dirname "$0")/pipeline_lib.sh" "$@"

q() { psql "$src" -At -F, -c "$1"; }

"$MALLARD" generate --source "$src" --rows 4000 --seed 1 --delay 0 --quiet >/dev/null
check "generate exits 0" 0 $?
check "table and its indexes exist" 4 "$(q "SELECT count(*) FROM pg_indexes WHERE schemaname = 'ducklake_src' AND tablename = 'events'")"
check "rows" 4000 "$(q "SELECT count(*) FROM ducklake_src.events")"
# Weights 35/25/15/10/15 of 4000, within 3 points each (a seeded run, so this never flakes).
for pair in user_login:35 api_request:25 payment_processed:15 error_occurred:10 feature_usage:15; do
  type=${pair%%:*}
  share=$(q "SELECT round(100.0 * count(*) FILTER (WHERE event_type = '$type') / count(*)) FROM ducklake_src.events")
  check "share of $type near ${pair#*:}%" 1 "$([ $((share - ${pair#*:})) -le 3 ] && [ $((${pair#*:} - share)) -le 3 ] && echo 1 || echo 0)"
done
keys() { q "SELECT string_agg(k, ' ' ORDER BY k) FROM (SELECT DISTINCT jsonb_object_keys(details) k FROM ducklake_src.events WHERE event_type = '$1') t"; }
check "user_login fields" "ip_address login_method session_id user_agent user_id" "$(keys user_login)"
check "api_request fields" "api_key endpoint method request_id response_time_ms status_code" "$(keys api_request)"
check "payment_processed fields" "amount currency customer_id merchant_id payment_method status transaction_id" "$(keys payment_processed)"
check "error_occurred fields" "affected_users error_code error_message service severity stack_trace" "$(keys error_occurred)"
check "feature_usage fields" "clicks duration_seconds feature_name feature_version subscription_tier user_id" "$(keys feature_usage)"
check "every event has all its fields" 0 "$(q "SELECT count(*) FROM ducklake_src.events WHERE (event_type IN ('user_login', 'feature_usage') AND details->>'user_id' !~ '^user_[1-9][0-9]{3}$') OR (event_type = 'api_request' AND (details->>'status_code')::int NOT IN (200, 201, 204, 400, 401, 404, 500)) OR (event_type = 'payment_processed' AND ((details->>'amount')::numeric NOT BETWEEN 10 AND 5000 OR details->>'customer_id' !~ '^cust_[0-9]{5}$')) OR (event_type = 'error_occurred' AND details->>'severity' NOT IN ('low', 'medium', 'high', 'critical')) OR (event_type = 'feature_usage' AND details->>'feature_version' !~ '^v[1-3]\.[0-9]\.[0-9]$')")"
check "status codes weighted (200 is the most common)" "200" "$(q "SELECT details->>'status_code' FROM ducklake_src.events WHERE event_type = 'api_request' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")"
check "first event about 30 days ago" t "$(q "SELECT abs(extract(epoch FROM min(event_timestamp) - (now() AT TIME ZONE 'UTC' - interval '30 days'))) < 60 FROM ducklake_src.events")"
check "events 0.1..2.0 s apart" "t,t" "$(q "SELECT min(d) >= 0.1, max(d) <= 2.0 FROM (SELECT extract(epoch FROM event_timestamp - lag(event_timestamp) OVER (ORDER BY event_timestamp)) d FROM ducklake_src.events) t")"

newest=$(q "SELECT max(event_timestamp) FROM ducklake_src.events")
"$MALLARD" generate --source "$src" --rows 10 --delay 0 --quiet >/dev/null
check "next batch starts 1 s after the newest event" 1 "$(q "SELECT count(*) FROM ducklake_src.events WHERE event_timestamp = TIMESTAMP '$newest' + interval '1 second'")"

# --seed: the same events again (ids, types, details, spacing); another seed gives others.
fingerprint() { q "SELECT md5(string_agg(event_id::text || event_type || details::text || extract(epoch FROM event_timestamp - (SELECT min(event_timestamp) FROM ducklake_src.events)), '|' ORDER BY event_timestamp)) FROM ducklake_src.events"; }
"$MALLARD" generate --source "$src" --truncate --seed 7 --rows 300 --loops 2 --delay 0 --quiet >/dev/null
first=$(fingerprint)
check "truncate then 2 batches" 600 "$(q "SELECT count(*) FROM ducklake_src.events")"
"$MALLARD" generate --source "$src" --truncate --seed 7 --rows 300 --loops 2 --delay 0 --quiet >/dev/null
check "same seed, same events" "$first" "$(fingerprint)"
"$MALLARD" generate --source "$src" --truncate --seed 8 --rows 300 --loops 2 --delay 0 --quiet >/dev/null
check "another seed, other events" 1 "$([ "$first" != "$(fingerprint)" ] && echo 1 || echo 0)"

"$MALLARD" generate --source "$src" --truncate --rows 5 --start-at '2026-01-02 03:04:05' --delay 0 --quiet >/dev/null
check "--start-at" "2026-01-02 03:04:05" "$(q "SELECT min(event_timestamp) FROM ducklake_src.events")"

# Ctrl-C: the batch in progress completes, then a clean exit.
"$MALLARD" generate --source "$src" --truncate --continuous --rows 777 --delay 0.2 >"$dir/gen.out" 2>&1 &
pid=$!
sleep 2
kill -INT "$pid"
wait "$pid"
check "exit 0 after SIGINT" 0 $?
check "whole batches only" 0 "$(( $(q "SELECT count(*) FROM ducklake_src.events") % 777 ))"
check "prints the total" 1 "$(grep -c '^generated [0-9]* events' "$dir/gen.out")"
env -u MALLARD_SOURCE "$MALLARD" generate --rows 1 >/dev/null 2>"$dir/err.out"
check "no source: exit 1" 1 $?
check "no source: a clear error" 1 "$(grep -c 'no source database' "$dir/err.out")"
finish
