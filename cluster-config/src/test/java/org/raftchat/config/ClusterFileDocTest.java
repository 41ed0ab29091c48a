package org.raftchat.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** docs/cluster-file.md says it covers every field; this keeps it true. */
class ClusterFileDocTest {

    private static final Path DOC = Path.of("..", "docs", "cluster-file.md");

    @Test
    void theAnnotatedExampleShowsEveryFieldTheLoaderAcceptsAndIsAValidFile() throws Exception {
        // Goal: a field added to ClusterConfigLoader without a line in the doc's example fails here; the
        // example itself must load (so its values are in range).
        String example = annotatedExample(Files.readString(DOC));

        SortedSet<String> documented = new TreeSet<>();
        collectPaths(new ObjectMapper(new YAMLFactory()).readTree(example), "", documented);

        assertThat(documented).containsAll(ClusterConfigLoader.knownFields());
        assertThat(ClusterConfigLoader.knownFields()).containsAll(documented);
        ClusterConfig loaded = ClusterConfigLoader.parse(example, Path.of("/etc/raftchat"));
        assertThat(loaded.nodes()).hasSize(5);
        assertThat(loaded.tls()).isPresent();
    }

    /** The first ```yaml block of the page. */
    private static String annotatedExample(String markdown) {
        int start = markdown.indexOf("```yaml\n");
        assertThat(start).as("a ```yaml block in %s", DOC).isNotNegative();
        int end = markdown.indexOf("```", start + 8);
        return markdown.substring(start + 8, end);
    }

    private static void collectPaths(JsonNode node, String prefix, SortedSet<String> into) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String path = prefix + field.getKey();
                into.add(path);
                JsonNode value = field.getValue();
                if (value.isObject()) {
                    collectPaths(value, path + ".", into);
                } else if (value.isArray()) {
                    value.forEach(element -> {
                        if (element.isObject()) {
                            collectPaths(element, path + "[].", into);
                        }
                    });
                }
            }
        }
    }
}
