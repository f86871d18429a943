-- P1's raw baseline: one row of the event's JSON, one transaction.
insert into public.shapes_raw (id, data) values (gen_random_uuid(), :ev::jsonb);
