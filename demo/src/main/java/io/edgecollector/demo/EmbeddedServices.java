package io.edgecollector.demo;

import java.nio.file.Path;

/**
 * Embedded stand-ins for the MQTT broker and PostgreSQL, for `demo` on a machine that has
 * neither. Only the demo module has them: collector.jar does not (and `run` never looks), so
 * production never embeds anything.
 */
public interface EmbeddedServices {
    /** A started service; close stops it and removes its files. */
    interface Service extends AutoCloseable {
        /** What runs, for the user: name, version, address. */
        String description();

        @Override
        void close();
    }

    /** Starts an MQTT 5 broker on 127.0.0.1:port, keeping its files under dir. */
    Service startBroker(int port, Path dir) throws Exception;

    /** Starts PostgreSQL on 127.0.0.1:port (user postgres, no password), keeping its files under dir. */
    Service startDatabase(int port, Path dir) throws Exception;
}
