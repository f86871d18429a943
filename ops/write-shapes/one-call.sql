-- The group (group.sql) as one call of a server-side function that takes the rows as arrays
-- (setup.sql), BEGIN and COMMIT pipelined with it: one round trip. The function adds one to each
-- stream's version instead of comparing it with an expected one (pgbench carries no state between
-- transactions); a real call would compare, in the same UPDATE.
\startpipeline
begin;
select assetledger.shapes_append_group('NL', 4294971430, array[assetledger.shapes_uuid(:a), assetledger.shapes_uuid(:b), assetledger.shapes_uuid(:c)], array['asset_valued', 'asset_valued', 'asset_valued'], array['AssetLedger.Assets.AssetValued, AssetLedger.Core', 'AssetLedger.Assets.AssetValued, AssetLedger.Core', 'AssetLedger.Assets.AssetValued, AssetLedger.Core'], array[:ev::jsonb, :ev::jsonb, :ev::jsonb], array[:hd::jsonb, :hd::jsonb, :hd::jsonb], array[:corr, :corr, :corr], array[:caus, :caus, :caus], array['bench-investigator', 'bench-investigator', 'bench-investigator'], now(), array[:doc::jsonb, :doc::jsonb, :doc::jsonb], array[gen_random_uuid()::text, gen_random_uuid()::text, gen_random_uuid()::text], array[:rec::jsonb, :rec::jsonb, :rec::jsonb]);
commit;
\endpipeline
