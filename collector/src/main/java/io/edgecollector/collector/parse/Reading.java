package io.edgecollector.collector.parse;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * One measurement: its key is (sensorId, metric, ts). A null value means the sensor sent no
 * usable number (flagged missing_value). Quality is null until the reading has been assessed.
 */
public record Reading(
        @NotBlank(message = "sensor_id must not be empty")
        @Size(max = 200, message = "sensor_id is longer than {max} characters")
        @Pattern(regexp = "[^\\p{Cntrl}]*", message = "sensor_id contains control characters")
        String sensorId,
        @NotBlank(message = "metric must not be empty")
        @Size(max = 100, message = "metric is longer than {max} characters")
        @Pattern(regexp = "[^\\p{Cntrl}]*", message = "metric contains control characters")
        String metric,
        @NotNull(message = "ts is missing")
        Instant ts,
        Double value,
        @Size(max = 32, message = "unit is longer than {max} characters")
        @Pattern(regexp = "[^\\p{Cntrl}]*", message = "unit contains control characters")
        String unit,
        @DecimalMin(value = "-90", message = "lat must be between -90 and 90")
        @DecimalMax(value = "90", message = "lat must be between -90 and 90")
        Double lat,
        @DecimalMin(value = "-180", message = "lon must be between -180 and 180")
        @DecimalMax(value = "180", message = "lon must be between -180 and 180")
        Double lon,
        String topic,
        Instant receivedAt,
        Quality quality) {

    public static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");

    @AssertTrue(message = "ts must lie between 1970-01-01 and 2099-12-31")
    public boolean isTsInSupportedRange() {
        return ts == null || (!ts.isBefore(EARLIEST) && ts.isBefore(LATEST));
    }

    @AssertTrue(message = "value must be a finite number")
    public boolean isValueFinite() {
        return value == null || Double.isFinite(value);
    }

    public Reading withQuality(Quality q) {
        return new Reading(sensorId, metric, ts, value, unit, lat, lon, topic, receivedAt, q);
    }

    public Reading withUnit(String u) {
        return new Reading(sensorId, metric, ts, value, u, lat, lon, topic, receivedAt, quality);
    }
}
