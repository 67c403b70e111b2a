package io.edgecollector.collector.sparkplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.rawlog.RawFiles;
import io.edgecollector.collector.rawlog.RawLine;
import io.edgecollector.collector.rawlog.RawLineCodec;
import io.edgecollector.simulator.sparkplug.SparkplugPayloads;
import io.edgecollector.simulator.sparkplug.SparkplugPayloads.Def;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.protobuf.SparkplugBProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkplugStateTest {
    static final String NODE = "spBv1.0/Plant1/%s/Line1";
    static final String DEVICE = "spBv1.0/Plant1/%s/Line1/Press";
    static final List<Def> PRESS = List.of(
            new Def("Delta", 1, MetricDataType.Int32, "mm"),
            new Def("Count", 2, MetricDataType.UInt64, null),
            new Def("Running", 3, MetricDataType.Boolean, null),
            new Def("Temperature", 4, MetricDataType.Float, "C"),
            new Def("Small", 5, MetricDataType.Int8, null),
            new Def("Word", 6, MetricDataType.UInt16, null));
    static final BigInteger HUGE = new BigInteger("18446744073709551000");
    static final long T0 = 1_764_000_000_000L;

    @TempDir
    Path raw;
    final List<SparkplugTopic> rebirths = new ArrayList<>();

    /** Written lines: file name, offset, length, message; as the writer lays them out. */
    record Line(Path file, long offset, int length, RawMessage message) {
    }

    final List<Line> written = new ArrayList<>();

    Line write(Instant at, String topic, byte[] payload) throws IOException {
        RawLine line = RawLineCodec.encode(at, topic, 1, payload, false, null);
        Path file = raw.resolve(RawFiles.name(line.day(), ""));
        long offset = Files.exists(file) ? Files.size(file) : 0;
        Files.write(file, line.bytes(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Line l = new Line(file, offset, line.bytes().length - 1,
                RawLineCodec.decode(line.bytes(), 0, line.bytes().length - 1));
        written.add(l);
        return l;
    }

    static MappedMessage reread(SparkplugState state, Line l) {
        return state.map(l.message(), l.file(), l.offset(), l.length());
    }

    static Map<String, Double> values(MappedMessage m) {
        return m.readings().stream().collect(Collectors.toMap(Reading::metric, r -> r.value() == null ? Double.NaN : r.value()));
    }

    void births(Instant at) throws IOException {
        write(at, NODE.formatted("NBIRTH"), SparkplugPayloads.birth(T0, 0, 7L, List.of(), List.of()));
        write(at, DEVICE.formatted("DBIRTH"), SparkplugPayloads.birth(T0, 1, null, PRESS,
                List.of(0, BigInteger.ZERO, false, 20.0f, (byte) 0, 0)));
    }

    @Test
    void aliasOnlyData_resolvesNamesTypesAndUnits_fromTheBirthInAnEarlierDaysFile() throws IOException {
        births(Instant.parse("2026-12-01T23:59:00Z"));
        Line data = write(Instant.parse("2026-12-02T00:01:00Z"), DEVICE.formatted("DDATA"), SparkplugPayloads.data(T0 + 1000, 2, PRESS,
                List.of(-5, HUGE, true, 23.4f, (byte) -128, 65535)));

        MappedMessage m = reread(new SparkplugState(raw, ""), data);

        assertEquals(List.of(), m.rejections());
        Map<String, Double> v = values(m);
        assertEquals(-5.0, v.get("Delta"), "Int32 keeps its sign");
        assertEquals(1.8446744073709551E19, v.get("Count"), "UInt64 above 2^63 stays positive");
        assertEquals(1.0, v.get("Running"));
        assertEquals(23.4, v.get("Temperature"));
        assertEquals(-128.0, v.get("Small"));
        assertEquals(65535.0, v.get("Word"));
        Reading delta = m.readings().stream().filter(r -> r.metric().equals("Delta")).findFirst().orElseThrow();
        assertEquals("Plant1/Line1/Press", delta.sensorId());
        assertEquals("mm", delta.unit());
        assertEquals(Instant.ofEpochMilli(T0 + 1000), delta.ts());
    }

    @Test
    void ts_isTheMetricsTimestamp_elseThePayloads() throws IOException {
        births(Instant.parse("2026-12-02T10:00:00Z"));
        byte[] payload = SparkplugBProto.Payload.newBuilder().setTimestamp(T0 + 7).setSeq(2)
                .addMetrics(SparkplugBProto.Payload.Metric.newBuilder().setAlias(1).setTimestamp(T0 + 50).setIntValue(-2))
                .addMetrics(SparkplugBProto.Payload.Metric.newBuilder().setAlias(6).setIntValue(7))
                .build().toByteArray();
        Line data = write(Instant.parse("2026-12-02T10:00:01Z"), DEVICE.formatted("DDATA"), payload);

        Map<String, Instant> ts = reread(new SparkplugState(raw, ""), data).readings().stream()
                .collect(Collectors.toMap(Reading::metric, Reading::ts));

        assertEquals(Map.of("Delta", Instant.ofEpochMilli(T0 + 50), "Word", Instant.ofEpochMilli(T0 + 7)), ts,
                "no datatype in the data metrics: the birth's applies (Int32 -2 from an unsigned int_value)");
    }

    @Test
    void dataBeforeBirth_isRejectedWithItsReason_andLiveAsksForARebirth() throws IOException {
        SparkplugState state = new SparkplugState(raw, "");
        state.requestRebirthsWith(rebirths::add);
        RawMessage m = new RawMessage(Instant.now(), DEVICE.formatted("DDATA"), 1, false, null, null,
                SparkplugPayloads.data(T0, 5, PRESS.subList(0, 1), List.of(1)));

        MappedMessage mapped = state.map(m, null, 0, 0);

        assertEquals(List.of("sparkplug: data before birth: no NBIRTH of Plant1/Line1"), mapped.rejections());
        assertEquals(1, rebirths.size());
        assertEquals("spBv1.0/Plant1/NCMD/Line1", rebirths.get(0).nodeCommandTopic());
    }

    @Test
    void unknownAlias_isRejected_theOthersAreStored() throws IOException {
        births(Instant.parse("2026-12-02T10:00:00Z"));
        Line data = write(Instant.parse("2026-12-02T10:00:01Z"), DEVICE.formatted("DDATA"), SparkplugPayloads.data(T0, 2,
                List.of(PRESS.get(0), new Def("Ghost", 99, MetricDataType.Double, null)), List.of(3, 1.5)));

        MappedMessage m = reread(new SparkplugState(raw, ""), data);

        assertEquals(Map.of("Delta", 3.0), values(m));
        assertEquals(List.of("sparkplug: unknown alias 99: not in the birth of Plant1/Line1/Press"), m.rejections());
    }

    @Test
    void seqGap_asksForOneRebirth_withinTheInterval() throws IOException {
        SparkplugState state = new SparkplugState(raw, "");
        state.requestRebirthsWith(rebirths::add);
        Instant now = Instant.parse("2026-12-02T10:00:00Z");
        state.map(new RawMessage(now, NODE.formatted("NBIRTH"), 1, false, null, null,
                SparkplugPayloads.birth(T0, 0, 1L, List.of(), List.of())), null, 0, 0);
        state.map(new RawMessage(now, DEVICE.formatted("DBIRTH"), 1, false, null, null,
                SparkplugPayloads.birth(T0, 1, null, PRESS.subList(0, 1), List.of(0))), null, 0, 0);
        MappedMessage afterGap = state.map(new RawMessage(now, DEVICE.formatted("DDATA"), 1, false, null, null,
                SparkplugPayloads.data(T0, 5, PRESS.subList(0, 1), List.of(9))), null, 0, 0);

        assertEquals(Map.of("Delta", 9.0), values(afterGap), "data after a gap still decodes with the aliases in force");
        assertEquals(1, rebirths.size());
    }

    @Test
    void rereadingAnOlderLine_usesTheBirthInForceThere_notTheNewest() throws IOException {
        births(Instant.parse("2026-12-02T10:00:00Z"));
        Line before = write(Instant.parse("2026-12-02T10:00:01Z"), DEVICE.formatted("DDATA"),
                SparkplugPayloads.data(T0, 2, PRESS.subList(0, 1), List.of(-1)));
        List<Def> renamed = List.of(new Def("Renamed", 1, MetricDataType.UInt32, null));
        write(Instant.parse("2026-12-02T10:00:02Z"), NODE.formatted("NBIRTH"), SparkplugPayloads.birth(T0, 0, 8L, List.of(), List.of()));
        write(Instant.parse("2026-12-02T10:00:02Z"), DEVICE.formatted("DBIRTH"), SparkplugPayloads.birth(T0, 1, null, renamed, List.of(0L)));
        Line after = write(Instant.parse("2026-12-02T10:00:03Z"), DEVICE.formatted("DDATA"),
                SparkplugPayloads.data(T0 + 5, 2, renamed, List.of(4294967295L)));
        SparkplugState state = new SparkplugState(raw, "");

        assertEquals(Map.of("Renamed", 4294967295.0), values(reread(state, after)));
        assertEquals(Map.of("Delta", -1.0), values(reread(state, before)), "a retried chunk re-reads older lines");
    }

    @Test
    void nodeDeath_withTheBirthsBdSeq_marksNodeAndDevicesOffline_aStaleWillDoesNot() throws IOException {
        births(Instant.parse("2026-12-02T10:00:00Z"));
        Line stale = write(Instant.parse("2026-12-02T10:00:01Z"), NODE.formatted("NDEATH"), SparkplugPayloads.nodeDeath(T0, 6));
        Line death = write(Instant.parse("2026-12-02T10:00:02Z"), NODE.formatted("NDEATH"), SparkplugPayloads.nodeDeath(T0, 7));
        Line late = write(Instant.parse("2026-12-02T10:00:03Z"), DEVICE.formatted("DDATA"),
                SparkplugPayloads.data(T0, 2, PRESS.subList(0, 1), List.of(1)));
        SparkplugState state = new SparkplugState(raw, "");

        assertEquals(List.of(), reread(state, stale).readings());
        Map<String, Double> offline = reread(state, death).readings().stream()
                .collect(Collectors.toMap(Reading::sensorId, Reading::value));
        assertEquals(Map.of("Plant1/Line1", 0.0, "Plant1/Line1/Press", 0.0), offline);
        assertTrue(reread(state, late).rejections().get(0).contains("data before birth"));
    }

    @Test
    void liveIntake_andAFreshReaderOfTheRawFiles_giveTheSameRows() throws IOException {
        SparkplugState live = new SparkplugState(raw, "");
        births(Instant.parse("2026-12-02T10:00:00Z"));
        List<MappedMessage> liveResults = new ArrayList<>();
        // intake's first Sparkplug message comes after the births were written (a restart): it learns them from the files
        for (int i = 0; i < 5; i++) {
            Line l = write(Instant.parse("2026-12-02T10:00:0" + (i + 1) + "Z"), DEVICE.formatted("DDATA"),
                    SparkplugPayloads.data(T0 + i, 2 + i, PRESS.subList(0, 2), List.of(-i, BigInteger.valueOf(i))));
            liveResults.add(live.map(l.message(), null, 0, 0));
        }
        SparkplugState fresh = new SparkplugState(raw, "");
        Function<Line, MappedMessage> reread = l -> reread(fresh, l);
        List<MappedMessage> reread2 = written.subList(2, written.size()).stream().map(reread).toList();

        assertEquals(liveResults, reread2);
        assertEquals(10, reread2.stream().mapToInt(m -> m.readings().size()).sum());
        assertNull(liveResults.get(0).reason());
    }

    MappedMessage live(SparkplugState state, Instant at, String topic, byte[] payload) {
        return state.map(new RawMessage(at, topic, 1, false, null, null, payload), null, 0, 0);
    }

    @Test
    void afterARestart_theFirstMessageContinuingTheRawFilesSeq_isNoGap_aRepeatIsNone_aRealGapIs() throws IOException {
        births(Instant.parse("2026-12-01T23:59:59Z"));
        for (int seq = 2; seq <= 255; seq++) {
            // across midnight: the seq goes on in the next day's file, and wraps at 255
            write(Instant.parse(seq < 100 ? "2026-12-01T23:59:59Z" : "2026-12-02T00:00:01Z"), DEVICE.formatted("DDATA"),
                    SparkplugPayloads.data(T0 + seq, seq, PRESS.subList(0, 1), List.of(seq)));
        }
        Instant now = Instant.parse("2026-12-02T00:01:00Z");

        SparkplugState restarted = new SparkplugState(raw, "");
        restarted.requestRebirthsWith(rebirths::add);
        // after kill -9 between fsync and ack, the broker delivers the last messages again: repeats, not gaps
        live(restarted, now, DEVICE.formatted("DDATA"), SparkplugPayloads.data(T0 + 254, 254, PRESS.subList(0, 1), List.of(254)));
        live(restarted, now, DEVICE.formatted("DDATA"), SparkplugPayloads.data(T0 + 255, 255, PRESS.subList(0, 1), List.of(255)));
        MappedMessage next = live(restarted, now, DEVICE.formatted("DDATA"), SparkplugPayloads.data(T0 + 256, 0, PRESS.subList(0, 1), List.of(7)));
        assertEquals(Map.of("Delta", 7.0), values(next));
        assertEquals(List.of(), rebirths, "seq 0 continues the raw files' 255: no gap, no rebirth");

        SparkplugState again = new SparkplugState(raw, "");
        again.requestRebirthsWith(rebirths::add);
        live(again, now, DEVICE.formatted("DDATA"), SparkplugPayloads.data(T0 + 260, 4, PRESS.subList(0, 1), List.of(1)));
        assertEquals(1, rebirths.size(), "seq 4 after the raw files' 255: messages were lost while the collector was down");
    }

    @Test
    void afterARestart_aNodeThatDiedInTheRawFiles_startsCountingAtItsNextBirth() throws IOException {
        births(Instant.parse("2026-12-02T10:00:00Z"));
        write(Instant.parse("2026-12-02T10:00:01Z"), DEVICE.formatted("DDATA"), SparkplugPayloads.data(T0, 2, PRESS.subList(0, 1), List.of(1)));
        write(Instant.parse("2026-12-02T10:00:02Z"), NODE.formatted("NDEATH"), SparkplugPayloads.nodeDeath(T0, 7));
        SparkplugState restarted = new SparkplugState(raw, "");
        restarted.requestRebirthsWith(rebirths::add);
        Instant now = Instant.parse("2026-12-02T10:01:00Z");
        live(restarted, now, NODE.formatted("NBIRTH"), SparkplugPayloads.birth(T0, 0, 8L, List.of(), List.of()));
        live(restarted, now, DEVICE.formatted("DBIRTH"), SparkplugPayloads.birth(T0, 1, null, PRESS.subList(0, 1), List.of(0)));
        live(restarted, now, DEVICE.formatted("DDATA"), SparkplugPayloads.data(T0, 2, PRESS.subList(0, 1), List.of(1)));
        assertEquals(List.of(), rebirths);
        assertEquals(1, restarted.online()[0]);
        assertEquals(1, restarted.online()[1]);
    }

    @Test
    void seqTracker_gapsAndRepeats() {
        SeqTracker seqs = new SeqTracker();
        SparkplugTopic data = SparkplugTopic.parse(DEVICE.formatted("DDATA"));
        SparkplugTopic birth = SparkplugTopic.parse(NODE.formatted("NBIRTH"));
        assertEquals(false, seqs.gap(birth, 0L));
        assertEquals(false, seqs.gap(data, 1L));
        assertEquals(false, seqs.gap(data, 1L), "the same seq again is a repeat");
        assertEquals(true, seqs.gap(data, 3L));
        assertEquals(false, seqs.gap(data, 2L), "behind the last: delivered again");
        assertEquals(3L, seqs.last("Plant1/Line1"));
        assertEquals(true, seqs.gap(data, (3L + 256 - SeqTracker.REPEAT_WINDOW) % 256), "just outside the repeat window: a gap");
    }

    @Test
    void intakeCounters_births_deaths_gaps_andRejectionsByReason() {
        List<String> events = new ArrayList<>();
        SparkplugState state = new SparkplugState(raw, "");
        state.reportTo(new io.edgecollector.collector.metrics.Metrics() {
            @Override
            public void sparkplugSeqGap() {
                events.add("gap");
            }

            @Override
            public void sparkplugBirth(boolean device) {
                events.add(device ? "birth device" : "birth node");
            }

            @Override
            public void sparkplugDeath(boolean device) {
                events.add(device ? "death device" : "death node");
            }

            @Override
            public void sparkplugRejected(String reason) {
                events.add("rejected " + reason);
            }
        });
        Instant now = Instant.parse("2026-12-02T10:00:00Z");
        live(state, now, DEVICE.formatted("DDATA"), SparkplugPayloads.data(T0, 1, PRESS.subList(0, 1), List.of(1)));
        live(state, now, NODE.formatted("NBIRTH"), SparkplugPayloads.birth(T0, 0, 1L, List.of(), List.of()));
        live(state, now, DEVICE.formatted("DBIRTH"), SparkplugPayloads.birth(T0, 1, null, PRESS.subList(0, 1), List.of(0)));
        live(state, now, DEVICE.formatted("DDATA"), SparkplugPayloads.data(T0, 5, List.of(new Def("Ghost", 42, MetricDataType.Double, null)), List.of(1.0)));
        live(state, now, "spBv1.0/Plant1/NDATA", new byte[] {1});
        live(state, now, NODE.formatted("NDEATH"), SparkplugPayloads.nodeDeath(T0, 1));
        assertEquals(List.of("rejected data_before_birth", "birth node", "birth device", "rejected unknown_alias", "gap",
                "rejected bad_topic", "death device", "death node"), events);
        assertEquals(0, state.online()[0]);
    }

    /** Lines of the day before, then of the day: births in the first file, data and a rebirth after. */
    List<Line> history() throws IOException {
        births(Instant.parse("2026-12-01T10:00:00Z"));
        for (int seq = 2; seq < 40; seq++) {
            write(Instant.parse("2026-12-01T10:00:01Z"), DEVICE.formatted("DDATA"),
                    SparkplugPayloads.data(T0 + seq, seq, PRESS.subList(0, 2), List.of(-seq, BigInteger.valueOf(seq))));
        }
        return new ArrayList<>(written);
    }

    @Test
    void snapshot_ofTheDaemonsReader_sparesAFreshReaderTheScan_withTheSameRows_andIntakeTheSameSeqs() throws IOException {
        List<Line> before = history();
        SparkplugState daemon = new SparkplugState(raw, "");
        daemon.writeSnapshots();
        before.forEach(l -> reread(daemon, l));
        daemon.saveSnapshot();
        assertTrue(Files.exists(BirthSnapshot.file(raw, "")));
        List<Def> renamed = List.of(new Def("Renamed", 1, MetricDataType.UInt32, null));
        List<Line> after = new ArrayList<>();
        after.add(write(Instant.parse("2026-12-02T10:00:00Z"), DEVICE.formatted("DDATA"),
                SparkplugPayloads.data(T0 + 40, 40, PRESS.subList(0, 1), List.of(-40))));
        after.add(write(Instant.parse("2026-12-02T10:00:01Z"), DEVICE.formatted("DBIRTH"),
                SparkplugPayloads.birth(T0 + 41, 41, null, renamed, List.of(0L))));
        after.add(write(Instant.parse("2026-12-02T10:00:02Z"), DEVICE.formatted("DDATA"),
                SparkplugPayloads.data(T0 + 42, 42, renamed, List.of(4294967295L))));

        SparkplugState cached = new SparkplugState(raw, "");
        List<MappedMessage> withSnapshot = after.stream().map(l -> reread(cached, l)).toList();
        assertEquals(0, cached.scannedLines(), "the snapshot lies at the first line asked: no raw line read for births");
        Files.move(BirthSnapshot.file(raw, ""), raw.resolve("kept-aside.json"));
        SparkplugState scanned = new SparkplugState(raw, "");
        List<MappedMessage> fromScan = after.stream().map(l -> reread(scanned, l)).toList();
        assertTrue(scanned.scannedLines() >= before.size());
        assertEquals(fromScan, withSnapshot);
        assertEquals(Map.of("Renamed", 4294967295.0), values(withSnapshot.get(2)));
        assertEquals(Map.of("Delta", -40.0), values(withSnapshot.get(0)));

        // intake after a restart starts from the snapshot too, with the seq the raw files had
        Files.move(raw.resolve("kept-aside.json"), BirthSnapshot.file(raw, ""));
        SparkplugState intake = new SparkplugState(raw, "");
        intake.requestRebirthsWith(rebirths::add);
        MappedMessage next = live(intake, Instant.parse("2026-12-02T10:01:00Z"), DEVICE.formatted("DDATA"),
                SparkplugPayloads.data(T0 + 43, 43, renamed, List.of(5L)));
        assertEquals(Map.of("Renamed", 5.0), values(next));
        assertEquals(List.of(), rebirths, "seq 43 follows the 42 of the raw files");
        assertEquals(after.size(), intake.scannedLines(), "intake read only the lines after the snapshot");
        live(intake, Instant.parse("2026-12-02T10:01:01Z"), DEVICE.formatted("DDATA"),
                SparkplugPayloads.data(T0 + 45, 45, renamed, List.of(6L)));
        assertEquals(1, rebirths.size(), "a gap after the snapshot's seqs");
    }

    @Test
    void snapshot_isDiscarded_whenTheRawFilesBeforeItChanged_orWhenAReaderStartsEarlier() throws IOException {
        List<Line> before = history();
        SparkplugState daemon = new SparkplugState(raw, "");
        daemon.writeSnapshots();
        before.forEach(l -> reread(daemon, l));
        daemon.saveSnapshot();
        Line data = write(Instant.parse("2026-12-02T10:00:00Z"), DEVICE.formatted("DDATA"),
                SparkplugPayloads.data(T0 + 40, 40, PRESS.subList(0, 1), List.of(-40)));

        SparkplugState early = new SparkplugState(raw, "");
        assertEquals(-2.0, values(reread(early, before.get(2))).get("Delta"), "a replay from the start does not use it");
        assertTrue(early.scannedLines() > 0);

        SparkplugState used = new SparkplugState(raw, "");
        assertEquals(Map.of("Delta", -40.0), values(reread(used, data)));
        assertEquals(0, used.scannedLines(), "the snapshot checks out");

        // the bytes before its position are not what they were: discarded, the raw files decide
        Path snap = BirthSnapshot.file(raw, "");
        String json = Files.readString(snap);
        Files.writeString(snap, json.replaceFirst("\"tail_crc\":\\d+", "\"tail_crc\":1"));
        SparkplugState changed = new SparkplugState(raw, "");
        assertEquals(Map.of("Delta", -40.0), values(reread(changed, data)));
        assertTrue(changed.scannedLines() >= before.size(), "read the raw files instead");
        Files.writeString(snap, "{not json");
        SparkplugState unreadable = new SparkplugState(raw, "");
        assertEquals(Map.of("Delta", -40.0), values(reread(unreadable, data)));
        assertTrue(unreadable.scannedLines() >= before.size());

        // a snapshot that checks out, then retention deletes the day with the births: the data are
        // rejections, as a scan of what is left says, not what the snapshot remembers
        Files.writeString(snap, json);
        Files.delete(before.get(0).file());
        SparkplugState afterRetention = new SparkplugState(raw, "");
        assertTrue(reread(afterRetention, data).rejections().get(0).contains("data before birth"));
    }
}
