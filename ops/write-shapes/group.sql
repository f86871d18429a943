-- The group's three streams: consecutive ones of the client's own 500 (setup.sql), so that no two
-- clients ever write to one stream.
\set r random(0, 497)
\set a :client_id * 500 + :r
\set b :a + 1
\set c :a + 2
