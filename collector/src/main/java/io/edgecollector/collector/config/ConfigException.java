package io.edgecollector.collector.config;

/** A configuration problem found at start: the message names the key (or file) and the bad value. */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
