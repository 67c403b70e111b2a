package io.edgecollector.collector.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Payload numbers are read by Jackson's fast double parser: every number must still give the
 * double {@link Double#parseDouble} gives, to the bit, on the plain path and the tree path.
 */
class PayloadNumbersTest {
    private static final PayloadDecoder DECODER = new PayloadDecoder(262_144);

    /** Decimal texts of every kind: short and long mantissas, far exponents, subnormals, halfway cases. */
    private static List<String> numbers(int n, long seed) {
        Random random = new Random(seed);
        List<String> out = new ArrayList<>(List.of("0.0", "-0.0", "1e0", "4.9e-324", "2.4703282292062327e-324",
                "2.2250738585072011e-308", "2.2250738585072014e-308", "1.7976931348623157e308", "1.7976931348623158e308",
                "9007199254740993.0", "0.1", "0.30000000000000004", "123456789012345678901234567890.5", "1e-400", "1e400"));
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(3)) {
                case 0 -> out.add(Double.toString(Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL)));
                case 1 -> out.add(Double.toString(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20)));
                default -> {
                    StringBuilder s = new StringBuilder(random.nextBoolean() ? "-" : "");
                    int digits = 1 + random.nextInt(25);
                    int point = random.nextInt(digits);
                    s.append(1 + random.nextInt(9));
                    for (int d = 1; d < digits; d++) {
                        if (d == point) {
                            s.append('.');
                        }
                        s.append(random.nextInt(10));
                    }
                    if (point == 0 || random.nextBoolean()) {
                        s.append('e').append(random.nextInt(660) - 330);
                    }
                    out.add(s.toString());
                }
            }
        }
        return out;
    }

    @Test
    void everyNumber_isReadAsDoubleParseDoubleReadsIt_onThePlainAndTheTreePath() {
        for (String text : numbers(200_000, 33)) {
            byte[] payload = ("{\"sensor_id\":\"s1\",\"value\":" + text + "}").getBytes(StandardCharsets.UTF_8);
            long expected = Double.doubleToRawLongBits(Double.parseDouble(text));
            PlainObject plain = DECODER.plain(payload);
            assertEquals(expected, Double.doubleToRawLongBits(plain.number(plain.index("value"))), text + " (plain path)");
            assertEquals(expected, Double.doubleToRawLongBits(DECODER.decode(payload).json().get("value").doubleValue()),
                    text + " (tree path)");
        }
    }
}
