package io.edgecollector.collector.validate;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.MessageInterpolator;
import jakarta.validation.Validator;
import jakarta.validation.constraints.AssertFalse;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Null;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.validation.groups.Default;
import jakarta.validation.metadata.BeanDescriptor;
import jakarta.validation.metadata.ConstraintDescriptor;
import jakarta.validation.metadata.PropertyDescriptor;
import jakarta.validation.metadata.Scope;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/**
 * Bean Validation's constraints on one class, read once from the validator's own metadata
 * ({@link BeanDescriptor}) and turned into plain checks that give the same messages; Hibernate
 * Validator took about 2 us per reading, these a small fraction of it. The annotations stay the
 * source of the rules: nothing here names a field or a limit. A class with anything this does not
 * compile (another constraint type, groups, cascading, container elements, class-level or
 * composed constraints, a message that needs expression language) is checked by the validator
 * itself, whole. Messages are interpolated once, as {@link Validators} configures it (parameters
 * only, no EL), so a constraint's message cannot depend on the value.
 * {@code CompiledConstraintsTest} runs both side by side over generated valid and invalid readings.
 */
public final class CompiledConstraints<T> {
    private final Validator validator;
    private final Check[] checks;

    private CompiledConstraints(Validator validator, Check[] checks) {
        this.validator = validator;
        this.checks = checks;
    }

    /** The constraints of type, compiled where possible; otherwise every call goes to the validator. */
    public static <T> CompiledConstraints<T> of(Validator validator, Class<T> type) {
        Check[] compiled;
        try {
            compiled = compile(validator.getConstraintsForClass(type), type);
        } catch (RuntimeException | ReflectiveOperationException e) {
            compiled = null; // a validator without metadata (or a shape not compiled): ask it each time
        }
        return new CompiledConstraints<>(validator, compiled);
    }

    /** Whether the checks are compiled (false: each call asks the validator). */
    public boolean compiled() {
        return checks != null;
    }

    /** The messages of the constraints object violates, sorted; empty when it is valid. */
    public List<String> violations(T object) {
        if (checks == null) {
            Set<ConstraintViolation<T>> found = validator.validate(object);
            if (found.isEmpty()) {
                return List.of();
            }
            return found.stream().map(ConstraintViolation::getMessage).sorted().collect(Collectors.toList());
        }
        List<String> messages = null;
        for (Check c : checks) {
            if (!c.valid(object)) {
                if (messages == null) {
                    messages = new ArrayList<>(2);
                }
                messages.add(c.message);
            }
        }
        if (messages == null) {
            return List.of();
        }
        Collections.sort(messages);
        return messages;
    }

    private static Check[] compile(BeanDescriptor bean, Class<?> type) throws ReflectiveOperationException {
        if (!bean.getConstraintDescriptors().isEmpty()) {
            return null; // class-level constraints
        }
        List<Check> checks = new ArrayList<>();
        for (PropertyDescriptor p : bean.getConstrainedProperties()) {
            if (p.isCascaded() || !p.getConstrainedContainerElementTypes().isEmpty() || !p.getGroupConversions().isEmpty()) {
                return null;
            }
            MethodHandle read = reader(type, p.getPropertyName(), p.getElementClass());
            if (read == null) {
                return null;
            }
            for (ConstraintDescriptor<?> d : p.findConstraints().lookingAt(Scope.HIERARCHY).getConstraintDescriptors()) {
                Check c = check(d, read, p.getElementClass());
                if (c == null) {
                    return null;
                }
                checks.add(c);
            }
        }
        if (bean.getConstrainedProperties().isEmpty() && bean.isBeanConstrained()) {
            return null;
        }
        return checks.toArray(new Check[0]);
    }

    /** How Hibernate Validator reads a property: the field of that name, or the getter get/is/has + name. */
    private static MethodHandle reader(Class<?> type, String property, Class<?> elementClass) throws ReflectiveOperationException {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        String cap = Character.toUpperCase(property.charAt(0)) + property.substring(1);
        for (String prefix : new String[] {"get", "is", "has"}) {
            try {
                Method m = type.getMethod(prefix + cap);
                if (m.getReturnType() == elementClass && hasConstraint(m.getAnnotations())) {
                    // a getter with constraints: HV validates the getter (and a field of the same name, too)
                    Field f = declaredField(type, property);
                    if (f != null && hasConstraint(f.getAnnotations())) {
                        return null; // both a field and a getter constrained: not compiled
                    }
                    return lookup.unreflect(m).asType(MethodType.methodType(Object.class, Object.class));
                }
            } catch (NoSuchMethodException e) {
                // next prefix
            }
        }
        Field f = declaredField(type, property);
        if (f == null || Modifier.isStatic(f.getModifiers())) {
            return null;
        }
        f.setAccessible(true);
        return lookup.unreflectGetter(f).asType(MethodType.methodType(Object.class, Object.class));
    }

