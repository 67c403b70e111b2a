import io.edgecollector.collector.MessagePath;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.PayloadDecoder;
import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.rawlog.RawLine;
import io.edgecollector.collector.rawlog.RawLineCodec;
import io.edgecollector.collector.rawlog.RawLog;
import io.edgecollector.collector.validate.MessageProcessor;
import io.edgecollector.collector.validate.SensorRegistry;
import io.edgecollector.collector.validate.Validators;
import io.edgecollector.simulator.Faults;
import io.edgecollector.simulator.Message;
import io.edgecollector.simulator.ReadingGenerator;
import io.edgecollector.simulator.SensorProfile;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one day of raw JSONL as the collector would have received it: simulated sensors
 * (with 1-2% of each fault) spread evenly over the day. As intake does, each line's "error"
 * field carries every rejection of its message (not JSON, not mappable, or refused by validation).
 * Usage: java -cp collector/target/collector.jar bench/GenerateRawDay.java RAW_DIR YYYY-MM-DD LINES
 */
public class GenerateRawDay {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        LocalDate day = LocalDate.parse(args[1]);
        long lines = Long.parseLong(args[2]);
        long start = day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() * 1000;
        long stepMicros = 86_400_000_000L / lines;
        ReadingGenerator gen = new ReadingGenerator(SensorProfile.defaults(50), new Faults(0.02, 0.01, 0.01, 0.01, 0.01), 1, true);
        PayloadDecoder decoder = new PayloadDecoder(262_144);
        MessageProcessor processor = MessagePath.processor(CollectorConfig.defaults(), Validators.shared(), SensorRegistry.empty());
        try (RawLog log = new RawLog(dir, "")) {
            List<RawLine> batch = new ArrayList<>(10_000);
            for (long i = 0; i < lines; i++) {
                long micros = start + i * stepMicros;
                Instant at = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000);
                Message m = gen.next(micros / 1000);
                PayloadDecoder.Decoded d = decoder.decode(m.payload());
                MappedMessage result = processor.process(new RawMessage(at, m.topic(), 1, false, d.json(), d.error(),
                        d.json() == null ? m.payload() : null));
                String error = result.rejections().isEmpty() ? null : String.join("; ", result.rejections());
                batch.add(RawLineCodec.encode(at, m.topic(), 1, m.payload(), d.json() != null, error));
                if (batch.size() == 10_000) {
                    log.append(batch);
                    batch.clear();
                }
            }
            log.append(batch);
        }
        System.out.println("wrote " + lines + " lines for " + day + " to " + dir);
    }
}
