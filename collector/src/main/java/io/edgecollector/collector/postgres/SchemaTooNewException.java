package io.edgecollector.collector.postgres;

/** The database was migrated by a newer collector: this one must not write to it. */
public class SchemaTooNewException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SchemaTooNewException(String message) {
        super(message);
    }
}
