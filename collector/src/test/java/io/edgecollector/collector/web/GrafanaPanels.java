package io.edgecollector.collector.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the provisioned Grafana dashboards the way Grafana would use them: the SQL of every
 * panel with Grafana's macros expanded for a concrete range, and the metric names in PromQL.
 * (Grafana itself cannot run where this is built.)
 */
final class GrafanaPanels {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern METRIC = Pattern.compile("\\b((?:edge_collector|process|jvm)_[a-z0-9_]+)\\b");

    record Query(String panel, String sql) {
    }

    private GrafanaPanels() {
    }

    static List<Query> sql(Path dashboard) throws Exception {
        List<Query> out = new ArrayList<>();
        for (JsonNode panel : JSON.readTree(dashboard.toFile()).get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                if (target.has("rawSql")) {
                    out.add(new Query(panel.get("title").asText(), target.get("rawSql").asText()));
                }
            }
        }
        return out;
    }

    /** Each query variable's values, as Grafana puts a multi-value variable into SQL: 'a','b'. */
    static Map<String, String> variables(Path dashboard, Connection c) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode v : JSON.readTree(dashboard.toFile()).path("templating").path("list")) {
            List<String> values = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(v.get("query").asText())) {
                while (rs.next()) {
                    values.add("'" + rs.getString(1).replace("'", "''") + "'");
                }
            }
            if (values.isEmpty()) {
                throw new SQLException("variable " + v.get("name").asText() + " has no values");
            }
            out.put(v.get("name").asText(), String.join(",", values));
        }
        return out;
    }

    /** Grafana's PostgreSQL macros for the range [from, to] at a 1-minute interval, and the variables. */
    static String expand(String sql, Instant from, Instant to, Map<String, String> variables) {
        String f = "'" + from + "'::timestamptz";
        String t = "'" + to + "'::timestamptz";
        String out = sql
                .replaceAll("\\$__timeGroupAlias\\(([^,]+),\\s*\\$__interval\\)",
                        "to_timestamp(floor(extract(epoch FROM $1) / 60) * 60) AS \"time\"")
                .replaceAll("\\$__timeFilter\\(([^)]+)\\)", "$1 BETWEEN " + Matcher.quoteReplacement(f)
                        + " AND " + Matcher.quoteReplacement(t))
                .replace("$__timeFrom()", f)
                .replace("$__timeTo()", t)
                .replace("$__interval", "'1 minute'::interval");
        for (Map.Entry<String, String> v : variables.entrySet()) {
            out = out.replace("$" + v.getKey(), v.getValue());
        }
        return out;
    }

    /** The metric names every PromQL expression of the dashboard reads (each must name one). */
    static List<String> metricNames(Path dashboard) throws Exception {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode panel : JSON.readTree(dashboard.toFile()).get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.get("expr").asText();
                Matcher m = METRIC.matcher(expr);
                boolean any = false;
                while (m.find()) {
                    out.add(m.group(1));
                    any = true;
                }
                if (!any) {
                    throw new AssertionError("no metric name in " + panel.get("title").asText() + ": " + expr);
                }
            }
        }
        return new ArrayList<>(out);
    }
}
