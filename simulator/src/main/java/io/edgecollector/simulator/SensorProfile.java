package io.edgecollector.simulator;

import java.util.ArrayList;
import java.util.List;

/** A simulated sensor: what it measures, its plausible range and where it stands. */
public record SensorProfile(String id, String type, String unit, double min, double max,
                            double lat, double lng, String description) {

    private static final List<SensorProfile> KINDS = List.of(
            new SensorProfile("", "temperature", "C", 0, 45, 0, 0, "Main Entrance"),
            new SensorProfile("", "humidity", "%", 0, 100, 0, 0, "Warehouse"),
            new SensorProfile("", "pressure", "hPa", 900, 1100, 0, 0, "Roof"),
            new SensorProfile("", "co2", "ppm", 350, 5000, 0, 0, "Office"),
            new SensorProfile("", "light", "lux", 0, 2000, 0, 0, "Loading Bay"));

    /** Sensors "Sensor 1".."Sensor n", cycling through five kinds, each at its own spot. */
    public static List<SensorProfile> defaults(int n) {
        List<SensorProfile> out = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            SensorProfile k = KINDS.get((i - 1) % KINDS.size());
            out.add(new SensorProfile("Sensor " + i, k.type, k.unit, k.min, k.max,
                    10 + (i - 1) * 0.01, 10 + (i - 1) * 0.01, k.description + " " + i));
        }
        return out;
    }

    /** The midpoint of the range: where a healthy reading wanders around. */
    public double typical() {
        return (min + max) / 2;
    }
}
