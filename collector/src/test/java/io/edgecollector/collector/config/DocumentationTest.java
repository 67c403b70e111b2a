package io.edgecollector.collector.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documents say what the code does: the configuration table (docs/configuration.md) names
 * every setting all three ways, and every test the README's table of guarantees names exists.
 */
class DocumentationTest {
    static final Path ROOT = Path.of("..");

    @Test
    void configurationDoc_documentsEverySetting() throws Exception {
        String doc = Files.readString(ROOT.resolve("docs/configuration.md"));
        for (Setting s : Setting.values()) {
            String row = "| `" + s.key() + "` | `" + s.env() + "` | `" + s.flag() + "` |";
            assertTrue(doc.contains(row), "docs/configuration.md lacks the row for " + s.key() + ": " + row);
        }
    }

    @Test
    void exampleConfig_setsEverySetting() throws Exception {
        CollectorConfig c = ConfigLoader.load(ROOT.resolve("config/collector.yaml"), java.util.Map.of(), java.util.Map.of());
        for (Setting s : Setting.values()) {
            assertTrue(c.sources().get(s) != null && c.sources().get(s).startsWith("config file"),
                    "config/collector.yaml does not show " + s.key());
        }
    }

    @Test
    void readmeGuarantees_nameTestsThatExist() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int table = readme.indexOf("| guarantee | test |");
        assertTrue(table >= 0, "README.md has its table of guarantees");
        List<String> rows = readme.substring(table).lines().skip(2).takeWhile(l -> l.startsWith("|")).toList();
        assertTrue(rows.size() >= 20, "the table of guarantees has its rows: " + rows.size());
        List<Path> tests = testSources();
        Pattern named = Pattern.compile("`([A-Z]\\w*(?:Test|IT))(?:\\.(\\w+))?`");
        for (String row : rows) {
            String testCell = row.substring(row.lastIndexOf('|', row.length() - 2));
            Matcher m = named.matcher(testCell);
            boolean any = false;
            while (m.find()) {
                any = true;
                String type = m.group(1);
                String method = m.group(2);
                Path source = tests.stream().filter(p -> p.getFileName().toString().equals(type + ".java")).findFirst()
                        .orElseThrow(() -> new AssertionError("README names " + type + ", which no test source defines"));
                if (method != null) {
                    assertTrue(Files.readString(source).contains("void " + method + "("),
                            "README names " + type + "." + method + ", which " + source + " does not define");
                }
            }
            assertTrue(any, "a guarantee without a test: " + row);
        }
    }

    @Test
    void readmeTestCommand_isWhatCiRuns() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        List<String> ci = Files.readAllLines(ROOT.resolve(".ci/run")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        String command = ci.get(ci.size() - 1);
        assertTrue(readme.contains("```\n" + command + "\n```"), "README.md shows .ci/run's test command: " + command);
    }

    @Test
    void readmeMapsEveryDocument() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            for (Path doc : docs.filter(p -> p.toString().endsWith(".md")).toList()) {
                assertTrue(readme.contains("](docs/" + doc.getFileName() + ")"), "README.md does not link " + doc);
            }
        }
        assertFalse(readme.lines().count() > 250, "the README stays a first read; details go to docs/");
    }

    private static List<Path> testSources() {
        try (Stream<Path> files = Stream.of("collector", "simulator", "common", "demo")
                .map(m -> ROOT.resolve(m).resolve("src/test/java")).filter(Files::isDirectory)
                .flatMap(DocumentationTest::walk)) {
            return files.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }

    private static Stream<Path> walk(Path dir) {
        try {
            return Files.walk(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
