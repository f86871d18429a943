-- Today's pre-read, as Marten's Rich append makes it at the start of SaveChanges: BEGIN, the
-- sequence numbers and the three streams' rows. pgbench cannot \gset inside a pipeline, so this takes
-- five round trips where the service makes one.
begin;
select nextval('assetledger.mt_events_sequence') as s1, nextval('assetledger.mt_events_sequence') as s2, nextval('assetledger.mt_events_sequence') as s3 \gset
select id, version as v1, type, timestamp, created, is_archived, compacted_version from assetledger.mt_streams where id = assetledger.shapes_uuid(:a) and tenant_id = 'NL' \gset
select id, version as v2, type, timestamp, created, is_archived, compacted_version from assetledger.mt_streams where id = assetledger.shapes_uuid(:b) and tenant_id = 'NL' \gset
select id, version as v3, type, timestamp, created, is_archived, compacted_version from assetledger.mt_streams where id = assetledger.shapes_uuid(:c) and tenant_id = 'NL' \gset
