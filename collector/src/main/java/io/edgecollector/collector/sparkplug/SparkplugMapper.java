package io.edgecollector.collector.sparkplug;

import com.google.protobuf.InvalidProtocolBufferException;
import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.parse.RejectReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric;

/**
 * One Sparkplug B message to readings, given the births in force at its place in the raw log
 * ({@link BirthHistory}); births and deaths are recorded there. Payloads are decoded by Eclipse
 * Tahu's protobuf classes. A message that cannot be read (data before its birth, an unknown
 * alias, a value that is not a number) gives a rejection naming why; when a rebirth would
 * repair it, the outcome says so. Births and deaths also give a status reading
 * {@value #ONLINE} (1 online, 0 offline) for the node or device at the time of receipt.
 */
final class SparkplugMapper {
    /** The metric of the status readings births and deaths give. */
    static final String ONLINE = "sparkplug_online";

    /** What the message gave, whether a rebirth should be asked for, and its seq (null when none). */
    record Outcome(MappedMessage mapped, boolean rebirth, Long seq) {
    }

    Outcome map(SparkplugTopic t, RawMessage m, BirthHistory history, Position at) {
        if (t.type().equals("NCMD") || t.type().equals("DCMD") || t.type().equals("STATE")) {
            return new Outcome(new MappedMessage(List.of(), List.of()), false, null);
        }
        Payload p;
        try {
            if (m.binary() == null) {
                return rejected("sparkplug: payload is JSON, not Sparkplug B protobuf", false, null);
            }
            p = Payload.parseFrom(m.binary());
        } catch (InvalidProtocolBufferException e) {
            return rejected("sparkplug: not a Sparkplug B payload: " + e.getMessage(), false, null);
        }
        Long seq = p.hasSeq() ? p.getSeq() : null;
        Builder b = new Builder(t, m, p);
        return switch (t.type()) {
            case "NBIRTH" -> nodeBirth(t, p, b, history, at, seq);
            case "DBIRTH" -> deviceBirth(t, p, b, history, at, seq);
            case "NDATA" -> data(b, history.node(t.nodeKey(), at), "NBIRTH of " + t.nodeKey(), p, seq);
            case "DDATA" -> deviceData(t, p, b, history, at, seq);
            case "NDEATH" -> nodeDeath(t, p, b, history, at);
            case "DDEATH" -> deviceDeath(t, b, history, at, seq);
            default -> rejected("sparkplug: unknown message type " + t.type(), false, seq);
        };
    }

    private Outcome nodeBirth(SparkplugTopic t, Payload p, Builder b, BirthHistory history, Position at, Long seq) {
        Birth birth = birth(at, p);
        history.nodeBorn(t.nodeKey(), birth);
        b.status(t.nodeKey(), 1.0);
        b.metrics(p, birth);
        return b.outcome(false, seq);
    }

    private Outcome deviceBirth(SparkplugTopic t, Payload p, Builder b, BirthHistory history, Position at, Long seq) {
        if (history.node(t.nodeKey(), at) == null) {
            return rejected("sparkplug: DBIRTH of " + t.sensorId() + " before the NBIRTH of " + t.nodeKey(), true, seq);
        }
        Birth birth = birth(at, p);
        history.deviceBorn(t.nodeKey(), t.device(), birth);
        b.status(t.sensorId(), 1.0);
        b.metrics(p, birth);
        return b.outcome(false, seq);
    }

    private Outcome deviceData(SparkplugTopic t, Payload p, Builder b, BirthHistory history, Position at, Long seq) {
        if (history.node(t.nodeKey(), at) == null) {
            return rejected("sparkplug: data before birth: no NBIRTH of " + t.nodeKey(), true, seq);
        }
        return data(b, history.device(t.nodeKey(), t.device(), at), "DBIRTH of " + t.sensorId(), p, seq);
    }

    private Outcome data(Builder b, Birth birth, String missing, Payload p, Long seq) {
        if (birth == null) {
            return rejected("sparkplug: data before birth: no " + missing, true, seq);
        }
        b.metrics(p, birth);
        return b.outcome(b.unknownAlias, seq);
    }

    private Outcome nodeDeath(SparkplugTopic t, Payload p, Builder b, BirthHistory history, Position at) {
        Birth birth = history.node(t.nodeKey(), at);
        Long bdSeq = bdSeq(p);
        if (birth == null || (bdSeq != null && birth.bdSeq() != null && !bdSeq.equals(birth.bdSeq()))) {
            // the will of an earlier session (or of a node never seen born): the node is not this one's
            return b.outcome(false, null);
        }
        for (String device : history.liveDevices(t.nodeKey(), at)) {
            b.status(t.nodeKey() + "/" + device, 0.0);
        }
        history.nodeDied(t.nodeKey(), at);
        b.status(t.nodeKey(), 0.0);
        return b.outcome(false, null);
    }

