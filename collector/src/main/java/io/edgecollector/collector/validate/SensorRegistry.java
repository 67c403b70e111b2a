package io.edgecollector.collector.validate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecollector.collector.config.ConfigException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotNull;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The registered sensors, loaded once from the registry file. */
public final class SensorRegistry {
    private final Map<String, Sensor> byId;

    private SensorRegistry(Map<String, Sensor> byId) {
        this.byId = Map.copyOf(byId);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record RegistryFile(@NotNull(message = "'sensors' list is missing") List<@Valid Sensor> sensors) {
    }

    public static SensorRegistry empty() {
        return new SensorRegistry(Map.of());
    }

    /** Loads the registry; a problem stops the start with a message naming the file and the entry. */
    public static SensorRegistry load(Path file, Validator validator) {
        if (file == null) {
            return empty();
        }
        if (!Files.isReadable(file)) {
            throw new ConfigException("sensors_file " + file + ": file not found or not readable");
        }
        RegistryFile parsed;
        try {
            parsed = new ObjectMapper().readValue(file.toFile(), RegistryFile.class);
        } catch (JsonMappingException e) {
            throw new ConfigException("sensors_file " + file + ": at " + e.getPathReference()
                    + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException("sensors_file " + file + ": " + e.getMessage());
        }
        if (parsed == null) {
            throw new ConfigException("sensors_file " + file + ": file is empty");
        }
        Set<ConstraintViolation<RegistryFile>> violations = validator.validate(parsed);
        if (!violations.isEmpty()) {
            ConstraintViolation<RegistryFile> v = violations.iterator().next();
            throw new ConfigException("sensors_file " + file + ": " + v.getPropertyPath() + ": " + v.getMessage());
        }
        Map<String, Sensor> byId = new LinkedHashMap<>();
        for (Sensor s : parsed.sensors()) {
            if (s.range() != null && !s.range().isOrdered()) {
                throw new ConfigException("sensors_file " + file + ": sensor '" + s.id() + "': range.min "
                        + s.range().min() + " is above range.max " + s.range().max());
            }
            if (byId.put(s.id(), s) != null) {
                throw new ConfigException("sensors_file " + file + ": sensor id '" + s.id() + "' appears twice");
            }
        }
        return new SensorRegistry(byId);
    }

    public Sensor find(String sensorId) {
        return byId.get(sensorId);
    }

    public Collection<Sensor> all() {
        return byId.values();
    }

    public int size() {
        return byId.size();
    }
}
