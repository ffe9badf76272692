package io.carpgate.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of README.md, SECURITY.md and docs/*.md reaches a file, and every #anchor a heading of it
 * (GitHub's anchors: lower case, punctuation dropped, spaces as hyphens, -1, -2 for repeats). Code blocks and code
 * spans are not links. And the user's pages name no issue numbers or folders outside the repository.
 */
class DocumentationLinksTest {
    private static final Path ROOT = Paths.get("").toAbsolutePath();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$");

    static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("SECURITY.md")));
        try (Stream<Path> list = Files.list(ROOT.resolve("docs"))) {
            list.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    @Test
    void everyRelativeLinkAndAnchorResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path doc : documents()) {
            List<String> lines = prose(doc);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = LINK.matcher(lines.get(i).replaceAll("`[^`]*`", ""));
                while (m.find()) {
                    String target = m.group(1);
                    if (target.matches("^[a-z]+:.*")) {
                        continue; // https:, mailto:
                    }
                    links++;
                    int hash = target.indexOf('#');
                    String file = hash < 0 ? target : target.substring(0, hash);
                    Path to = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
                    String where = ROOT.relativize(doc) + ":" + (i + 1) + ": " + target;
                    if (!Files.exists(to)) {
                        broken.add(where + " (no such file)");
                    } else if (hash >= 0 && !anchors(to).contains(target.substring(hash + 1))) {
                        broken.add(where + " (no such heading; there are " + anchors(to) + ")");
                    }
                }
            }
        }
        assertThat(broken).as("broken links").isEmpty();
        assertThat(links).as("links checked").isGreaterThan(20);
    }

    @Test
    void theUsersPagesNameNoIssueNumbersOrFoldersOutsideTheRepository() throws IOException {
        for (Path doc : documents()) {
            String text = Files.readString(doc);
            assertThat(text).as(ROOT.relativize(doc).toString()).doesNotContainPattern("(?i)issue #\\d")
                    .doesNotContain("../shared");
        }
        assertThat(Files.readAllLines(ROOT.resolve("README.md")).size()).as("the README is one admin's guide")
                .isLessThanOrEqualTo(280);
    }

    /** The anchors of a markdown file's headings, as GitHub makes them. */
    static Set<String> anchors(Path doc) throws IOException {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : prose(doc)) {
            Matcher m = HEADING.matcher(line);
            if (m.matches()) {
                String slug = m.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}_\\- ]", "")
                        .replace(' ', '-');
                int n = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(n == 0 ? slug : slug + "-" + n);
            }
        }
        return anchors;
    }

    /** The file's lines outside fenced code blocks (blanked, so line numbers stay). */
    private static List<String> prose(Path doc) throws IOException {
        List<String> out = new ArrayList<>();
        boolean code = false;
        for (String line : Files.readAllLines(doc)) {
            if (line.startsWith("```")) {
                code = !code;
                out.add("");
            } else {
                out.add(code ? "" : line);
            }
        }
        return out;
    }
}
