package io.edgecollector.collector.lifecycle;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts components in the order given and stops the started ones in reverse, so a part is
 * always stopped before what it feeds (intake before the writer, the writer before the loader).
 * Stopping is idempotent and each stop is bounded.
 */
public final class Lifecycle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    private final Deque<Component> started = new ArrayDeque<>();
    private final Duration stopTimeout;

    public Lifecycle(Duration stopTimeout) {
        this.stopTimeout = stopTimeout;
    }

    /** Starts the component and remembers it for {@link #close()}; a failed start stops nothing by itself. */
    public synchronized <T extends Component> T start(T component) throws Exception {
        component.start();
        started.push(component);
        return component;
    }

    /** Stops every started component, newest first; a failing stop does not keep the others running. */
    @Override
    public synchronized void close() {
        while (!started.isEmpty()) {
            Component c = started.pop();
            try {
                c.stop(stopTimeout);
            } catch (RuntimeException e) {
                LOG.warn("event=stop_failed component={} cause=\"{}\"", c.name(), e.toString());
            }
        }
    }
}
