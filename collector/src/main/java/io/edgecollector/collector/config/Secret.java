package io.edgecollector.collector.config;

/** A value that must never be printed: toString() masks it. */
public record Secret(String value) {
    public static final String MASK = "****";

    public boolean isEmpty() {
        return value == null || value.isEmpty();
    }

    @Override
    public String toString() {
        return isEmpty() ? "" : MASK;
    }

    /** Masks password=... parameters inside a URL (JDBC URLs may carry them). */
    public static String maskUrl(String url) {
        if (url == null) {
            return null;
        }
        return url.replaceAll("(?i)(password=)[^&;]*", "$1" + MASK)
                .replaceAll("(//[^/:@]+:)[^@/]*@", "$1" + MASK + "@");
    }
}