    private Outcome deviceDeath(SparkplugTopic t, Builder b, BirthHistory history, Position at, Long seq) {
        if (history.device(t.nodeKey(), t.device(), at) != null) {
            history.deviceDied(t.nodeKey(), t.device(), at);
            b.status(t.sensorId(), 0.0);
        }
        return b.outcome(false, seq);
    }

    private static Outcome rejected(String reason, boolean rebirth, Long seq) {
        return new Outcome(new MappedMessage(List.of(), List.of(reason), RejectReason.SPARKPLUG), rebirth, seq);
    }

    private static Birth birth(Position at, Payload p) {
        Map<String, MetricDef> byName = new HashMap<>();
        Map<Long, MetricDef> byAlias = new HashMap<>();
        for (Metric m : p.getMetricsList()) {
            if (!m.hasName()) {
                continue;
            }
            MetricDef def = new MetricDef(m.getName(), MetricDataType.fromInteger(m.getDatatype()), engUnit(m));
            byName.put(def.name(), def);
            if (m.hasAlias()) {
                byAlias.put(m.getAlias(), def);
            }
        }
        return new Birth(at, byName, byAlias, bdSeq(p));
    }

    private static Long bdSeq(Payload p) {
        for (Metric m : p.getMetricsList()) {
            if (m.hasName() && m.getName().equals("bdSeq")) {
                return m.getValueCase() == Metric.ValueCase.INT_VALUE ? (long) m.getIntValue() : m.getLongValue();
            }
        }
        return null;
    }

    private static String engUnit(Metric m) {
        if (!m.hasProperties()) {
            return null;
        }
        Payload.PropertySet props = m.getProperties();
        for (int i = 0; i < props.getKeysCount() && i < props.getValuesCount(); i++) {
            String key = props.getKeys(i);
            if ((key.equals("engUnit") || key.equals("engUnits")) && props.getValues(i).hasStringValue()) {
                return props.getValues(i).getStringValue();
            }
        }
        return null;
    }

    /** Collects one message's readings and rejections. */
    private static final class Builder {
        private final SparkplugTopic topic;
        private final RawMessage message;
        private final Instant payloadTs;
        private final List<Reading> readings = new ArrayList<>();
        private final List<String> rejections = new ArrayList<>();
        private boolean unknownAlias;

        Builder(SparkplugTopic topic, RawMessage message, Payload p) {
            this.topic = topic;
            this.message = message;
            this.payloadTs = p.hasTimestamp() ? Instant.ofEpochMilli(p.getTimestamp()) : null;
        }

        void status(String sensorId, double online) {
            readings.add(new Reading(sensorId, ONLINE, message.receivedAt(), online, null, null, null,
                    message.topic(), message.receivedAt(), null));
        }

        void metrics(Payload p, Birth birth) {
            for (Metric m : p.getMetricsList()) {
                MetricDef def = m.hasName() ? birth.byName().get(m.getName())
                        : m.hasAlias() ? birth.byAlias().get(m.getAlias()) : null;
                if (def == null) {
                    unknownAlias = true;
                    rejections.add("sparkplug: unknown alias " + (m.hasName() ? m.getName() : m.hasAlias() ? m.getAlias() : "(none)")
                            + ": not in the birth of " + topic.sensorId());
                } else if (!isProtocol(def.name())) {
                    reading(m, def);
                }
            }
        }

        /** bdSeq and the Node/Device Control metrics are Sparkplug's own, not measurements. */
        private static boolean isProtocol(String name) {
            return name.equals("bdSeq") || name.startsWith("Node Control/") || name.startsWith("Device Control/");
        }

        private void reading(Metric m, MetricDef def) {
            Instant ts = m.hasTimestamp() ? Instant.ofEpochMilli(m.getTimestamp()) : payloadTs;
            if (ts == null) {
                rejections.add("sparkplug: " + def.name() + ": no timestamp in the metric or the payload");
                return;
            }
            if (!MetricValues.isNumeric(def.type())) {
                rejections.add("sparkplug: " + def.name() + ": " + def.type() + " is not numeric (kept in the raw line)");
                return;
            }
            try {
                readings.add(new Reading(topic.sensorId(), def.name(), ts, MetricValues.of(m, def.type()), def.unit(),
                        null, null, message.topic(), message.receivedAt(), null));
            } catch (MetricValues.NotNumeric e) {
                rejections.add("sparkplug: " + def.name() + ": " + e.getMessage());
            }
        }

        Outcome outcome(boolean rebirth, Long seq) {
            return new Outcome(new MappedMessage(readings, rejections, RejectReason.SPARKPLUG), rebirth, seq);
        }
    }
}
