-- One change of one node's roster entries and its announcement to the other nodes, as one atomic step, so
-- the entry set a joining node reads and the events it receives after it never disagree (docs/cluster.md).
-- KEYS[1]: the node's entry set. ARGV[1]: the event channel; ARGV[2]: the event;
-- ARGV[3..]: entries to add ('+' then the entry) or to remove ('-' then the entry).
for i = 3, #ARGV do
  local entry = string.sub(ARGV[i], 2)
  if string.sub(ARGV[i], 1, 1) == '+' then
    redis.call('SADD', KEYS[1], entry)
  else
    redis.call('SREM', KEYS[1], entry)
  end
end
return redis.call('PUBLISH', ARGV[1], ARGV[2])
