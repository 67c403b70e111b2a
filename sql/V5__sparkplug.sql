-- edge-collector schema, version 6: Sparkplug B edge nodes and devices online or offline.
--
-- A Sparkplug birth (NBIRTH, DBIRTH) or death (NDEATH whose bdSeq matches the birth, DDEATH)
-- is stored as a reading of metric 'sparkplug_online' (1 online, 0 offline) for the node
-- (sensor_id <group>/<edge_node>) or device (<group>/<edge_node>/<device>), at the time the
-- collector received it; an NDEATH also takes the node's devices offline. Being readings,
-- they are loaded, replayed and compacted exactly once like any other.

-- Each Sparkplug node and device: online or not, and since when (the first birth or death of
-- its current state; a rebirth while online does not reset it).
CREATE VIEW sparkplug_status AS
WITH events AS (
    SELECT sensor_id, ts, value,
           lag(value) OVER (PARTITION BY sensor_id ORDER BY ts) AS previous
    FROM measurements
    WHERE metric = 'sparkplug_online'
)
SELECT DISTINCT ON (sensor_id)
       sensor_id,
       split_part(sensor_id, '/', 1)                   AS group_id,
       split_part(sensor_id, '/', 2)                   AS edge_node,
       nullif(split_part(sensor_id, '/', 3), '')       AS device,
       value = 1                                       AS online,
       ts                                              AS since
FROM events
WHERE previous IS DISTINCT FROM value
ORDER BY sensor_id, ts DESC;
COMMENT ON VIEW sparkplug_status IS 'Sparkplug B nodes and devices: online or offline, and since when.';

GRANT SELECT ON sparkplug_status TO analyst, iot_writer;
