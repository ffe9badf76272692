package io.carpgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carpgate.tls.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken configurations, one per row: each must be refused at the line and column of the mistake (marked {@code «}
 * in the row's text, removed before it is written) with a message in words. Rows without a mark expect the file
 * name alone (a key missing from the top level has no line of its own). No message may show a Java type.
 */
class ConfigErrorTableTest {
    static final String MARK = "«";
    static final String PIN = ConfigLoaderTest.PIN;
    static final String BASE = "listen: {host: 0.0.0.0, port: 8443}\n"
            + "tls: {cert: certs/c.crt, key: certs/c.key}\n"
            + "backup:\n"
            + "  url: https://192.0.2.2\n"
            + "  pin-sha256: \"" + PIN + "\"\n"
            + "  api-credentials: api.txt\n"
            + "logs: {dir: logs}\n";
    static final String PAIRS_HEAD = "listen: {host: 0.0.0.0, port: 8443}\n"
            + "tls: {cert: certs/c.crt, key: certs/c.key}\n"
            + "logs: {dir: logs}\n";
    /** What must never reach an admin: Java and library types, Jackson's and SnakeYAML's internals. */
    static final String JAVA_TYPES = "(?s).*(java\\.|javax\\.|com\\.fasterxml|org\\.yaml|io\\.carpgate|Creator|creator"
            + "|Exception|Integer|Boolean|ArrayList|LinkedHashMap|JsonToken|`|<block|<stream|\\(TAB\\)).*";

    record Row(String name, String yaml, List<String> words) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Row row(String name, String yaml, String... words) {
        return new Row(name, yaml, List.of(words));
    }

    private static String pair(String name, String path, String backupExtra) {
        return "  - name: " + name + "\n    path: " + path + "\n    backup:\n      url: https://192.0.2.2\n"
                + "      pin-sha256: '" + PIN + "'\n      api-credentials: api.txt\n" + backupExtra;
    }

    static Stream<Row> rows() {
        List<Row> rows = new ArrayList<>();
        // The issue's examples: each used to point at the end of the file or the line after its block.
        rows.add(row("on-unknown-carp misspelt", BASE + "on-unknown-carp: «supress\nadmin: {port: 9180}\n",
                "on-unknown-carp must be suppress or forward, not 'supress'", "did you mean 'suppress'?"));
        rows.add(row("mode misspelt", BASE + "mode: «enforcing\n\n# the end\n",
                "mode must be enforce or observe, not 'enforcing'", "did you mean 'enforce'?"));
        rows.add(row("allow-from empty list", BASE + "allow-from: «[]\n\nadmin: {port: 9180}\n",
                "allow-from is empty", "remove the key to allow loopback only"));
        rows.add(row("allow-from without a value", BASE + "«allow-from:\nadmin: {port: 9180}\n", "allow-from is empty"));
        rows.add(row("allow-from invalid block in a flow list", BASE + "allow-from: [192.0.2.1/32, «192.0.2.300/32]\n",
                "allow-from: '192.0.2.300/32' is not an address block"));
        rows.add(row("allow-from invalid block in a block list", BASE + "allow-from:\n  - 192.0.2.1/32\n  - «master.lan\n",
                "'master.lan' is not an address block"));
        rows.add(row("allow-from prefix too long", BASE + "allow-from: [«192.0.2.1/33]\n", "prefix length must be 0..32"));
        rows.add(row("allow-from not a list", BASE + "allow-from: «192.0.2.1/32\n", "allow-from must be a list"));
        rows.add(row("allowed-users empty", BASE + "allowed-users: «[]\n", "allowed-users is empty"));
        rows.add(row("allowed-users blank name", BASE + "allowed-users: [root, «'  ']\n", "allowed-users must list user names"));
        rows.add(row("pin too short", BASE.replace("pin-sha256: \"" + PIN, "pin-sha256: «\"AB:CD"),
                "backup.pin-sha256 is not a SHA-256 fingerprint", "4 hex digits, not 64"));
        rows.add(row("pin is SHA-1", BASE.replace("pin-sha256: \"" + PIN, "pin-sha256: «\"" + PIN.substring(0, 59)),
                "SHA-1 fingerprint", "carpgate fingerprint https://BACKUP"));
        rows.add(row("pin not hex", BASE.replace("pin-sha256: \"AB", "pin-sha256: «\"GB"), "'G' is not a hex digit"));
        rows.add(row("backup.url http", BASE.replace("url: https://", "url: «http://"),
                "backup.url must be https://HOST[:PORT][/PATH], not 'http://192.0.2.2'", "TLS only"));
        rows.add(row("backup.url without host", BASE.replace("url: https://192.0.2.2", "url: «https:///xmlrpc"),
                "backup.url must be https://HOST"));
        rows.add(row("backup.url with a user", BASE.replace("url: https://", "url: «https://root@"), "takes no user"));
        rows.add(row("backup.url not a URL", BASE.replace("url: https://192.0.2.2", "url: «https://192.0.2.2/a b"),
                "backup.url is not a URL"));
        rows.add(row("backup.url missing", BASE.replace("  url: https://192.0.2.2\n", "").replace("backup:", "«backup:"),
                "missing required key 'url' in backup"));
        rows.add(row("backup.url empty", BASE.replace("url: https://192.0.2.2", "«url:"), "backup.url has no value"));
        rows.add(row("two trusts", BASE.replace("  api-credentials", "  «insecure: true\n  api-credentials"),
                "backup: set exactly one of pin-sha256", "not pin-sha256 and insecure"));
        rows.add(row("no trust", BASE.replace("  pin-sha256: \"" + PIN + "\"\n", "").replace("backup:", "«backup:"),
                "set exactly one of pin-sha256", "none is set"));
        rows.add(row("insecure not a boolean", BASE.replace("  pin-sha256: \"" + PIN + "\"", "  insecure: «maybe"),
                "backup.insecure must be true or false, not 'maybe'"));
        // A typo in a required key is the typo, not the missing key it causes.
        rows.add(row("pin-sha265", BASE.replace("  pin-sha256", "  «pin-sha265"),
                "unknown key 'pin-sha265' in backup; did you mean 'pin-sha256'?"));
        rows.add(row("hots", BASE.replace("{host:", "{«hots:"), "unknown key 'hots' in listen; did you mean 'host'?"));
        rows.add(row("crt", BASE.replace("{cert:", "{«crt:"), "unknown key 'crt' in tls; did you mean 'cert'?"));
        rows.add(row("lsiten", BASE.replace("listen:", "«lsiten:"), "unknown key 'lsiten'; did you mean 'listen'?"));
        rows.add(row("api_credentials", BASE.replace("  api-credentials", "  «api_credentials"),
                "did you mean 'api-credentials'?"));
        rows.add(row("a backup key at the top level", BASE + "«insecure: true\n",
                "unknown key 'insecure': it belongs in backup; check its indentation"));
        rows.add(row("an unknown key without a near one", BASE + "«colour: blue\n", "unknown key 'colour'", "known at the top level"));
        rows.add(row("listen.port not a number", BASE.replace("port: 8443", "port: «abc"),
                "listen.port must be a whole number, 1..65535 (0: any free port), not 'abc'"));
        rows.add(row("listen.port too large", BASE.replace("port: 8443", "port: «70000"), "listen.port must be 1..65535"));
        rows.add(row("listen.port a list", BASE.replace("port: 8443", "port: «[8443]"), "listen.port must be a single value, not a list"));
        rows.add(row("listen a number", BASE.replace("listen: {host: 0.0.0.0, port: 8443}", "listen: «8443"),
                "listen must be a mapping (host, port), not the number 8443"));
        rows.add(row("listen.port missing", BASE.replace("listen: {host: 0.0.0.0, port: 8443}", "«listen: {host: 0.0.0.0}"),
                "missing required key 'port' in listen"));
        rows.add(row("tls.key empty", BASE.replace("key: certs/c.key", "key: «''"), "tls.key is empty"));
        // YAML syntax keeps its explanation and points at the mistake.
        rows.add(row("tab indentation", BASE.replace("  api-credentials", "«\tapi-credentials"),
                "a tab character: YAML indents with spaces only"));
        rows.add(row("unclosed { before the next key", BASE.replace("tls: {cert: certs/c.crt, key: certs/c.key}",
                "tls: «{cert: certs/c.crt, key: certs/c.key"), "'{ … }' opened here", "the closing '}' is missing before line 3"));
        rows.add(row("unclosed { at the end", BASE.replace("logs: {dir: logs}", "logs: «{dir: logs"),
                "the '{' opened here is never closed"));
        rows.add(row("unclosed [ at the end", BASE + "allow-from: «[192.0.2.1/32\n", "the '[' opened here is never closed"));
        rows.add(row("a key indented out of step", BASE.replace("  url: https://192.0.2.2\n  pin",
                "   url: https://192.0.2.2\n  «pin"), "is indented by 2 spaces, the line above by 3"));
        rows.add(row("a key indented under a value", BASE + "mode: enforce\n  on-unknown-carp«: suppress\n",
                "indented under a value"));
        rows.add(row("a second ': ' in a value", BASE + "mode: enforce«: observe\n", "a value that contains ': ' must be quoted"));
        rows.add(row("unclosed quote", BASE + "mode: «\"enforce\n",
                "the quote opened here is never closed"));
        rows.add(row("bad escape in double quotes", BASE.replace("api-credentials: api.txt",
                "api-credentials: \"C:\\«qapi.txt\""), "unknown escape"));
        rows.add(row("a reserved character", BASE + "mode: «@enforce\n", "cannot start with '@'", "quotes"));
        rows.add(row("duplicate key", BASE + "«logs: {dir: other}\n", "duplicate key 'logs' (first at line 7)"));
        rows.add(row("duplicate key inside a mapping", BASE.replace("{dir: logs}", "{dir: logs, «dir: other}"),
                "duplicate key 'dir'"));
        rows.add(row("second document", BASE + "«---\nmode: observe\n", "a second YAML document"));
        rows.add(row("a list at the top", "«- listen\n- tls\n", "the configuration must be a mapping of keys"));
        rows.add(row("a list as a key", BASE + "«[a, b]: c\n", "a key must be a name, not a list"));
        rows.add(row("merge key", BASE + "limits:\n  «<<: {max-body: 1MiB}\n", "'<<'", "not supported"));
        // Missing keys at the top level have no line of their own.
        rows.add(row("logs missing", BASE.replace("logs: {dir: logs}\n", ""), "missing required key 'logs'"));
        rows.add(row("only comments", "# nothing here yet\n", "has only comments", "listen, tls, backup and logs"));
        rows.add(row("neither backup nor pairs", PAIRS_HEAD, "not neither"));
        // logs, limits, admin
        rows.add(row("logs.retention-days 0", BASE.replace("{dir: logs}", "{dir: logs, retention-days: «0}"),
                "logs.retention-days must be 1..3650, not 0"));
        rows.add(row("logs.level misspelt", BASE.replace("{dir: logs}", "{dir: logs, level: «warning}"),
                "logs.level must be error, warn, info, debug or trace", "did you mean 'warn'?"));
        rows.add(row("logs.max-file-size", BASE.replace("{dir: logs}", "{dir: logs, max-file-size: «50MB}"),
                "logs.max-file-size: '50MB' is not a size"));
        rows.add(row("logs.dir missing", BASE.replace("logs: {dir: logs}", "«logs: {level: info}"),
                "missing required key 'dir' in logs"));
        rows.add(row("limits.max-body", BASE + "limits: {max-body: «lots}\n", "limits.max-body: 'lots' is not a size"));
        rows.add(row("limits.carp-cache too long", BASE + "limits:\n  api-timeout: 5s\n  carp-cache: «5s\n",
                "limits.carp-cache must be at most 2s"));
        rows.add(row("limits.max-connections", BASE + "limits: {max-connections: «lots}\n",
                "limits.max-connections must be a whole number, 1..100000"));
        rows.add(row("limits.api-timeout", BASE + "limits: {api-timeout: «5 seconds}\n", "limits.api-timeout: '5 seconds' is not a duration"));
        rows.add(row("limits.carp-refresh too often", BASE + "limits: {carp-refresh: «1s}\n",
                "limits.carp-refresh must be at least 5s, or off"));
        rows.add(row("limits.carp-refresh a word", BASE + "limits: {carp-refresh: «never}\n",
                "limits.carp-refresh: 'never' is not a duration"));
        rows.add(row("watch.interval too often", BASE + "watch: {interval: «500ms}\n",
                "watch.interval must be at least 1s, or off"));
        rows.add(row("watch.interval a word", BASE + "watch: {interval: «hourly}\n",
                "watch.interval: 'hourly' is not a duration"));
        rows.add(row("limits key with underscore", BASE + "limits: {«max_body: 1MiB}\n", "did you mean 'max-body'?"));
        rows.add(row("admin.port", BASE + "admin: {port: «70000}\n", "admin.port must be 1..65535"));
        rows.add(row("limits.max-connections-per-client", BASE + "limits: {max-connections-per-client: «0}\n",
                "limits.max-connections-per-client must be 1..100000, not 0"));
        rows.add(row("limits.tls-handshake-timeout", BASE + "limits: {tls-handshake-timeout: «soon}\n",
                "limits.tls-handshake-timeout: 'soon' is not a duration"));
        rows.add(row("limits key per-client typo", BASE + "limits: {«max-connection-per-client: 4}\n",
                "did you mean 'max-connections-per-client'?"));
        rows.add(row("admin.hosts with a port", BASE + "admin: {hosts: [localhost, «carpgate.lan:9180]}\n",
                "admin.hosts must be a host name or address without a port"));
        rows.add(row("admin.hosts empty", BASE + "admin: {hosts: «[]}\n", "admin.hosts is empty"));
        rows.add(row("admin.enabled", BASE + "admin: {enabled: «maybe}\n", "admin.enabled must be true or false"));
        rows.add(row("admin.host misspelt", BASE + "admin: {«hots: 0.0.0.0}\n", "did you mean 'host'?"));
        rows.add(row("admin a list", BASE + "admin: «[127.0.0.1, 9180]\n", "admin must be a mapping"));
        // Files the configuration names: the line that names them.
        rows.add(row("credentials file missing", BASE.replace("api-credentials: api.txt", "api-credentials: «nope.txt"),
                "backup.api-credentials:", "nope.txt not found"));
        rows.add(row("credentials missing entirely", BASE.replace("  api-credentials: api.txt\n", "").replace("backup:", "«backup:"),
                "backup.api-credentials is missing"));
        rows.add(row("credentials a folder", BASE.replace("api-credentials: api.txt", "api-credentials: «certs"),
                "is a folder, not a file"));
        rows.add(row("ca file missing", BASE.replace("pin-sha256: \"" + PIN + "\"", "ca: «no-ca.pem"), "backup.ca:", "not found"));
        rows.add(row("ca file without a certificate", BASE.replace("pin-sha256: \"" + PIN + "\"", "ca: «garbage.pem"),
                "backup.ca:", "no PEM certificate found"));
        rows.add(row("tls key missing beside its certificate", BASE.replace("certs/c.crt, key: certs/c.key",
                "good.crt, key: «no.key"), "is missing while", "good.crt exists"));
        rows.add(row("tls certificate not PEM", BASE.replace("certs/c.crt, key: certs/c.key", "«garbage.pem, key: good.key"),
                "tls.cert:", "no PEM certificate found"));
        rows.add(row("tls key of another certificate", BASE.replace("certs/c.crt, key: certs/c.key", "good.crt, key: «other.key"),
                "tls.key:", "is not the key of the certificate"));
        // pairs: entries are checked like the top-level backup, each at its own line.
        rows.add(row("pairs entry key misspelt", PAIRS_HEAD + "pairs:\n" + pair("site-a", "/a", "").replace("    backup:", "    «bakup:"),
                "unknown key 'bakup' in pairs[site-a]; did you mean 'backup'?"));
        rows.add(row("pairs name invalid", PAIRS_HEAD + "pairs:\n" + pair("site-a", "/a", "").replace("name: site-a", "name: «site a"),
                "pairs[].name must be 1-63 letters"));
        rows.add(row("pairs same name", PAIRS_HEAD + "pairs:\n" + pair("site-a", "/a", "")
                + pair("site-a", "/b", "").replace("name: site-a", "name: «site-a"), "two entries have the same name 'site-a'",
                "the other at line 5"));
        rows.add(row("pairs same path", PAIRS_HEAD + "pairs:\n" + pair("site-a", "/a", "")
                + pair("site-b", "/a/", "").replace("path: /a/", "path: «/a/"), "two entries have the same path '/a'"));
        rows.add(row("pairs same backup", PAIRS_HEAD + "pairs:\n" + pair("site-a", "/a", "")
                + pair("site-b", "/b", "").replace("url: https://192.0.2.2", "url: «https://192.0.2.2:443"),
                "pairs: site-b and site-a name the same backup https://192.0.2.2:443"));
        rows.add(row("pairs path invalid", PAIRS_HEAD + "pairs:\n" + pair("site-a", "/a", "").replace("path: /a", "path: «/a/../b"),
                "pairs[].path must be / or a path like /site-a"));
        rows.add(row("pairs backup url http", PAIRS_HEAD + "pairs:\n" + pair("site-a", "/a", "").replace("url: https", "url: «http"),
                "pairs[site-a].backup.url must be https://"));
        rows.add(row("pairs pin malformed", PAIRS_HEAD + "pairs:\n" + pair("site-a", "/a", "").replace("pin-sha256: '", "pin-sha256: «'00"),
                "pairs[site-a].backup.pin-sha256 is not a SHA-256 fingerprint"));
        rows.add(row("pairs pin-sha265", PAIRS_HEAD + "pairs:\n" + pair("site-a", "/a", "").replace("pin-sha256", "«pin-sha265"),
                "unknown key 'pin-sha265' in pairs[site-a].backup; did you mean 'pin-sha256'?"));
        rows.add(row("pairs two trusts", PAIRS_HEAD + "pairs:\n" + pair("site-a", "/a", "      «ca: ca.pem\n"),
                "pairs[site-a].backup: set exactly one of pin-sha256"));
        rows.add(row("pairs entry without backup", PAIRS_HEAD + "pairs:\n  - «name: site-a\n    path: /a\n",
                "missing required key 'backup' in pairs[site-a]"));
        rows.add(row("pairs on-unknown-carp", PAIRS_HEAD + "pairs:\n" + pair("site-a", "/a", "    on-unknown-carp: «foward\n"),
                "on-unknown-carp must be suppress or forward", "did you mean 'forward'?"));
        rows.add(row("pairs entry a name only", PAIRS_HEAD + "pairs:\n" + pair("site-a", "/a", "") + "  - «site-b\n",
                "the 2nd entry of pairs must be a mapping"));
        rows.add(row("pairs entry without a name", PAIRS_HEAD + "pairs:\n" + pair("site-a", "/a", "")
                + pair("site-b", "/b", "").replace("  - name: site-b\n    path: /b", "  - «path: /b"),
                "missing required key 'name' in the 2nd entry of pairs"));
        rows.add(row("pairs entry with an empty path", PAIRS_HEAD + "pairs:\n"
                + pair("site-a", "", "").replace("    path: \n", "    «path:\n"), "pairs[site-a].path has no value"));
        rows.add(row("pairs empty", PAIRS_HEAD + "pairs: «[]\n", "pairs is empty"));
        rows.add(row("pairs a mapping", PAIRS_HEAD + "pairs:\n  «site-a: {path: /a}\n", "pairs must be a list"));
        rows.add(row("pairs with vhid-map at the top", PAIRS_HEAD + "«vhid-map: m.yml\npairs:\n" + pair("site-a", "/a", ""),
                "vhid-map belongs inside each entry of pairs"));
        rows.add(row("pairs and backup", BASE + "«pairs:\n" + pair("site-a", "/a", ""), "not both"));
        rows.add(row("a pair key at the top of an entry's backup", PAIRS_HEAD + "pairs:\n"
                + pair("site-a", "/a", "      «vhid-map: a.yml\n"), "'vhid-map'", "belongs in the top level or an entry of pairs"));
        return rows.stream();
    }

    @TempDir
    Path dir;

    @BeforeEach
    void files() throws Exception {
        Files.writeString(dir.resolve("api.txt"), "the-key:the-secret\n");
        Files.createDirectories(dir.resolve("certs/sub"));
        Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
        Files.writeString(dir.resolve("ca.pem"), "not used\n");
        PemFiles.writeSelfSigned(dir.resolve("good.crt"), dir.resolve("good.key"), "good", List.of("localhost"));
        PemFiles.writeSelfSigned(dir.resolve("other.crt"), dir.resolve("other.key"), "other", List.of("localhost"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachMistakeIsNamedAtItsPlaceInWords(Row row) throws Exception {
        int mark = row.yaml().indexOf(MARK);
        String yaml = row.yaml().replace(MARK, "");
        Path file = Files.writeString(dir.resolve("carpgate.yml"), yaml);
        String where = file.toAbsolutePath() + ":";
        if (mark >= 0) {
            String before = row.yaml().substring(0, mark);
            int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
            int column = mark - before.lastIndexOf('\n');
            where += line + ":" + column + ": ";
        } else {
            where += " ";
        }
        String expectedStart = where;
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).as(row.name()).startsWith(expectedStart).contains(row.words())
                            .doesNotMatch(JAVA_TYPES).doesNotContain("\n");
                    if (row.name().contains("misspelt") || row.words().stream().anyMatch(w -> w.contains("did you mean"))) {
                        assertThat(e.getMessage()).as("a typo is the typo, not its consequence").doesNotContain("missing");
                    }
                });
    }

    @Test
    void everyRowIsDistinctAndTheBaseIsValid() throws Exception {
        assertThat(rows().map(Row::name).distinct().count()).isEqualTo(rows().count());
        Files.writeString(dir.resolve("carpgate.yml"), BASE);
        assertThat(ConfigLoader.load(dir.resolve("carpgate.yml"), Map.of()).pairs()).hasSize(1);
        Files.writeString(dir.resolve("carpgate.yml"), PAIRS_HEAD + "pairs:\n" + pair("site-a", "/a", "")
                + pair("site-b", "/b", "").replace("192.0.2.2", "192.0.2.3"));
        assertThat(ConfigLoader.load(dir.resolve("carpgate.yml"), Map.of()).pairs()).hasSize(2);
    }

    @Test
    void carpRefreshIsADurationOrOff() throws Exception {
        for (String[] given : new String[][] {{"off", "PT0S"}, {"'off'", "PT0S"}, {"30s", "PT30S"}, {"2m", "PT2M"}}) {
            Path file = Files.writeString(dir.resolve("carpgate.yml"), BASE + "limits: {carp-refresh: " + given[0] + "}\n");
            assertThat(ConfigLoader.load(file, Map.of()).limits().carpRefresh()).as(given[0]).hasToString(given[1]);
        }
    }

    @Test
    void watchIntervalIsADurationOrOffAndOneMinuteWithoutTheKey() throws Exception {
        Path plain = Files.writeString(dir.resolve("carpgate.yml"), BASE);
        assertThat(ConfigLoader.load(plain, Map.of()).watch().interval()).hasToString("PT1M");
        for (String[] given : new String[][] {{"off", "PT0S"}, {"'off'", "PT0S"}, {"1s", "PT1S"}, {"5m", "PT5M"}}) {
            Path file = Files.writeString(dir.resolve("carpgate.yml"), BASE + "watch: {interval: " + given[0] + "}\n");
            assertThat(ConfigLoader.load(file, Map.of()).watch().interval()).as(given[0]).hasToString(given[1]);
        }
    }

    @Test
    void bytesThatAreNotUtf8AreNamedAtTheirLine() throws Exception {
        byte[] latin1 = (BASE + "# caf\u00e9\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Path file = Files.write(dir.resolve("carpgate.yml"), latin1);
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .hasMessage(file.toAbsolutePath() + ":8:6: byte 0xE9 is not UTF-8 text; save the file as UTF-8");
    }

    @Test
    void aControlCharacterIsNamedAtItsPlace() throws Exception {
        Path file = Files.writeString(dir.resolve("carpgate.yml"), BASE + "mode: enf\u0007orce\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .hasMessageStartingWith(file.toAbsolutePath() + ":8:10: the character U+0007 is not allowed");
    }

    @Test
    void aByteOrderMarkIsAccepted() throws Exception {
        Path file = Files.writeString(dir.resolve("carpgate.yml"), "\uFEFF" + BASE);
        assertThat(ConfigLoader.load(file, Map.of()).listen().port()).isEqualTo(8443);
    }
}
