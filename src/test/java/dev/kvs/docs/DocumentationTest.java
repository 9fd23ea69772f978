package dev.kvs.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation stays true to the code: docs/API.md describes every path and error code of
 * the OpenAPI document, the README names every setting the code reads, and nothing in the
 * repository points outside it.
 */
class DocumentationTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();

  @Test
  void apiMdDescribesEveryPathAndErrorCodeOfTheOpenApiDocument() throws IOException {
    JsonNode openApi = new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("src/main/resources/openapi.yaml").toFile());
    String apiMd = Files.readString(ROOT.resolve("docs/API.md"));
    List<String> missing = new ArrayList<>();
    openApi.get("paths").fieldNames().forEachRemaining(path -> {
      if (!apiMd.contains(path)) {
        missing.add(path);
      }
    });
    openApi.at("/components/schemas/Error/properties/error/properties/code/examples").forEach(code -> {
      if (!apiMd.contains("`" + code.asText() + "`")) {
        missing.add(code.asText());
      }
    });
    assertEquals(List.of(), missing, "in openapi.yaml but not in docs/API.md");
  }

  @Test
  void theReadmeNamesEverySettingTheCodeReads() throws IOException {
    Set<String> read = new TreeSet<>();
    Pattern variable = Pattern.compile("\"(KVS_[A-Z0-9_]+)\"");
    try (Stream<Path> sources = Files.walk(ROOT.resolve("src/main/java"))) {
      for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = variable.matcher(Files.readString(source));
        while (m.find()) {
          read.add(m.group(1));
        }
      }
    }
    String readme = Files.readString(ROOT.resolve("README.md"));
    assertTrue(read.size() > 20, "found the settings: " + read);
    assertEquals(Set.of(), read.stream().filter(v -> !readme.contains("`" + v + "`")).collect(java.util.stream.Collectors.toSet()),
        "settings the code reads that the README's configuration table does not name");
  }

  @Test
  void nothingInTheRepositoryPointsOutsideIt() throws IOException {
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String rel = ROOT.relativize(file).toString();
        if (rel.startsWith(".git/") || rel.contains("target/") || rel.startsWith(".mvn/wrapper")
            || !rel.matches(".*\\.(md|sh|java|lua|sql|yaml|yml|xml|properties|txt)$|.*Dockerfile$|\\.ci/.*")) {
          continue;
        }
        if (Files.readString(file).contains("../" + "shared")) {
          offenders.add(rel);
        }
      }
    }
    assertEquals(List.of(), offenders, "files that point at a folder outside the repository");
  }
}
