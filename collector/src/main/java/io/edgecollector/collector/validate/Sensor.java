package io.edgecollector.collector.validate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import jakarta.validation.constraints.NotBlank;

/** A registered sensor, as in the registry file. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Sensor(
        @NotBlank(message = "id must not be empty") String id,
        Location location,
        String type,
        String unit,
        Range range,
        String description) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Location(Double lat, Double lng) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Range(Double min, Double max) {
        boolean isOrdered() {
            return min == null || max == null || min <= max;
        }
    }

    /** True when this sensor's registered range applies to the metric. */
    public boolean hasRangeFor(String metric) {
        return range != null && (type == null || type.equals(metric));
    }
}
