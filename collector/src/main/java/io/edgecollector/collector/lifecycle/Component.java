package io.edgecollector.collector.lifecycle;

import java.time.Duration;

/**
 * A part of the daemon that owns its threads: {@link #start()} returns once they run,
 * {@link #stop(Duration)} returns within about the given time, is safe to call twice and
 * safe to call on a part that never started.
 */
public interface Component {
    /** A short name for the log ("writer", "loader"). */
    String name();

    void start() throws Exception;

    void stop(Duration timeout);
}
