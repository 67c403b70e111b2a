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
    /** The run's part of an appended batch: its lines and what intake made of each, index for index. */
    public static Written of(RawLog.Run run, List<RawLine> lines, List<Processed> processed) {
        List<RawLine> mine = lines.subList(run.from(), run.to());
        long end = run.start();
        for (RawLine l : mine) {
            end += l.bytes().length;
        }
        return new Written(run.file(), run.start(), end, mine, processed.subList(run.from(), run.to()));
    }
}
