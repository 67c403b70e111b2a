package io.edgecollector.collector.kafka;

import io.edgecollector.collector.parse.Processed;
import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.rawlog.LineSource;
import io.edgecollector.collector.rawlog.RawChunk;
import io.edgecollector.collector.rawlog.RawLineCodec;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards one chunk of a raw file in one Kafka transaction: its readings, its dead letters and
 * the file's new checkpoint, committed together. A torn line (a crash mid-write; its message was
 * never acknowledged and came again) gives nothing; a line the broker delivered again after a
 * crash gives nothing when its first copy was forwarded ({@link Resends}).
 */
final class ChunkForwarder {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkForwarder.class);
    /** Lines per transaction: at 10,000 a commit costs a few ms against ~100 ms of sending. */
    static final int CHUNK_LINES = 10_000;
    static final int CHUNK_BYTES = 4 * 1024 * 1024;

    /** What one transaction forwarded. */
    record Result(long lines, long readings, long rejections, long endOffset) {
    }

    private final LineSource source;
    private final KafkaRecords records;
    private final String offsetsTopic;
    private final String transactionalId;
    private final Resends resends;

    ChunkForwarder(LineSource source, KafkaRecords records, String offsetsTopic, String transactionalId, Resends resends) {
        this.source = source;
        this.records = records;
        this.offsetsTopic = offsetsTopic;
        this.transactionalId = transactionalId;
        this.resends = resends;
    }

    /** The next chunk from the offset, committed; null when the file has no whole line there. */
    Result forward(Producer<byte[], byte[]> producer, Path file, long offset) throws IOException {
        LineSource.Lines lines = source.read(file, offset, CHUNK_BYTES, CHUNK_LINES);
        RawChunk chunk = lines.chunk();
        if (chunk.lines().isEmpty()) {
            return null;
        }
        String name = file.getFileName().toString();
        long readings = 0;
        long rejections = 0;
        producer.beginTransaction();
        for (int i = 0; i < chunk.lines().size(); i++) {
            RawChunk.Line line = chunk.lines().get(i);
            if (!(lines.record(i) instanceof LineSource.Whole whole)) {
                LOG.warn("event=torn_line_skipped file={} offset={}", name, line.fileOffset());
                continue;
            }
            long identity = RawLineCodec.identity(chunk.buffer(), line.start(), line.length());
            Processed p = whole.processed();
            boolean resent = p.dup() && resends.seen(identity);
            resends.add(identity);
            if (resent) {
                continue;
            }
            for (Reading r : p.result().readings()) {
                producer.send(records.reading(r));
                readings++;
            }
            if (!p.result().rejections().isEmpty()) {
                producer.send(records.rejection(p, chunk, line, name));
                rejections++;
            }
        }
        producer.send(Checkpoints.record(offsetsTopic, transactionalId, name, chunk.endOffset()));
        producer.commitTransaction();
        return new Result(chunk.lines().size(), readings, rejections, chunk.endOffset());
    }
}
