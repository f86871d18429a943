-- The same pre-read in one round trip, as the service makes it (one statement with subqueries here,
-- where the service sends four statements in one batch).
begin;
select nextval('assetledger.mt_events_sequence') as s1, nextval('assetledger.mt_events_sequence') as s2, nextval('assetledger.mt_events_sequence') as s3, (select version from assetledger.mt_streams where id = assetledger.shapes_uuid(:a) and tenant_id = 'NL') as v1, (select version from assetledger.mt_streams where id = assetledger.shapes_uuid(:b) and tenant_id = 'NL') as v2, (select version from assetledger.mt_streams where id = assetledger.shapes_uuid(:c) and tenant_id = 'NL') as v3 \gset
