package io.edgecollector.collector.lake;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.validation.executable.ExecutableValidator;
import jakarta.validation.metadata.BeanDescriptor;
import java.util.Set;

/**
 * A Validator for readings that passed Bean Validation already, at intake: it finds nothing.
 * Compaction uses it only for daily raw lines that intake validated and wrote no rejection into
 * ({@link LinePipeline#checkedAtIntake}); the rules themselves stay in the annotations on Reading.
 */
public final class AlreadyValidated implements Validator {
    public static final Validator INSTANCE = new AlreadyValidated();

    private AlreadyValidated() {
    }

    @Override
    public <T> Set<ConstraintViolation<T>> validate(T object, Class<?>... groups) {
        return Set.of();
    }

    @Override
    public <T> Set<ConstraintViolation<T>> validateProperty(T object, String propertyName, Class<?>... groups) {
        return Set.of();
    }

    @Override
    public <T> Set<ConstraintViolation<T>> validateValue(Class<T> beanType, String propertyName, Object value,
                                                         Class<?>... groups) {
        return Set.of();
    }

    @Override
    public BeanDescriptor getConstraintsForClass(Class<?> clazz) {
        throw new UnsupportedOperationException("no constraints are described: the readings were validated at intake");
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        throw new jakarta.validation.ValidationException("AlreadyValidated cannot be unwrapped to " + type.getName());
    }

    @Override
    public ExecutableValidator forExecutables() {
        throw new UnsupportedOperationException("only readings are checked");
    }
}
