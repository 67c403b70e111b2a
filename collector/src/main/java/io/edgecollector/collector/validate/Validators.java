package io.edgecollector.collector.validate;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/** Builds the Bean Validation validator; messages use {param} interpolation only (no EL on the classpath). */
public final class Validators {
    private Validators() {
    }

    public static Validator create() {
        return Validation.byProvider(HibernateValidator.class)
                .configure()
                .messageInterpolator(new ParameterMessageInterpolator())
                .buildValidatorFactory()
                .getValidator();
    }
}
