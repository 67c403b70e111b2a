package io.edgecollector.collector.rawlog;

import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.Processed;
import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.validate.MessageProcessor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a follower of the raw log (the PostgreSQL loader, replay) gets its lines from a
 * checkpoint on: the run the writer just handed over, when it starts exactly at the
 * checkpoint, else the file. Both give the same bytes; handed-over lines also carry what
 * intake made of them, so they need not be decoded and validated again.
 */
public final class LineSource {
    /** One raw line as a follower sees it: whole (with what it means), or torn by a crash mid-write. */
    public sealed interface Record permits Whole, Torn {
    }

    /** A whole line and what processing it gives. */
    public record Whole(Processed processed) implements Record {
    }

    /** A line cut short by a crash mid-write: its message was never acknowledged and came again. */
    public record Torn() implements Record {
    }

    /** A run of lines from one file, in file order. */
    public final class Lines {
        private final RawChunk chunk;
        private final List<Processed> known;

        private final Path file;

        private Lines(Path file, RawChunk chunk, List<Processed> known) {
            this.file = file;
            this.chunk = chunk;
            this.known = known;
        }

        public RawChunk chunk() {
            return chunk;
        }

        /** The i-th line: what intake made of it when handed over, else decoded and processed as intake would. */
        public Record record(int i) {
            Processed p = known == null ? null : known.get(i);
            if (p != null) {
                return new Whole(p);
            }
            RawChunk.Line line = chunk.lines().get(i);
            try {
                return new Whole(process(processor, chunk.buffer(), line.start(), line.length(), file, line.fileOffset()));
            } catch (IOException e) {
                return new Torn();
            }
        }
    }

    /**
     * What a raw line (at fileOffset of file) gives, as intake made it: a line of the common
     * kind without building its tree (what the loader reads back after a restart, an outage, or
     * when it fell behind intake), any other on the tree path. IOException: not a whole raw line.
     */
    public static Processed process(MessageProcessor processor, byte[] buffer, int start, int length, Path file,
                                    long fileOffset) throws IOException {
        RawLineCodec.PlainLine plain = RawLineCodec.decodePlain(buffer, start, length);
        MappedMessage mapped = plain == null ? null : processor.processPlain(plain.payload(), plain.topic(), plain.receivedAt());
        if (mapped != null) {
            return new Processed(plain.receivedAt(), plain.topic(), plain.dup(), mapped);
        }
        RawMessage message = RawLineCodec.decode(buffer, start, length);
        return new Processed(message.receivedAt(), message.topic(), message.dup(),
                processor.process(message, file, fileOffset, length));
    }

    private final HandedLines handed;
    private final MessageProcessor processor;

    /** A source that takes handed-over lines where it can. */
    public LineSource(HandedLines handed, MessageProcessor processor) {
        this.handed = handed;
        this.processor = processor;
    }

    /** A source that reads everything from the files (replay, compaction). */
    public static LineSource filesOnly(MessageProcessor processor) {
        return new LineSource(new HandedLines(), processor);
    }

    /** At most maxLines whole lines (and about maxBytes) of the file from offset; none when it has no whole line there. */
    public Lines read(Path file, long offset, int maxBytes, int maxLines) throws IOException {
        String name = file.getFileName().toString();
        HandedLines.Taken taken = handed.take(name, offset, maxLines, maxBytes);
        if (taken != null) {
            return new Lines(file, taken.chunk(), taken.processed());
        }
        return new Lines(file, RawChunk.read(file, offset, maxBytes, maxLines), null);
    }
}
