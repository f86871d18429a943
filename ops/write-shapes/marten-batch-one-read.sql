-- marten-batch.sql with its pre-read in one round trip, as the service sends it (one statement
-- with subqueries here, where the service sends four statements in one batch): today's write with
-- the round trips it really makes, and a statement or three fewer. The service's own cost lies
-- between this shape and marten-batch.sql.
\set r random(0, 497)
\set a :client_id * 500 + :r
\set b :a + 1
\set c :a + 2
begin;
select nextval('assetledger.mt_events_sequence') as s1, nextval('assetledger.mt_events_sequence') as s2, nextval('assetledger.mt_events_sequence') as s3, (select version from assetledger.mt_streams where id = assetledger.shapes_uuid(:a) and tenant_id = 'NL') as v1, (select version from assetledger.mt_streams where id = assetledger.shapes_uuid(:b) and tenant_id = 'NL') as v2, (select version from assetledger.mt_streams where id = assetledger.shapes_uuid(:c) and tenant_id = 'NL') as v3 \gset
\startpipeline
insert into assetledger.al_write_guard (id) select 1 where not assetledger.al_guard_write(4294971430);
insert into assetledger.mt_events (data, type, mt_dotnet_type, bdata, id, stream_id, version, timestamp, tenant_id, correlation_id, causation_id, headers, user_name, seq_id) values (:ev::jsonb, 'asset_valued', 'AssetLedger.Assets.AssetValued, AssetLedger.Core', null, gen_random_uuid(), assetledger.shapes_uuid(:a), :v1 + 1, now(), 'NL', :corr, :caus, :hd::jsonb, 'bench-investigator', :s1);
update assetledger.mt_streams set version = :v1 + 1 where id = assetledger.shapes_uuid(:a) and version = :v1 and tenant_id = 'NL' returning version;
insert into assetledger.mt_doc_asset (tenant_id, id, data, mt_version, mt_dotnet_type, mt_last_modified) values ('NL', assetledger.shapes_uuid(:a), :doc::jsonb, CASE WHEN :v1 + 1 = 0 THEN COALESCE((select version from assetledger.mt_streams where assetledger.mt_streams.id = assetledger.shapes_uuid(:a) and assetledger.mt_streams.tenant_id = 'NL'), 1) ELSE :v1 + 1 END, 'AssetLedger.Assets.Asset', transaction_timestamp()) on conflict (tenant_id, id) do update set data = excluded.data, mt_version = excluded.mt_version, mt_dotnet_type = excluded.mt_dotnet_type, mt_last_modified = excluded.mt_last_modified;
insert into assetledger.mt_doc_commandrecord (tenant_id, id, data, mt_dotnet_type, mt_version) values ('NL', gen_random_uuid()::text, :rec::jsonb, 'AssetLedger.Api.Infrastructure.CommandRecord', gen_random_uuid());
insert into assetledger.mt_events (data, type, mt_dotnet_type, bdata, id, stream_id, version, timestamp, tenant_id, correlation_id, causation_id, headers, user_name, seq_id) values (:ev::jsonb, 'asset_valued', 'AssetLedger.Assets.AssetValued, AssetLedger.Core', null, gen_random_uuid(), assetledger.shapes_uuid(:b), :v2 + 1, now(), 'NL', :corr, :caus, :hd::jsonb, 'bench-investigator', :s2);
update assetledger.mt_streams set version = :v2 + 1 where id = assetledger.shapes_uuid(:b) and version = :v2 and tenant_id = 'NL' returning version;
insert into assetledger.mt_doc_asset (tenant_id, id, data, mt_version, mt_dotnet_type, mt_last_modified) values ('NL', assetledger.shapes_uuid(:b), :doc::jsonb, CASE WHEN :v2 + 1 = 0 THEN COALESCE((select version from assetledger.mt_streams where assetledger.mt_streams.id = assetledger.shapes_uuid(:b) and assetledger.mt_streams.tenant_id = 'NL'), 1) ELSE :v2 + 1 END, 'AssetLedger.Assets.Asset', transaction_timestamp()) on conflict (tenant_id, id) do update set data = excluded.data, mt_version = excluded.mt_version, mt_dotnet_type = excluded.mt_dotnet_type, mt_last_modified = excluded.mt_last_modified;
insert into assetledger.mt_doc_commandrecord (tenant_id, id, data, mt_dotnet_type, mt_version) values ('NL', gen_random_uuid()::text, :rec::jsonb, 'AssetLedger.Api.Infrastructure.CommandRecord', gen_random_uuid());
insert into assetledger.mt_events (data, type, mt_dotnet_type, bdata, id, stream_id, version, timestamp, tenant_id, correlation_id, causation_id, headers, user_name, seq_id) values (:ev::jsonb, 'asset_valued', 'AssetLedger.Assets.AssetValued, AssetLedger.Core', null, gen_random_uuid(), assetledger.shapes_uuid(:c), :v3 + 1, now(), 'NL', :corr, :caus, :hd::jsonb, 'bench-investigator', :s3);
update assetledger.mt_streams set version = :v3 + 1 where id = assetledger.shapes_uuid(:c) and version = :v3 and tenant_id = 'NL' returning version;
insert into assetledger.mt_doc_asset (tenant_id, id, data, mt_version, mt_dotnet_type, mt_last_modified) values ('NL', assetledger.shapes_uuid(:c), :doc::jsonb, CASE WHEN :v3 + 1 = 0 THEN COALESCE((select version from assetledger.mt_streams where assetledger.mt_streams.id = assetledger.shapes_uuid(:c) and assetledger.mt_streams.tenant_id = 'NL'), 1) ELSE :v3 + 1 END, 'AssetLedger.Assets.Asset', transaction_timestamp()) on conflict (tenant_id, id) do update set data = excluded.data, mt_version = excluded.mt_version, mt_dotnet_type = excluded.mt_dotnet_type, mt_last_modified = excluded.mt_last_modified;
insert into assetledger.mt_doc_commandrecord (tenant_id, id, data, mt_dotnet_type, mt_version) values ('NL', gen_random_uuid()::text, :rec::jsonb, 'AssetLedger.Api.Infrastructure.CommandRecord', gen_random_uuid());
commit;
\endpipeline
