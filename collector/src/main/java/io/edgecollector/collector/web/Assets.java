package io.edgecollector.collector.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The page's files, read once from the jar: the page itself (web/) and uPlot from its WebJar
 * (shaded in, so nothing is fetched from the internet; edge boxes are often air-gapped).
 */
final class Assets {
    static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";

    record Asset(String contentType, byte[] body) {
    }

    /** URL path -> classpath resource and type. */
    private static final Map<String, String[]> FILES = Map.of(
            "/", new String[] {"web/index.html", "text/html; charset=utf-8"},
            "/assets/dashboard.js", new String[] {"web/dashboard.js", "text/javascript; charset=utf-8"},
            "/assets/dashboard.css", new String[] {"web/dashboard.css", "text/css; charset=utf-8"},
            "/assets/uPlot.iife.min.js", new String[] {UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"},
            "/assets/uPlot.min.css", new String[] {UPLOT + "uPlot.min.css", "text/css; charset=utf-8"});

    private final Map<String, Asset> loaded;

    Assets() {
        java.util.HashMap<String, Asset> m = new java.util.HashMap<>();
        FILES.forEach((path, file) -> m.put(path, new Asset(file[1], read(file[0]))));
        this.loaded = Map.copyOf(m);
    }

    /** The asset served at a path, or null. */
    Asset get(String path) {
        return loaded.get(path);
    }

    private static byte[] read(String resource) {
        try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + resource + " (a broken build)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
