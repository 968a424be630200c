-- Batch progress, updated atomically (see docbatch/progress.py).
--
-- KEYS[1]  the batch's progress hash: total, priority, created_at, state:<state> counts,
--          stage:<stage>:<outcome> counts, pages, started_at, first_terminal_at,
--          last_terminal_at, finished_at
-- KEYS[2]  the batch's document hash: s:<document> = recorded state,
--          m:<stage>:<document> = recorded outcome of that stage
-- ARGV[1]  the operation: "init", "transition" or "grow"; ARGV[2] the TTL in seconds.
--
-- Why a document hash: a redelivered task calls "transition" again. A transition counts
-- only if the document's recorded state equals its old state (compare-and-set), and a
-- stage outcome only if it differs from the recorded one, so every effect counts once.

local op = ARGV[1]
local ttl = tonumber(ARGV[2])
local TERMINAL = { completed = true, failed = true, cancelled = true }

local function num(value)
  return tonumber(value) or 0
end

-- Workers' clocks differ slightly: keep the earliest start and the latest end rather
-- than whichever write came last.
local function set_min(key, field, value)
  local current = redis.call('HGET', key, field)
  if not current or tonumber(value) < tonumber(current) then
    redis.call('HSET', key, field, value)
  end
end

local function set_max(key, field, value)
  local current = redis.call('HGET', key, field)
  if not current or tonumber(value) > tonumber(current) then
    redis.call('HSET', key, field, value)
  end
end

local function terminal_count(key)
  local c = redis.call('HMGET', key, 'state:completed', 'state:failed', 'state:cancelled')
  return num(c[1]) + num(c[2]) + num(c[3])
end

-- ARGV: op, ttl, total, priority, created_at. Returns 1 if created, 0 if it existed (an
-- existing batch keeps its counts: init is safe to repeat).
local function init()
  if redis.call('EXISTS', KEYS[1]) == 1 then
    return 0
  end
  local total = ARGV[3]
  redis.call('HSET', KEYS[1], 'total', total, 'priority', ARGV[4], 'created_at', ARGV[5],
    'state:pending', total, 'state:processing', 0, 'state:completed', 0,
    'state:failed', 0, 'state:cancelled', 0, 'pages', 0)
  if num(total) == 0 then
    redis.call('HSET', KEYS[1], 'finished_at', ARGV[5])
  end
  redis.call('EXPIRE', KEYS[1], ttl)
  return 1
end

-- Records a stage outcome for a document; true if it changed anything.
local function mark_stage(doc, stage, outcome)
  local field = 'm:' .. stage .. ':' .. doc
  local previous = redis.call('HGET', KEYS[2], field)
  if previous == outcome then
    return false
  end
  if previous then
    redis.call('HINCRBY', KEYS[1], 'stage:' .. stage .. ':' .. previous, -1)
  end
  redis.call('HINCRBY', KEYS[1], 'stage:' .. stage .. ':' .. outcome, 1)
  redis.call('HSET', KEYS[2], field, outcome)
  return true
end

-- Sets the timing fields after an applied transition; returns the terminal count.
local function record_times(old, new, now)
  set_min(KEYS[1], 'started_at', now)
  if TERMINAL[new] and not TERMINAL[old] then
    set_min(KEYS[1], 'first_terminal_at', now)
    set_max(KEYS[1], 'last_terminal_at', now)
  end
  local terminal = terminal_count(KEYS[1])
  if terminal >= num(redis.call('HGET', KEYS[1], 'total')) then
    redis.call('HSETNX', KEYS[1], 'finished_at', now)
  else
    -- A recovered document (failed -> pending) reopens a finished batch.
    redis.call('HDEL', KEYS[1], 'finished_at')
  end
  return terminal
end

-- ARGV: op, ttl, channel, batch, document, old, new, stage ('' for none), outcome,
-- pages, now. Returns 'applied', 'duplicate', 'stale' or 'missing'.
local function transition()
  if redis.call('EXISTS', KEYS[1]) == 0 then
    return 'missing'
  end
  local channel, batch, doc, old, new = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
  local stage, outcome, pages, now = ARGV[8], ARGV[9], num(ARGV[10]), ARGV[11]
  local recorded = redis.call('HGET', KEYS[2], 's:' .. doc) or 'pending'
  if recorded ~= old then
    if recorded == new then
      return 'duplicate'
    end
    return 'stale'
  end
  local changed = false
  if old ~= new then
    redis.call('HINCRBY', KEYS[1], 'state:' .. old, -1)
    redis.call('HINCRBY', KEYS[1], 'state:' .. new, 1)
    redis.call('HSET', KEYS[2], 's:' .. doc, new)
    changed = true
  end
  if stage ~= '' and mark_stage(doc, stage, outcome) then
    changed = true
  end
  if not changed then
    return 'duplicate'
  end
  if pages > 0 then
    redis.call('HINCRBY', KEYS[1], 'pages', pages)
  end
  local terminal = record_times(old, new, now)
  local total = num(redis.call('HGET', KEYS[1], 'total'))
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
  redis.call('PUBLISH', channel, cjson.encode({
    batch_id = batch, document_id = doc, old_state = old, new_state = new,
    stage = (stage ~= '' and stage) or cjson.null, terminal = terminal, total = total, finished = terminal >= total,
    at = tonumber(now),
  }))
  return 'applied'
end

-- ARGV: op, ttl, container document, count. A container's children join the batch as
-- pending documents: counted once per container (c:<document> in the document hash), so
-- a repeated report changes nothing. Returns 1 if counted, 0 if already counted or the
-- hash is missing (the rebuild reads the total from the database).
local function grow()
  if redis.call('EXISTS', KEYS[1]) == 0 then
    return 0
  end
  local doc, count = ARGV[3], num(ARGV[4])
  if redis.call('HSETNX', KEYS[2], 'c:' .. doc, count) == 0 then
    return 0
  end
  redis.call('HINCRBY', KEYS[1], 'total', count)
  redis.call('HINCRBY', KEYS[1], 'state:pending', count)
  redis.call('HDEL', KEYS[1], 'finished_at')
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
  return 1
end

if op == 'init' then
  return init()
elseif op == 'grow' then
  return grow()
elseif op == 'transition' then
  return transition()
end
return redis.error_reply('unknown progress operation ' .. tostring(op))
