package io.edgecollector.collector.alert;

/** A place in a series of day files: a file name and a byte offset in it (START: before every file). */
public record RawPosition(String file, long offset) implements Comparable<RawPosition> {
    public static final RawPosition START = new RawPosition(null, 0);

    @Override
    public int compareTo(RawPosition o) {
        if (file == null || o.file == null) {
            return file == null ? (o.file == null ? Long.compare(offset, o.offset) : -1) : 1;
        }
        int byFile = file.compareTo(o.file);
        return byFile != 0 ? byFile : Long.compare(offset, o.offset);
    }
}
