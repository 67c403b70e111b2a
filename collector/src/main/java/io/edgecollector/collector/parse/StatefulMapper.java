package io.edgecollector.collector.parse;

import java.nio.file.Path;

/**
 * Maps the messages of a protocol whose meaning depends on earlier messages (Sparkplug B:
 * metric names and types come from births, data carries aliases). What a line means is a
 * function of the raw log before it, so the mapper is told where the line lies; a live
 * message (intake, before it is written) has no position and sees the newest state.
 */
public interface StatefulMapper {
    StatefulMapper NONE = new StatefulMapper() {
        @Override
        public boolean handles(String topic) {
            return false;
        }

        @Override
        public MappedMessage map(RawMessage message, Path file, long offset, int length) {
            throw new IllegalStateException("no stateful mapper for " + message.topic());
        }
    };

    /** Whether messages on this topic are this mapper's. */
    boolean handles(String topic);

    /**
     * @param file   the raw file the line lies in, or null for a live message
     * @param offset where the line starts in that file
     * @param length the line's length without its newline
     */
    MappedMessage map(RawMessage message, Path file, long offset, int length);
}
