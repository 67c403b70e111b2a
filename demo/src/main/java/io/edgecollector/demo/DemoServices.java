package io.edgecollector.demo;

import io.edgecollector.collector.config.CollectorConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

/**
 * The broker and database the demo uses: the configured ones when something listens there,
 * otherwise embedded ones on the same local address, and it says which. Closing stops what it started.
 */
final class DemoServices implements AutoCloseable {
    private static final Set<String> LOCAL = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

    /** Where a service should answer. */
    record Address(String what, String host, int port) {
        boolean listening() {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 500);
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    private final List<EmbeddedServices.Service> started = new ArrayList<>();
    private Path dir;

    static Address broker(CollectorConfig config) {
        URI uri = URI.create(config.brokerUrl());
        return new Address("MQTT broker", uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 1883);
    }

    static Address database(CollectorConfig config) {
        URI uri = URI.create(config.dbUrl().substring("jdbc:".length()));
        return new Address("PostgreSQL", uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432);
    }

    /** Uses what listens, embeds what does not (in parallel: each takes seconds), and reports each choice on out. */
    static DemoServices start(CollectorConfig config, PrintWriter out) throws Exception {
        return start(config, out, new EmbeddedBrokerAndDatabase());
    }

    static DemoServices start(CollectorConfig config, PrintWriter out, EmbeddedServices embedded) throws Exception {
        Address broker = broker(config);
        Address database = database(config);
        boolean brokerUp = broker.listening();
        boolean databaseUp = database.listening();
        DemoServices services = new DemoServices();
        if (brokerUp && databaseUp) {
            out.println("broker: " + config.brokerUrl() + " (running)");
            out.println("database: " + database + " (running)");
            return services;
        }
        for (Address a : brokerUp ? List.of(database) : databaseUp ? List.of(broker) : List.of(broker, database)) {
            if (!LOCAL.contains(a.host())) {
                throw new IllegalStateException("nothing listens at " + a + " (" + a.what() + "); the demo embeds services "
                        + "only on this machine (127.0.0.1), so start it there or point the demo elsewhere");
            }
        }
        services.dir = Files.createTempDirectory("edge-demo-");
        CompletableFuture<EmbeddedServices.Service> b = brokerUp ? null : CompletableFuture.supplyAsync(
                () -> startOrFail(() -> embedded.startBroker(broker.port(), services.dir.resolve("broker"))));
        CompletableFuture<EmbeddedServices.Service> d = databaseUp ? null : CompletableFuture.supplyAsync(
                () -> startOrFail(() -> embedded.startDatabase(database.port(), services.dir.resolve("postgres"))));
        Exception failure = null;
        String brokerUsed = config.brokerUrl() + " (running)";
        String databaseUsed = database + " (running)";
        try {
            if (b != null) {
                brokerUsed = services.keep(b).description() + " (embedded: nothing listened at " + broker + ")";
            }
        } catch (CompletionException e) {
            failure = e.getCause() instanceof Exception cause ? cause : e;
        }
        try {
            if (d != null) {
                databaseUsed = services.keep(d).description() + " (embedded: nothing listened at " + database + ")";
            }
        } catch (CompletionException e) {
            failure = failure != null ? failure : e.getCause() instanceof Exception cause ? cause : e;
        }
        if (failure != null) {
            services.close();
            throw failure;
        }
        out.println("broker: " + brokerUsed);
        out.println("database: " + databaseUsed);
        out.flush();
        return services;
    }

    private interface Starter {
        EmbeddedServices.Service start() throws Exception;
    }

    private static EmbeddedServices.Service startOrFail(Starter starter) {
        try {
            return starter.start();
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    private EmbeddedServices.Service keep(CompletableFuture<EmbeddedServices.Service> future) {
        EmbeddedServices.Service s = future.join();
        started.add(s);
        return s;
    }

    /** Whether the demo runs on anything it started itself. */
    boolean embeddedAny() {
        return !started.isEmpty();
    }

    @Override
    public void close() {
        for (EmbeddedServices.Service s : started) {
            s.close();
        }
        started.clear();
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