    private static Field declaredField(Class<?> type, String name) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            try {
                return c.getDeclaredField(name);
            } catch (NoSuchFieldException e) {
                // the superclass
            }
        }
        return null;
    }

    private static boolean hasConstraint(java.lang.annotation.Annotation[] annotations) {
        for (var a : annotations) {
            if (a.annotationType().isAnnotationPresent(jakarta.validation.Constraint.class)) {
                return true;
            }
        }
        return false;
    }

    private static Check check(ConstraintDescriptor<?> d, MethodHandle read, Class<?> elementClass) {
        if (!d.getComposingConstraints().isEmpty() || !d.getGroups().equals(Set.of(Default.class))
                || d.getValidationAppliesTo() == jakarta.validation.ConstraintTarget.PARAMETERS) {
            return null;
        }
        String message = interpolate(d);
        if (message == null) {
            return null;
        }
        Map<String, Object> a = d.getAttributes();
        Class<?> kind = d.getAnnotation().annotationType();
        Test test;
        if (kind == NotNull.class) {
            test = v -> v != null;
        } else if (kind == Null.class) {
            test = v -> v == null;
        } else if (kind == AssertTrue.class && (elementClass == boolean.class || elementClass == Boolean.class)) {
            test = v -> v == null || (Boolean) v;
        } else if (kind == AssertFalse.class && (elementClass == boolean.class || elementClass == Boolean.class)) {
            test = v -> v == null || !(Boolean) v;
        } else if (kind == NotBlank.class && elementClass == String.class) {
            test = v -> v != null && !((String) v).trim().isEmpty();
        } else if (kind == NotEmpty.class && elementClass == String.class) {
            test = v -> v != null && !((String) v).isEmpty();
        } else if (kind == Size.class && elementClass == String.class) {
            int min = (Integer) a.get("min");
            int max = (Integer) a.get("max");
            if (min < 0 || max < min) {
                return null; // HV rejects these when validating; leave that to it
            }
            test = v -> v == null || (((String) v).length() >= min && ((String) v).length() <= max);
        } else if (kind == Pattern.class && elementClass == String.class) {
            test = pattern((String) a.get("regexp"), (Pattern.Flag[]) a.get("flags"));
        } else if ((kind == DecimalMin.class || kind == DecimalMax.class) && elementClass == Double.class) {
            test = decimalBound(new BigDecimal((String) a.get("value")), (Boolean) a.get("inclusive"), kind == DecimalMin.class);
        } else {
            return null;
        }
        return new Check(read, test, message);
    }

    /** "[^\p{Cntrl}]*" (no control character) as a loop over the chars; any other pattern as java.util.regex, as HV does. */
    private static Test pattern(String regexp, Pattern.Flag[] flags) {
        if (flags.length == 0 && regexp.equals("[^\\p{Cntrl}]*")) {
            return v -> {
                if (v == null) {
                    return true;
                }
                String s = (String) v;
                for (int i = 0, n = s.length(); i < n; i++) {
                    char c = s.charAt(i);
                    if (c < 0x20 || c == 0x7f) {
                        return false;
                    }
                }
                return true;
            };
        }
        int bits = 0;
        for (Pattern.Flag f : flags) {
            bits |= f.getValue();
        }
        java.util.regex.Pattern compiled = java.util.regex.Pattern.compile(regexp, bits);
        return v -> v == null || compiled.matcher((CharSequence) v).matches();
    }

    /**
     * HV's DecimalMin/DecimalMax for a Double: null passes, NaN fails, the infinities compare as
     * such, anything else as BigDecimal.valueOf(value) against the bound. For a bound a double
     * represents exactly, comparing the doubles gives the same answer without a BigDecimal.
     */
    private static Test decimalBound(BigDecimal bound, boolean inclusive, boolean min) {
        double b = bound.doubleValue();
        boolean exact = !Double.isInfinite(b) && new BigDecimal(b).compareTo(bound) == 0;
        return v -> {
            if (v == null) {
                return true;
            }
            double d = (Double) v;
            if (Double.isNaN(d)) {
                return false;
            }
            int cmp;
            if (d == Double.NEGATIVE_INFINITY) {
                cmp = -1;
            } else if (d == Double.POSITIVE_INFINITY) {
                cmp = 1;
            } else if (exact) {
                cmp = d < b ? -1 : d > b ? 1 : 0;
            } else {
                cmp = BigDecimal.valueOf(d).compareTo(bound);
            }
            return min ? (inclusive ? cmp >= 0 : cmp > 0) : (inclusive ? cmp <= 0 : cmp < 0);
        };
    }

    /** The message as the validator's ParameterMessageInterpolator makes it; null when it could depend on the value. */
    private static String interpolate(ConstraintDescriptor<?> d) {
        String template = d.getMessageTemplate();
        if (template.contains("$") || template.contains("validatedValue")) {
            return null;
        }
        MessageInterpolator.Context context = new MessageInterpolator.Context() {
            @Override
            public ConstraintDescriptor<?> getConstraintDescriptor() {
                return d;
            }

            @Override
            public Object getValidatedValue() {
                return null;
            }

            @Override
            public <U> U unwrap(Class<U> t) {
                throw new jakarta.validation.ValidationException("not unwrapped: " + t);
            }
        };
        return INTERPOLATOR.interpolate(template, context);
    }

    private static final ParameterMessageInterpolator INTERPOLATOR = new ParameterMessageInterpolator();

    @FunctionalInterface
    private interface Test {
        boolean valid(Object value);
    }

    private static final class Check {
        final MethodHandle read;
        final Test test;
        final String message;

        Check(MethodHandle read, Test test, String message) {
            this.read = read;
            this.test = test;
            this.message = message;
        }

        boolean valid(Object bean) {
            Object value;
            try {
                value = read.invokeExact(bean);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            return test.valid(value);
        }
    }
}
