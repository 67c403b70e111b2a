package io.edgecollector.collector.sparkplug;

/**
 * Where a raw line lies in one instance's raw log: its file (by base name, so a day's file
 * compressed later keeps its place) and the line's offset. Raw file names sort by day, so
 * positions sort in log order. Live messages, not yet written, get positions after every file.
 */
record Position(String file, long offset) implements Comparable<Position> {
    /** Sorts after every raw file name ("raw_..."): where live messages are placed. */
    static final String LIVE = "~live";

    static Position of(String fileName, long offset) {
        String base = fileName.endsWith(".gz") ? fileName.substring(0, fileName.length() - 3) : fileName;
        return new Position(base, offset);
    }

    @Override
    public int compareTo(Position o) {
        int c = file.compareTo(o.file);
        return c != 0 ? c : Long.compare(offset, o.offset);
    }
}
