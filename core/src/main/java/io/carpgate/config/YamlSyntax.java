package io.carpgate.config;

import java.nio.file.Path;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * SnakeYAML's syntax errors in an admin's words, placed where the mistake is: an unclosed '{' at the '{', a tab
 * at the tab, a line indented out of step at that line. Anything not recognised keeps SnakeYAML's own sentence,
 * with its token names spelled out.
 */
final class YamlSyntax {
    private YamlSyntax() {}

    static ConfigException error(Path file, String text, MarkedYAMLException e) {
        String context = e.getContext() == null ? "" : e.getContext();
        String problem = e.getProblem() == null ? "" : e.getProblem();
        Mark problemAt = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        Mark contextAt = e.getContextMark() != null ? e.getContextMark() : problemAt;
        if (problemAt == null) {
            return new ConfigException(file + ": " + spelledOut(context + " " + problem).trim());
        }
        Placed placed = explain(text, context, problem, contextAt, problemAt);
        return new ConfigException(file + ":" + YamlTree.position(placed.at()) + ": " + placed.words(), e);
    }

    private record Placed(Mark at, String words) {}

    private static Placed explain(String text, String context, String problem, Mark contextAt, Mark problemAt) {
        if (problem.contains("\\t(TAB)")) {
            return new Placed(problemAt, "a tab character: YAML indents with spaces only; replace the tab with spaces");
        }
        if (problem.startsWith("found character '") && problem.contains("cannot start any token")) {
            String character = problem.substring("found character '".length(), problem.indexOf('\'', "found character '".length()));
            return new Placed(problemAt, "a value cannot start with '" + character + "' in YAML; put the value in quotes");
        }
        boolean flowMapping = context.startsWith("while parsing a flow mapping");
        if (flowMapping || context.startsWith("while parsing a flow sequence")) {
            String open = flowMapping ? "{" : "[";
            String close = flowMapping ? "}" : "]";
            if (problem.endsWith("<stream end>")) {
                return new Placed(contextAt, "the '" + open + "' opened here is never closed: '" + close
                        + "' is missing (the file ends first)");
            }
            return new Placed(contextAt, "in the '" + open + " … " + close + "' opened here, a ',' or the closing '"
                    + close + "' is missing before line " + (problemAt.getLine() + 1) + ", column "
                    + (problemAt.getColumn() + 1));
        }
        if (context.startsWith("while scanning a quoted scalar") || context.startsWith("while scanning a double-quoted")
                || context.startsWith("while scanning a single-quoted")) {
            if (problem.contains("end of stream")) {
                return new Placed(contextAt, "the quote opened here is never closed");
            }
            if (problem.startsWith("found unknown escape character")) {
                return new Placed(problemAt, "an unknown escape after '\\' inside double quotes: use single quotes "
                        + "for text with backslashes, or write '\\\\' for one backslash");
            }
        }
        if (context.startsWith("while parsing a block mapping") && problem.startsWith("expected <block end>")) {
            return new Placed(problemAt, "this line (" + quoteLine(text, problemAt) + ") is indented by "
                    + problemAt.getColumn() + " spaces, the line above by " + indentAbove(text, problemAt)
                    + ", and no key above it starts in its column: keys of one mapping start in the same column");
        }
        if (context.startsWith("while parsing a block collection") && problem.startsWith("expected <block end>")) {
            return new Placed(problemAt, "a key where a list item ('- …') was expected: a list and the keys of a "
                    + "mapping cannot share a column; check the indentation");
        }
        if (problem.startsWith("mapping values are not allowed here")) {
            String line = lineOf(text, problemAt);
            boolean secondColon = line.substring(0, Math.min(problemAt.getColumn(), line.length())).contains(": ");
            return new Placed(problemAt, secondColon
                    ? "a second ': ' on this line: a value that contains ': ' must be quoted"
                    : "this line is indented under a value, as if it continued it: align its key with the keys "
                            + "above, or quote the value");
        }
        if (context.startsWith("while scanning a simple key") && problem.startsWith("could not find expected ':'")) {
            return new Placed(contextAt, "a key without ':' (" + quoteLine(text, contextAt) + "): write 'key: value'");
        }
        if (context.startsWith("expected a single document")) {
            return new Placed(problemAt, "a second YAML document ('---'): the file must hold one");
        }
        return new Placed(problemAt, spelledOut((context.isEmpty() ? "" : context + ": ") + problem));
    }

    /** SnakeYAML's token names, in words. */
    private static String spelledOut(String message) {
        return YamlTree.firstLine(message)
                .replace("'<block mapping start>'", "a new indented mapping")
                .replace("'<block sequence start>'", "a new indented list")
                .replace("<block mapping start>", "a new indented mapping")
                .replace("<block sequence start>", "a new indented list")
                .replace("<block end>", "the end of the indented block")
                .replace("<stream end>", "the end of the file")
                .replace("<document start>", "'---'")
                .replace("<document end>", "'...'");
    }

    private static String lineOf(String text, Mark at) {
        String[] lines = text.split("\n", -1);
        return at.getLine() < lines.length ? lines[at.getLine()] : "";
    }

    /** The indentation of the nearest line above with a key or value (not blank, not a comment). */
    private static int indentAbove(String text, Mark at) {
        String[] lines = text.split("\n", -1);
        for (int i = Math.min(at.getLine(), lines.length) - 1; i >= 0; i--) {
            String stripped = lines[i].strip();
            if (!stripped.isEmpty() && !stripped.startsWith("#")) {
                return lines[i].length() - lines[i].stripLeading().length();
            }
        }
        return 0;
    }

    private static String quoteLine(String text, Mark at) {
        String line = lineOf(text, at).strip();
        return "'" + (line.length() > 40 ? line.substring(0, 37) + "..." : line) + "'";
    }
}
