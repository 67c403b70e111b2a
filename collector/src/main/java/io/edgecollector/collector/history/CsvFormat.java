package io.edgecollector.collector.history;

import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a CSV file is laid out, as spreadsheets and data loggers write it.
 *
 * @param separator      ',' ';' or '\t'; 0 to tell from the header line
 * @param decimalComma   values are written 21,5
 * @param wide           one column per metric (the device id is {@code device}); else long: one reading per line
 * @param device         sensor id of every reading of a wide file
 * @param time           the time column, or the date column when {@code clock} names a second one; null: the first column
 * @param clock          the time-of-day column when date and time stand in two columns, else null
 * @param datePattern    pattern of the date (or of the whole timestamp), e.g. d/MM/yyyy; null: ISO-8601 or epoch
 * @param timePattern    pattern of the time-of-day column, e.g. HH.mm.ss
 * @param zone           zone of local times (times with an offset keep theirs)
 * @param missing        values that mean "no reading" (e.g. -200): stored as missing_value
 * @param columns        wide: the metric columns to take, each renamed (empty: every other column, named as in the header)
 * @param units          unit per metric (after renaming)
 * @param sensorColumn   long: column of the sensor id
 * @param metricColumn   long: column of the metric
 * @param valueColumn    long: column of the value
 * @param unitColumn     long: column of the unit, or null
 */
public record CsvFormat(char separator, boolean decimalComma, boolean wide, String device, String time, String clock,
                        String datePattern, String timePattern, ZoneId zone, List<Double> missing,
                        Map<String, String> columns, Map<String, String> units,
                        String sensorColumn, String metricColumn, String valueColumn, String unitColumn) {
    public CsvFormat {
        missing = List.copyOf(missing);
        columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        units = Map.copyOf(units);
    }

    /** Everything that changes what a line becomes: part of an import's identity. */
    public String describe() {
        return "csv sep=" + (int) separator + " dc=" + decimalComma + " wide=" + wide + " device=" + device
                + " time=" + time + " clock=" + clock + " dp=" + datePattern + " tp=" + timePattern + " zone=" + zone
                + " missing=" + missing + " columns=" + new java.util.TreeMap<>(columns)
                + " units=" + new java.util.TreeMap<>(units) + " long=" + sensorColumn + "," + metricColumn + ","
                + valueColumn + "," + unitColumn;
    }
}
