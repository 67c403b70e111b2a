package io.edgecollector.simulator;

/** How often each kind of fault is injected, as a fraction of messages (0 to 1). */
public record Faults(double outOfRange, double malformed, double duplicate, double late, double unknownSensor) {
    public static final Faults NONE = new Faults(0, 0, 0, 0, 0);

    public Faults {
        double sum = outOfRange + malformed + duplicate + late + unknownSensor;
        if (outOfRange < 0 || malformed < 0 || duplicate < 0 || late < 0 || unknownSensor < 0 || sum > 1) {
            throw new IllegalArgumentException("fault rates must be between 0 and 1 and add up to at most 1");
        }
    }
}
