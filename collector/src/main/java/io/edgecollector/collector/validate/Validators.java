package io.edgecollector.collector.validate;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/** Builds the Bean Validation validator; messages use {param} interpolation only (no EL on the classpath). */
public final class Validators {
    private static final CompletableFuture<Validator> SHARED = new CompletableFuture<>();
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private Validators() {
    }

    /**
     * Starts building the shared validator on a background thread: bootstrapping Hibernate
     * Validator takes about 0.2 s, which then overlaps reading the command line and configuration.
     */
    public static void preload() {
        if (STARTED.compareAndSet(false, true)) {
            Thread t = new Thread(Validators::build, "validator-bootstrap");
            t.setDaemon(true);
            t.start();
        }
    }

    /** The process's validator (thread-safe), built once. */
    public static Validator shared() {
        if (STARTED.compareAndSet(false, true)) {
            build();
        }
        return SHARED.join();
    }

    private static void build() {
        try {
            SHARED.complete(create());
        } catch (RuntimeException e) {
            SHARED.completeExceptionally(e);
        }
    }

    public static Validator create() {
        return Validation.byProvider(HibernateValidator.class)
                .configure()
                .messageInterpolator(new ParameterMessageInterpolator())
                .buildValidatorFactory()
                .getValidator();
    }
}
