/**
 * Lua run by Redis so each operation is atomic and costs one round trip. Loaded once at open
 * (`SCRIPT LOAD`) and called by `EVALSHA` through ioredis `defineCommand`.
 */

/** Most event lines in one feed entry. */
const FEED_LINES = 1_000;

/**
 * Compare-and-set append. Numbers every line (`{"seq":N,` + the client-encoded rest), adds it
 * to the execution's stream with id `N-0`, adds the batch to the feed stream `watch` follows
 * (in entries of at most `FEED_LINES` lines, so one huge batch never makes one huge entry),
 * updates the summary hash and the index sorted sets, and refreshes the TTL of every key it
 * touches, or changes nothing when the last seq is not `expectedSeq`.
 *
 * The lines come as one argument joined by newlines (an encoded line never holds a raw
 * newline: JSON escapes it), so the call has the same few arguments for 1 event or 400,000;
 * one argument per line overflowed the client's call stack on a 100k-task execution.
 *
 * KEYS: 1 stream, 2 summary hash, 3 created index, 4 pipeline index, 5 feed,
 *       6..10 status indexes (pending, running, succeeded, failed, cancelled).
 * ARGV: 1 expectedSeq or '', 2 ttl ms, 3 execution id, 4 created ms or '', 5 status index (1..5)
 *       or '', 6 feed max length, 7 number of summary field pairs, then the pairs, then the
 *       lines joined by '\n' ('' for none).
 * Returns {1, lastSeq} or {0, actualLastSeq} on conflict.
 */
export const APPEND_SCRIPT = `
local len = redis.call('XLEN', KEYS[1])
if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= len then
  return {0, len}
end
local ttl = ARGV[2]
local id = ARGV[3]
local npairs = tonumber(ARGV[7])
local body = ARGV[8 + 2 * npairs]
if body == '' then
  return {1, len}
end
local seq = len
local feed = {}
local function flushFeed()
  redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[6], '*', 'x', id, 'e', table.concat(feed, '\\n'))
  feed = {}
end
local from = 1
while true do
  local stop = string.find(body, '\\n', from, true)
  seq = seq + 1
  local line = '{"seq":' .. string.format('%d', seq) .. ',' .. string.sub(body, from, (stop or 0) - 1)
  redis.call('XADD', KEYS[1], string.format('%d', seq) .. '-0', 'e', line)
  feed[#feed + 1] = line
  if #feed == ${FEED_LINES} then
    flushFeed()
  end
  if not stop then
    break
  end
  from = stop + 1
end
if #feed > 0 then
  flushFeed()
end
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[5], ttl)
local created = ARGV[4] ~= ''
if npairs > 0 and (created or redis.call('EXISTS', KEYS[2]) == 1) then
  local fields = {}
  for i = 8, 7 + 2 * npairs do
    fields[#fields + 1] = ARGV[i]
  end
  redis.call('HSET', KEYS[2], unpack(fields))
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('PEXPIRE', KEYS[2], ttl)
end
if created then
  -- Index entries older than the TTL point at expired executions: drop them as we go.
  local horizon = '(' .. string.format('%d', tonumber(ARGV[4]) - tonumber(ttl))
  for _, key in ipairs({KEYS[3], KEYS[4]}) do
    redis.call('ZADD', key, ARGV[4], id)
    redis.call('ZREMRANGEBYSCORE', key, '-inf', horizon)
    redis.call('PEXPIRE', key, ttl)
  end
end
if ARGV[5] ~= '' then
  local score = redis.call('HGET', KEYS[2], 'created_ms')
  if score then
    for k = 6, 10 do
      redis.call('ZREM', KEYS[k], id)
    end
    local key = KEYS[5 + tonumber(ARGV[5])]
    redis.call('ZADD', key, score, id)
    redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. string.format('%d', tonumber(score) - tonumber(ttl)))
    redis.call('PEXPIRE', key, ttl)
  end
end
return {1, seq}
`;

/** Takes the lease when free, renews it when the caller already holds it. KEYS: lease. ARGV: owner, ttl ms. */
export const ACQUIRE_LEASE_SCRIPT = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;

/** Deletes the lease only when the caller holds it. KEYS: lease. ARGV: owner. */
export const RELEASE_LEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;
