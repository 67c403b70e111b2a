package io.edgecollector.collector.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.parse.Reading;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The compiled checks against Hibernate Validator itself, over generated valid and invalid readings. */
class CompiledConstraintsTest {
    static final Validator HV = Validators.create();

    static final String[] TEXT = {
        null, "", " ", "   ", "\t", "temp", "Sensor 1", "dev-1", "a\u0000b", "a\nb", "x\u001f", "x\u007f", "\u0085nel",
        "\u2028", "ünïcödé", "\u00a0", " padded ", "C", "°C", "a".repeat(32), "a".repeat(33), "b".repeat(100),
        "b".repeat(101), "c".repeat(200), "c".repeat(201), "\u0001".repeat(201), " ".repeat(150),
    };
    static final Double[] NUMBERS = {
        null, 0.0, -0.0, 1.5, -90.0, 90.0, -180.0, 180.0, Math.nextUp(90.0), Math.nextDown(-90.0), Math.nextUp(180.0),
        Math.nextDown(-180.0), 89.99999999999999, 90.00000000000001, -180.00000000000003, 1e300, -1e300, Double.NaN,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, 45.0,
    };
    static final Instant[] TIMES = {
        null, Instant.EPOCH, Instant.EPOCH.minusNanos(1), Instant.parse("2026-11-22T10:00:00Z"),
        Instant.parse("2100-01-01T00:00:00Z"), Instant.parse("2099-12-31T23:59:59.999999999Z"), Instant.MIN, Instant.MAX,
    };

    static String messages(Validator hv, Object bean) {
        return hv.validate(bean).stream().map(ConstraintViolation::getMessage).sorted().collect(Collectors.joining("|"));
    }

    @Test
    void readingConstraints_areCompiled_andGiveHibernateValidatorsViolations() {
        CompiledConstraints<Reading> compiled = CompiledConstraints.of(HV, Reading.class);
        assertTrue(compiled.compiled(), "Reading's constraints should all be compiled");
        Random random = new Random(18);
        int invalid = 0;
        for (int i = 0; i < 200_000; i++) {
            boolean mostlyValid = i % 2 == 0;
            Reading r = new Reading(
                    mostlyValid && random.nextInt(10) > 0 ? "sensor-" + random.nextInt(50) : pick(random, TEXT),
                    mostlyValid && random.nextInt(10) > 0 ? "temperature" : pick(random, TEXT),
                    mostlyValid && random.nextInt(10) > 0 ? Instant.ofEpochMilli(1_700_000_000_000L + random.nextInt()) : pick(random, TIMES),
                    random.nextInt(3) == 0 ? pick(random, NUMBERS) : random.nextGaussian() * 1000,
                    random.nextBoolean() ? null : pick(random, TEXT),
                    random.nextInt(3) == 0 ? pick(random, NUMBERS) : random.nextBoolean() ? null : random.nextDouble() * 200 - 100,
                    random.nextInt(3) == 0 ? pick(random, NUMBERS) : random.nextBoolean() ? null : random.nextDouble() * 400 - 200,
                    "t/" + i, Instant.EPOCH, null);
            String expected = messages(HV, r);
            String actual = String.join("|", compiled.violations(r));
            assertEquals(expected, actual, () -> "for " + r);
            if (!expected.isEmpty()) {
                invalid++;
            }
        }
        // both kinds were generated in quantity
        assertTrue(invalid > 50_000 && invalid < 180_000, "invalid readings: " + invalid);
    }

    static <T> T pick(Random random, T[] values) {
        return values[random.nextInt(values.length)];
    }

    /** A constraint type that is not compiled: the whole class is checked by the validator. */
    record WithEmail(@Email(message = "not an address") @Size(max = 10, message = "longer than {max}") String address) {
    }

    @Test
    void uncompiledConstraintType_fallsBackToTheValidator() {
        CompiledConstraints<WithEmail> c = CompiledConstraints.of(HV, WithEmail.class);
        assertFalse(c.compiled());
        assertEquals(List.of("longer than 10", "not an address"), c.violations(new WithEmail("not an email at all")));
        assertEquals(List.of(), c.violations(new WithEmail("a@b.io")));
    }

    @Test
    void validatorWithoutMetadata_isAskedEachTime() {
        CompiledConstraints<Reading> c = CompiledConstraints.of(io.edgecollector.collector.lake.AlreadyValidated.INSTANCE, Reading.class);
        assertFalse(c.compiled());
        assertEquals(List.of(), c.violations(new Reading("", "", null, Double.NaN, null, null, null, "t", Instant.EPOCH, null)));
    }
}
