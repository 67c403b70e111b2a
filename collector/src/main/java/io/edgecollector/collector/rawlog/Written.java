package io.edgecollector.collector.rawlog;

import io.edgecollector.collector.parse.Processed;
import java.nio.file.Path;
import java.util.List;

/**
 * Lines now durable in one raw file, back to back from byte {@code start} to just before
 * {@code end}, with what intake made of each (an element is null where intake kept nothing:
 * the loader reads that line back).
 */
public record Written(Path file, long start, long end, List<RawLine> lines, List<Processed> processed) {
    public static Written of(Path file, long start, List<RawLine> lines, List<Processed> processed) {
        long end = start;
        for (RawLine l : lines) {
            end += l.bytes().length;
        }
        return new Written(file, start, end, lines, processed);
    }
}
